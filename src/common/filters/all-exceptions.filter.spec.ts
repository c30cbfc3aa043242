import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger, NotFoundException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { InvalidArgumentError, NotFoundError, RuleViolationError } from '../errors/app-error';
import { AllExceptionsFilter } from './all-exceptions.filter';

Logger.overrideLogger(false);

interface Captured {
  status?: number;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

function respond(exception: unknown): Captured {
  const captured: Captured = { headers: {} };
  const response = {
    headersSent: false,
    status(code: number) {
      captured.status = code;
      return this;
    },
    setHeader(name: string, value: string) {
      captured.headers[name] = value;
      return this;
    },
    json(body: Record<string, unknown>) {
      captured.body = body;
      return this;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return captured;
}

describe('AllExceptionsFilter', () => {
  it('turns coded application errors into their HTTP status with the sentence intact', () => {
    const bad = respond(
      new InvalidArgumentError('limit must be a whole number from 1 to 500; got 0.', { field: 'limit' }),
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      error: 'invalid_argument',
      message: 'limit must be a whole number from 1 to 500; got 0.',
      details: { field: 'limit' },
    });
    assert.equal(respond(new NotFoundError('invoice', 'x')).status, 404);
    assert.equal(respond(new RuleViolationError('over-application')).status, 422);
  });

  it('answers 503 with Retry-After when the database is unreachable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const result = respond(refused);
    assert.equal(result.status, 503);
    assert.equal(result.headers['Retry-After'], '5');
    assert.doesNotMatch(JSON.stringify(result.body), /5432/, 'no connection details leak');
  });

  it('hides unexpected errors behind a generic 500 with an error id', () => {
    const result = respond(new Error('relation "secret_table" does not exist at /srv/app/x.js:12'));
    assert.equal(result.status, 500);
    assert.equal(result.body?.error, 'internal_error');
    assert.match(String(result.body?.message), /Quote error id [0-9a-f-]{36}/);
    assert.doesNotMatch(JSON.stringify(result.body), /secret_table|x\.js/);
  });

  it('passes Nest HTTP exceptions through unchanged', () => {
    assert.equal(respond(new NotFoundException()).status, 404);
  });
});
