// Signs webhook bodies the way LiveKit does, with the official SDK's AccessToken (sha256 claim of
// the body, HS256 with the key's secret), and builds the variants a receiver must refuse. Each
// case is checked with the SDK's own WebhookReceiver too, so the expectation is LiveKit's.
// stdin: { apiKey, apiSecret, body, otherBody }
// stdout: [{ name, body, authorization, officialAccepts }]
import { createHash } from 'node:crypto';
import * as jose from 'jose';
import { AccessToken, WebhookReceiver } from 'livekit-server-sdk';
import { readInput, writeOutput } from './lib.mjs';

const input = await readInput();
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('base64');
const b64url = (text) => Buffer.from(text, 'utf8').toString('base64url');

async function sign(apiKey, apiSecret, body) {
  const token = new AccessToken(apiKey, apiSecret, { ttl: '5m' });
  token.sha256 = sha256(body);
  return token.toJwt();
}

const now = Math.floor(Date.now() / 1000);
const expired = await new jose.SignJWT({ sha256: sha256(input.body) })
  .setProtectedHeader({ alg: 'HS256' })
  .setIssuer(input.apiKey)
  .setNotBefore(now - 3600)
  .setExpirationTime(now - 600)
  .sign(new TextEncoder().encode(input.apiSecret));
const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({
  iss: input.apiKey, nbf: now, exp: now + 300, sha256: sha256(input.body),
}))}.`;

const cases = [
  { name: 'valid', body: input.body, authorization: await sign(input.apiKey, input.apiSecret, input.body) },
  { name: 'tampered body', body: input.otherBody, authorization: await sign(input.apiKey, input.apiSecret, input.body) },
  { name: 'expired token', body: input.body, authorization: expired },
  { name: 'unknown key', body: input.body, authorization: await sign('APIunknownKey', input.apiSecret, input.body) },
  { name: 'wrong secret', body: input.body, authorization: await sign(input.apiKey, 'not-the-secret', input.body) },
  { name: 'alg none', body: input.body, authorization: unsigned },
  { name: 'missing header', body: input.body, authorization: '' },
];

const receiver = new WebhookReceiver(input.apiKey, input.apiSecret);
for (const c of cases) {
  try {
    await receiver.receive(c.body, c.authorization);
    c.officialAccepts = true;
  } catch {
    c.officialAccepts = false;
  }
}
writeOutput(cases);
