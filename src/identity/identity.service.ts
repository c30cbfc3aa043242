import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../common/errors/app-error';
import { Membership, ROLES } from './membership.entity';
import type { Role } from './membership.entity';
import { Organization } from './organization.entity';
import { LoginSession } from './sessions/login-session.entity';
import { User } from './user.entity';
import { PasswordHasher } from './password-hasher';

export const MIN_PASSWORD_LENGTH = 12;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CURRENCY = /^[A-Z]{3}$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface MembershipView {
  orgId: string;
  orgName: string;
  role: Role;
}

/** Organizations, users and memberships: what the CLI, login and consent need. */
@Injectable()
export class IdentityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordHasher,
  ) {}

  async createOrganization(input: {
    name: string;
    baseCurrency: string;
    timeZone?: string;
  }): Promise<Organization> {
    const name = input.name.trim();
    if (!name) throw new InvalidArgumentError('Organization name must not be empty.', { field: 'name' });
    const baseCurrency = input.baseCurrency.trim().toUpperCase();
    if (!CURRENCY.test(baseCurrency)) {
      throw new InvalidArgumentError(
        `Base currency must be an ISO-4217 code such as USD; got "${input.baseCurrency}".`,
        {
          field: 'baseCurrency',
        },
      );
    }
    const timeZone = input.timeZone ?? 'UTC';
    if (!isTimeZone(timeZone)) {
      throw new InvalidArgumentError(
        `Unknown time zone "${timeZone}"; use an IANA name such as Europe/Berlin.`,
        {
          field: 'timeZone',
        },
      );
    }
    return this.dataSource.getRepository(Organization).save({ name, baseCurrency, timeZone });
  }

  async createUser(input: { email: string; name: string; password: string }): Promise<User> {
    const email = normalizeEmail(input.email);
    if (!EMAIL.test(email))
      throw new InvalidArgumentError(`"${input.email}" is not an email address.`, { field: 'email' });
    if (!input.name.trim()) throw new InvalidArgumentError('Name must not be empty.', { field: 'name' });
    assertPasswordStrength(input.password);
    const users = this.dataSource.getRepository(User);
    if (await users.existsBy({ email }))
      throw new ConflictError(`A user with email ${email} already exists.`);
    const passwordHash = await this.passwords.hash(input.password);
    return users.save({ email, name: input.name.trim(), passwordHash, disabled: false });
  }

  async setPassword(email: string, password: string): Promise<void> {
    assertPasswordStrength(password);
    const user = await this.requireUser(email);
    const passwordHash = await this.passwords.hash(password);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: user.id }, { passwordHash });
      await manager.getRepository(LoginSession).delete({ userId: user.id });
    });
  }

  async setDisabled(email: string, disabled: boolean): Promise<void> {
    const user = await this.requireUser(email);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: user.id }, { disabled });
      if (disabled) await manager.getRepository(LoginSession).delete({ userId: user.id });
    });
  }

  async addMembership(email: string, orgId: string, role: Role): Promise<void> {
    if (!ROLES.includes(role)) {
      throw new InvalidArgumentError(`Role must be one of ${ROLES.join(', ')}; got "${role}".`, {
        field: 'role',
      });
    }
    const user = await this.requireUser(email);
    if (!(await this.dataSource.getRepository(Organization).existsBy({ id: orgId }))) {
      throw new NotFoundError('organization', orgId);
    }
    await this.dataSource
      .getRepository(Membership)
      .upsert({ orgId, userId: user.id, role }, { conflictPaths: ['orgId', 'userId'] });
  }

  async findUserByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email: normalizeEmail(email) });
  }

  async findUserById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  /** The user with the password hash, for login only. */
  async findUserForLogin(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  async membershipsOf(userId: string): Promise<MembershipView[]> {
    return this.dataSource.query<MembershipView[]>(
      `SELECT m.org_id AS "orgId", o.name AS "orgName", m.role
         FROM memberships m JOIN organizations o ON o.id = m.org_id
        WHERE m.user_id = $1 ORDER BY o.name`,
      [userId],
    );
  }

  async listOrganizations(): Promise<Organization[]> {
    return this.dataSource.getRepository(Organization).find({ order: { name: 'ASC' } });
  }

  private async requireUser(email: string): Promise<User> {
    const user = await this.findUserByEmail(email);
    if (!user)
      throw new InvalidArgumentError(`No user with email ${normalizeEmail(email)}.`, { field: 'email' });
    return user;
  }
}

export function assertPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidArgumentError(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, {
      field: 'password',
    });
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
