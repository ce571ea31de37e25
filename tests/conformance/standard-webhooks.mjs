// Checks outbound webhook signatures with the Standard Webhooks reference library (standardwebhooks):
// each case is verified as a receiver would, and the library signs the same message for comparison.
// When docVerifier names a module (the verification code of docs/OUTBOUND.md), its verify() judges
// each case too.
// stdin: { secret, cases: [{ name, id, timestamp, body, signature }], docVerifier? }
// stdout: [{ name, accepted, error, librarySignature, documentedAccepts }]
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { readInput, writeOutput, errorText } from './lib.mjs';

const input = await readInput();
const webhook = new Webhook(input.secret);
const documented = input.docVerifier ? await import(pathToFileURL(input.docVerifier).href) : null;
writeOutput(input.cases.map((c) => {
  let accepted = false;
  let error = null;
  try {
    webhook.verify(c.body, { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature });
    accepted = true;
  } catch (e) {
    error = errorText(e);
  }
  const headers = { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature };
  return {
    name: c.name, accepted, error,
    librarySignature: webhook.sign(c.id, new Date(c.timestamp * 1000), c.body),
    documentedAccepts: documented ? documented.verify(input.secret, headers, Buffer.from(c.body, 'utf8')) : null,
  };
}));
