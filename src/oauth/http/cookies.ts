import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config.service';

/**
 * The browser session cookie. Behind https it is "__Host-" prefixed and Secure (bound to this exact
 * origin, path /, no Domain); always HttpOnly and SameSite=Lax (security.md H3).
 */
export function sessionCookieName(config: AppConfig): string {
  return config.oauth.secureCookies ? '__Host-tesorio_session' : 'tesorio_session';
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function setSessionCookie(response: Response, config: AppConfig, value: string): void {
  response.cookie(sessionCookieName(config), value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.oauth.secureCookies,
    path: '/',
    maxAge: config.oauth.loginSessionSeconds * 1000,
  });
}

export function clearSessionCookie(response: Response, config: AppConfig): void {
  response.clearCookie(sessionCookieName(config), {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.oauth.secureCookies,
    path: '/',
  });
}
