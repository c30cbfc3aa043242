import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { REDACTED_PATHS } from './logging';

describe('log redaction', () => {
  it('never writes credentials, tokens or codes', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer tmcp_at_SECRET1', cookie: '__Host-session=SECRET2' } },
      res: { headers: { 'set-cookie': 'SECRET3', location: 'https://client/cb?code=SECRET4' } },
      body: {
        password: 'SECRET5',
        refresh_token: 'SECRET6',
        code_verifier: 'SECRET7',
        client_secret: 'SECRET8',
      },
    });
    assert.doesNotMatch(written, /SECRET\d/);
    assert.match(written, /\[redacted\]/);
  });
});
