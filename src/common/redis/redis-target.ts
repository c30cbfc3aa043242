/**
 * REDIS_URL may carry a password (redis://:secret@host:6379/0): logs name the target by scheme,
 * host, port and database only, and scrub the password from any text that might echo it.
 */
export function describeRedisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || '6379';
    const db = parsed.pathname.length > 1 ? parsed.pathname : '/0';
    return `${parsed.protocol}//${parsed.hostname}:${port}${db}`;
  } catch {
    return 'redis (unparseable URL)';
  }
}

/** `text` with the URL's password (as written and percent-decoded) replaced by "[redacted]". */
export function withoutRedisSecrets(text: string, url: string): string {
  let secrets: string[];
  try {
    const { password } = new URL(url);
    secrets = [...new Set([password, safeDecode(password)])].filter((s) => s !== '');
  } catch {
    return '[redacted]';
  }
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
