import type { Role } from '../identity/membership.entity';

/** DESIGN.md "Scopes and roles": what each scope lets a client do, and which roles may use it. */
export const SCOPES = ['ar:read', 'ar:write', 'payments:write', 'offline_access'] as const;
export type Scope = (typeof SCOPES)[number];

/** The minimal scope advertised in 401 challenges and protected-resource metadata. */
export const DEFAULT_SCOPES: readonly Scope[] = ['ar:read'];

/** Scopes a resource server checks; offline_access only asks for a refresh token. */
export const RESOURCE_SCOPES: readonly Scope[] = ['ar:read', 'ar:write', 'payments:write'];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'ar:read': 'Read your receivables: customers, contacts, invoices, payments, disputes and analytics',
  'ar:write':
    'Do collections work: add notes and tasks, record promises to pay, open disputes, assign collectors, draft emails',
  'payments:write':
    'Move money on the books: record and apply payments, apply credit memos, write off invoices',
  offline_access:
    'Stay connected when you are away (the app may refresh its access without asking you again)',
};

const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: ['ar:read', 'offline_access'],
  collector: ['ar:read', 'ar:write', 'offline_access'],
  manager: ['ar:read', 'ar:write', 'payments:write', 'offline_access'],
  admin: ['ar:read', 'ar:write', 'payments:write', 'offline_access'],
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}

/** Effective permission = granted scopes ∩ what the role may do (DESIGN.md). Order is canonical. */
export function effectiveScopes(granted: readonly string[], role: Role): Scope[] {
  return SCOPES.filter((s) => granted.includes(s) && roleAllows(role, s));
}

/** RFC 6749 §3.3 scope-token grammar: printable ASCII without space, quote or backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a scope parameter; undefined when any token breaks the grammar. Duplicates collapse. */
export function parseScopeParameter(value: string): string[] | undefined {
  const tokens = value.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return undefined;
  return [...new Set(tokens)];
}

export function formatScopes(scopes: readonly string[]): string {
  return SCOPES.filter((s) => scopes.includes(s)).join(' ');
}
