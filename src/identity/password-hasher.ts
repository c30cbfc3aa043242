import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's second recommended profile (19 MiB, 2 iterations, 1 lane): strong
 * against GPU guessing while a login still costs only tens of milliseconds here.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A hash of a random password, verified when the account does not exist so timing does not tell. */
let decoyHash: Promise<string> | undefined;

@Injectable()
export class PasswordHasher {
  async hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    if (!storedHash) {
      decoyHash ??= hash('decoy-password-never-used', OPTIONS);
      await verify(await decoyHash, password).catch(() => false);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false; // malformed stored hash: treat as a failed login, never as an error page
    }
  }
}
