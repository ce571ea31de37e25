// Shared plumbing of the conformance scripts: one JSON document on stdin, one on stdout.
export async function readInput() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function writeOutput(value) {
  process.stdout.write(JSON.stringify(value));
}

export function errorText(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
