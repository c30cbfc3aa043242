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

  it("logs a contact's name, email and phone by length only", () => {
    assert.deepEqual(
      redactArguments({
        customerId: 'c1',
        name: 'Alice Example',
        email: 'alice@example.com',
        phone: '+1 555 0100',
        isBilling: true,
      }),
      { customerId: 'c1', name: '[13 chars]', email: '[17 chars]', phone: '[11 chars]', isBilling: true },
    );
  });

  it('redacts inside nested objects and lists too', () => {
    assert.deepEqual(
      redactArguments({
        disputeId: 'd1',
        creditMemo: { amount: 500, reason: 'Damaged in transit' },
        applications: [{ invoiceId: 'i1', amount: 100, note: 'short pay' }],
        contacts: [{ email: 'bob@example.com', secretToken: 'x' }],
        tags: ['key-account'],
      }),
      {
        disputeId: 'd1',
        creditMemo: { amount: 500, reason: '[18 chars]' },
        applications: [{ invoiceId: 'i1', amount: 100, note: '[9 chars]' }],
        contacts: [{ email: '[15 chars]', secretToken: '[redacted]' }],
        tags: ['key-account'],
      },
    );
  });

  it('passes non-object arguments through', () => {
    assert.equal(redactArguments(undefined), undefined);
  });
});
