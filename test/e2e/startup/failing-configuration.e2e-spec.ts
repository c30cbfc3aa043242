import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = join(__dirname, '..', '..', '..', 'src', 'main.js');

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('start-up with bad configuration', () => {
  it('stops with exit code 1 and names every bad variable', () => {
    const { status, stderr } = start({ PORT: 'eighty', DATABASE_POOL_SIZE: '0', PUBLIC_URL: 'ftp://x' });
    assert.equal(status, 1);
    assert.match(stderr, /Invalid configuration/);
    assert.match(stderr, /PORT="eighty"/);
    assert.match(stderr, /DATABASE_POOL_SIZE="0"/);
    assert.match(stderr, /PUBLIC_URL="ftp:\/\/x"/);
    assert.doesNotMatch(stderr, /at .*\.js:\d+/, 'a configuration mistake is not a crash: no stack trace');
  });

  it('refuses plain http as the public URL in production', () => {
    const { status, stderr } = start({ NODE_ENV: 'production', PUBLIC_URL: 'http://ar.example.com' });
    assert.equal(status, 1);
    assert.match(stderr, /PUBLIC_URL: must be set to an https:\/\/ URL/);
  });

  it('fails fast with a clear message when the database cannot be reached', () => {
    const started = Date.now();
    const { status, stderr } = start({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    });
    assert.equal(status, 1);
    assert.match(stderr, /Cannot reach the database: .*ECONNREFUSED.*Check DATABASE_URL/);
    assert.doesNotMatch(stderr, /at .*\.js:\d+/);
    assert.ok(Date.now() - started < 15_000);
  });
});
