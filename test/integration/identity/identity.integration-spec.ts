import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../src/common/errors/app-error';
import { IdentityService } from '../../../src/identity/identity.service';
import { PasswordHasher } from '../../../src/identity/password-hasher';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

describe('identity: organizations, users, memberships', () => {
  let db: TestDatabase;
  let identity: IdentityService;
  const passwords = new PasswordHasher();

  before(async () => {
    db = await createTestDatabase();
    identity = new IdentityService(db.dataSource, passwords);
  });
  after(async () => db.drop());

  it('stores users with a lower-cased email and an Argon2id hash that verifies only the right password', async () => {
    const user = await identity.createUser({
      email: '  Dana@Example.COM ',
      name: 'Dana Scully',
      password: 'correct horse battery',
    });
    assert.equal(user.email, 'dana@example.com');
    const stored = await identity.findUserForLogin('DANA@example.com');
    assert.match(stored!.passwordHash, /^\$argon2id\$/);
    assert.equal(await passwords.verify(stored!.passwordHash, 'correct horse battery'), true);
    assert.equal(await passwords.verify(stored!.passwordHash, 'wrong horse battery'), false);
    assert.equal(
      (await identity.findUserByEmail('dana@example.com'))!.passwordHash,
      undefined,
      'hash not selected by default',
    );
  });

  it('refuses a second account for the same email in any letter case', async () => {
    await assert.rejects(
      identity.createUser({ email: 'DANA@example.com', name: 'Other', password: 'another long password' }),
      ConflictError,
    );
  });

  it('refuses short passwords and malformed emails before storing anything', async () => {
    await assert.rejects(
      identity.createUser({ email: 'x@example.com', name: 'X', password: 'short' }),
      InvalidArgumentError,
    );
    await assert.rejects(
      identity.createUser({ email: 'not-an-email', name: 'X', password: 'long enough password' }),
      InvalidArgumentError,
    );
    assert.equal(await identity.findUserByEmail('x@example.com'), null);
  });

  it('lets one user belong to several organizations with different roles', async () => {
    const acme = await identity.createOrganization({
      name: 'Acme',
      baseCurrency: 'usd',
      timeZone: 'America/New_York',
    });
    const globex = await identity.createOrganization({
      name: 'Globex',
      baseCurrency: 'EUR',
      timeZone: 'Europe/Berlin',
    });
    assert.equal(acme.baseCurrency, 'USD');
    await identity.addMembership('dana@example.com', acme.id, 'collector');
    await identity.addMembership('dana@example.com', globex.id, 'manager');
    await identity.addMembership('dana@example.com', acme.id, 'admin'); // a second call changes the role
    const user = await identity.findUserByEmail('dana@example.com');
    const memberships = await identity.membershipsOf(user!.id);
    assert.deepEqual(
      memberships.map((m) => [m.orgName, m.role]),
      [
        ['Acme', 'admin'],
        ['Globex', 'manager'],
      ],
    );
  });

  it('rejects unknown roles, organizations, currencies and time zones with a clear error', async () => {
    const [org] = await identity.listOrganizations();
    await assert.rejects(
      identity.addMembership('dana@example.com', org.id, 'owner' as never),
      /Role must be one of/,
    );
    await assert.rejects(identity.addMembership('dana@example.com', randomUUID(), 'viewer'), NotFoundError);
    await assert.rejects(
      identity.addMembership('nobody@example.com', org.id, 'viewer'),
      /No user with email/,
    );
    await assert.rejects(identity.createOrganization({ name: 'X', baseCurrency: 'dollars' }), /ISO-4217/);
    await assert.rejects(
      identity.createOrganization({ name: 'X', baseCurrency: 'USD', timeZone: 'Mars/Base' }),
      /time zone/,
    );
  });

  it('spends about the same time verifying an unknown account as a known one', async () => {
    const known = (await identity.findUserForLogin('dana@example.com'))!.passwordHash;
    await passwords.verify(undefined, 'warm-up');
    // CPU time (all threads, so the libuv worker that runs Argon2 counts) rather than wall time:
    // CI runs other suites beside this one, and their load would otherwise swamp the comparison.
    // Known and unknown alternate so whatever noise is left falls on both alike.
    const cpuMs = async (hash: string | undefined): Promise<number> => {
      const before = process.cpuUsage();
      await passwords.verify(hash, 'some guess here');
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
    const knownSamples: number[] = [];
    const unknownSamples: number[] = [];
    for (let i = 0; i < 7; i++) {
      knownSamples.push(await cpuMs(known));
      unknownSamples.push(await cpuMs(undefined));
    }
    const median = (samples: number[]): number => samples.sort((a, b) => a - b)[3];
    const knownMs = median(knownSamples);
    const unknownMs = median(unknownSamples);
    // Both run one Argon2id verification with the same cost; without the decoy the unknown path
    // would cost next to nothing.
    assert.ok(unknownMs > knownMs * 0.5, `unknown ${unknownMs} ms vs known ${knownMs} ms of CPU`);
  });
});
