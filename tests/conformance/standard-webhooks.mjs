// Checks outbound webhook signatures with the Standard Webhooks reference library (standardwebhooks):
// each case is verified as a receiver would, and the library signs the same message for comparison.
// stdin: { secret, cases: [{ name, id, timestamp, body, signature }] }
// stdout: [{ name, accepted, error, librarySignature }]
import { Webhook } from 'standardwebhooks';
import { readInput, writeOutput, errorText } from './lib.mjs';

const input = await readInput();
const webhook = new Webhook(input.secret);
writeOutput(input.cases.map((c) => {
  let accepted = false;
  let error = null;
  try {
    webhook.verify(c.body, { 'webhook-id': c.id, 'webhook-timestamp': String(c.timestamp), 'webhook-signature': c.signature });
    accepted = true;
  } catch (e) {
    error = errorText(e);
  }
  return { name: c.name, accepted, error, librarySignature: webhook.sign(c.id, new Date(c.timestamp * 1000), c.body) };
}));
