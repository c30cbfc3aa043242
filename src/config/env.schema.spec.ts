import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppConfig } from './app-config.service';
import { ConfigurationError, validateEnvironment } from './env.schema';

function problemsOf(values: Record<string, string>): string[] {
  try {
    validateEnvironment(values);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.problems;
  }
  return [];
}

describe('environment schema', () => {
  it('starts with nothing set: embedded database, migrations and demo data on', () => {
    const config = AppConfig.fromValues({});
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.usesEmbeddedDatabase, true);
    assert.equal(config.database.poolSize, 1, 'PGlite serves one connection');
    assert.equal(config.database.runMigrationsOnStart, true);
    assert.equal(config.database.seedDemoDataOnStart, true);
    assert.equal(config.tokens.accessTokenSeconds, 3600);
  });

  it('with DATABASE_URL, migrations and seeding become explicit steps and the pool size applies', () => {
    const config = AppConfig.fromValues({
      DATABASE_URL: 'postgres://u:p@db:5432/ar',
      DATABASE_POOL_SIZE: '20',
    });
    assert.equal(config.usesEmbeddedDatabase, false);
    assert.equal(config.database.poolSize, 20);
    assert.equal(config.database.runMigrationsOnStart, false);
    assert.equal(config.database.seedDemoDataOnStart, false);
  });

  it('names each bad variable and its value', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    assert.equal(problems.length, 3);
    assert.match(
      problems.find((p) => p.startsWith('PORT='))!,
      /PORT="eighty"/,
    );
    assert.ok(problems.some((p) => p.startsWith('LOG_LEVEL="loud"')));
    assert.ok(problems.some((p) => p.startsWith('DATABASE_URL=') && p.includes('postgres://')));
  });

  it('refuses a PUBLIC_URL with a trailing slash or a query', () => {
    assert.ok(problemsOf({ PUBLIC_URL: 'https://ar.example.com/' }).some((p) => p.startsWith('PUBLIC_URL')));
    assert.ok(
      problemsOf({ PUBLIC_URL: 'https://ar.example.com/?x=1' }).some((p) => p.startsWith('PUBLIC_URL')),
    );
    assert.deepEqual(problemsOf({ PUBLIC_URL: 'https://ar.example.com/tesorio' }), []);
  });

  it('insists on https in production', () => {
    assert.ok(
      problemsOf({ NODE_ENV: 'production', PUBLIC_URL: 'http://ar.example.com' }).some((p) =>
        p.startsWith('PUBLIC_URL'),
      ),
    );
    assert.deepEqual(problemsOf({ NODE_ENV: 'production', PUBLIC_URL: 'https://ar.example.com' }), []);
  });

  it('refuses the same port for the public and admin listeners', () => {
    assert.ok(problemsOf({ PORT: '8080', ADMIN_PORT: '8080' }).some((p) => p.startsWith('ADMIN_PORT')));
  });

  it('refuses token lifetimes that contradict each other or the spec', () => {
    assert.ok(
      problemsOf({ AUTHORIZATION_CODE_TTL_SECONDS: '600' }).some((p) =>
        p.startsWith('AUTHORIZATION_CODE_TTL_SECONDS'),
      ),
    );
    assert.ok(
      problemsOf({
        REFRESH_TOKEN_IDLE_TTL_SECONDS: '9000000',
        REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS: '86400',
      }).some((p) => p.startsWith('REFRESH_TOKEN_IDLE_TTL_SECONDS')),
    );
  });

  it('reads booleans the way operators write them', () => {
    assert.equal(AppConfig.fromValues({ MIGRATIONS_RUN: 'yes' }).database.runMigrationsOnStart, true);
    assert.equal(AppConfig.fromValues({ MIGRATIONS_RUN: 'false' }).database.runMigrationsOnStart, false);
    assert.ok(problemsOf({ MIGRATIONS_RUN: 'maybe' }).some((p) => p.startsWith('MIGRATIONS_RUN')));
  });
});
