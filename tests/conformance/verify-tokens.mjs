// Verifies tokens minted by Switchboard with the official SDK's TokenVerifier and returns the
// payload it accepted, so the caller can compare every claim.
// stdin: { apiKey, apiSecret, tokens: [string] }  stdout: [{ ok, payload?, error? }]
import { TokenVerifier } from 'livekit-server-sdk';
import { readInput, writeOutput, errorText } from './lib.mjs';

const input = await readInput();
const verifier = new TokenVerifier(input.apiKey, input.apiSecret);
const results = [];
for (const token of input.tokens) {
  try {
    results.push({ ok: true, payload: await verifier.verify(token) });
  } catch (error) {
    results.push({ ok: false, error: errorText(error) });
  }
}
writeOutput(results);
