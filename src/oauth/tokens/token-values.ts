import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque credentials (DESIGN.md "Tokens"): 256 bits of randomness, base64url, behind a short
 * prefix that names the type so secret scanners and humans can tell them apart. Only a SHA-256 of
 * each value is ever stored; a leaked table grants nothing (security.md I1).
 */
export const TOKEN_PREFIXES = {
  accessToken: 'tmcp_at_',
  refreshToken: 'tmcp_rt_',
  authorizationCode: 'tmcp_ac_',
  clientSecret: 'tmcp_cs_',
  clientId: 'tmcp_client_',
  loginSession: 'tmcp_ls_',
  authorizationRequest: 'tmcp_ar_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

export function newSecret(kind: TokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings of possibly different length (security.md I3). */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
