import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactArguments } from './tool-calls.interceptor';

describe('tool-call log redaction', () => {
  it('hides secrets, keeps ids and amounts, and logs free text by length only', () => {
    assert.deepEqual(
      redactArguments({
        invoiceId: 'a1b2',
        amount: 1234,
        accessToken: 'tmcp_at_secret',
        body: 'Customer says the CFO is on leave',
        idempotencyKey: 'k-1',
      }),
      {
        invoiceId: 'a1b2',
        amount: 1234,
        accessToken: '[redacted]',
        body: '[33 chars]',
        idempotencyKey: 'k-1',
      },
    );
  });

  it('passes non-object arguments through', () => {
    assert.equal(redactArguments(undefined), undefined);
  });
});
