import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every answer: the web page (built by Vite: one script file, one
 * style sheet, no inline script or style, an inline SVG icon as a data: URL) and the API docs
 * (swagger-ui: script and style files, data: images in its style sheet) load only from this
 * origin, may not be framed, may not post forms elsewhere, and load no plugins. API answers carry it
 * too: JSON shown as a document runs nothing.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The API docs' policy: the same, but swagger-ui's script inserts a style element at run time, so
 * its pages allow inline styles (never inline scripts). Its styles come from the bundle, not from
 * any input, and the docs show only the OpenAPI document Tally generates.
 */
export const apiDocsContentSecurityPolicy = contentSecurityPolicy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** The headers set on every answer (docs/security.md, "Headers"). */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  // frame-ancestors for current browsers, X-Frame-Options for those that predate it.
  'x-frame-options': 'DENY',
  // Addresses carry organisation slugs and ids; no other site is told them.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Sets the security headers on every answer, the API's, the web page's and the docs' alike. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(securityHeaders);
  });
}
