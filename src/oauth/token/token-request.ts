import { InvalidRequestError } from '../oauth.errors';

/** One form parameter of a token-style request; repeated parameters are refused (RFC 6749 §3.2). */
export function formParameter(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be provided once.`);
  return value;
}

export function requiredFormParameter(body: Record<string, unknown>, name: string): string {
  const value = formParameter(body, name);
  if (!value) throw new InvalidRequestError(`${name} is required.`);
  return value;
}
