import type { Response } from 'express';
import { PAGE_CONTENT_SECURITY_POLICY } from '../pages/layout';

/**
 * Sends one of our HTML pages with the headers every sign-in page needs: no framing
 * (frame-ancestors 'none' + X-Frame-Options DENY, RFC 9700 §4.16), no referrer (§4.2), no caching,
 * and a CSP that allows only our inline style (no scripts at all).
 */
export function sendPage(response: Response, html: string, status = 200): void {
  response.status(status);
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cache-Control', 'no-store');
  response.send(html);
}

/** 303 See Other after a form POST, so the browser never re-sends the form (RFC 9700 §4.12). */
export function seeOther(response: Response, location: string): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.redirect(303, location);
}
