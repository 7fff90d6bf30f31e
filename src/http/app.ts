import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Database } from '../storage/database.ts';
import { requestStatementTimeoutMs } from '../core/limits.ts';
import { installAuthentication } from './authentication.ts';
import { ErrorResponse } from './schemas.ts';
import { installErrorHandling, sendRefusal } from './error-handler.ts';
import { installTextSafety } from './text-safety.ts';
import { installJsonBodyParser } from './json-body.ts';
import { apiDocsContentSecurityPolicy, installSecurityHeaders } from './security-headers.ts';
import { importUploadBytesMax, requestBodyBytesMax } from './http-limits.ts';
import { installIdempotency } from './idempotency.ts';
import { installHeavyWorkAdmission } from './heavy-work-admission.ts';
import { installOrganisationScope, type GuardedRoute } from './organisation-scope.ts';
import { registerApiRoutes } from './routes/index.ts';
import { installWebPage, webBuildExists } from './web-page.ts';

export interface AppOptions {
  readonly database: Database;
  readonly logger?: FastifyServerOptions['logger'];
  /** Marks the session cookie Secure; on behind HTTPS, off for http://localhost. */
  readonly secureCookies?: boolean;
  /** Rate limits are per process; tests may raise them. */
  readonly signInAttemptsMax?: number;
  readonly signInAttemptsPerAddressMax?: number;
  /** The most an import upload may carry, all files together; importUploadBytesMax unless a test lowers it. */
  readonly importUploadBytesMax?: number;
  /** Each statement of an interactive request at most this long (requestStatementTimeoutMs); tests lower it. */
  readonly requestStatementTimeoutMs?: number;
  /** Serve the built web page (dist/web) at /; by default whenever it has been built. */
  readonly webPage?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The most one import upload may carry, all its files together. */
    readonly importUploadBytesMax: number;
  }
}

export type TallyApp = FastifyInstance & {
  /** Every route under an organisation with the permission it needs (the permission matrix). */
  readonly guardedRoutes: readonly GuardedRoute[];
};

/**
 * Builds the whole HTTP application without listening (tests use `app.inject()`); server.ts
 * listens. Routes are plugins, one per resource, under /api/v1.
 */
export async function buildApp(options: AppOptions): Promise<TallyApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: requestBodyBytesMax,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // Long reconciliation previews can take a while; sockets otherwise time out at the default.
    requestTimeout: 120_000,
    // Path parameters carry ids of up to 100 characters, percent-encoded up to three times longer.
    routerOptions: { maxParamLength: 320 },
    // Router-level failures (a path parameter too long, a malformed URL) get the same envelope.
    frameworkErrors: (error, _request, reply) => {
      void sendRefusal(reply, { code: 'request_is_invalid', message: error.message });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  const uploadBytesMax = options.importUploadBytesMax ?? importUploadBytesMax;
  // The total of an upload is bounded as its files stream to disk (csv/upload-spool.ts); one file cannot be more than it either.
  await app.register(multipart, { limits: { fileSize: uploadBytesMax, files: 10, fields: 10 } });
  app.decorate('importUploadBytesMax', uploadBytesMax);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tally API',
        version: '1.0.0',
        description:
          'Billing reconciliation. Amounts are decimal strings with the currency\'s minor digits ("60.00"). ' +
          'Authenticate with `Authorization: Bearer <API token>`, or sign in for a session cookie and send `X-CSRF-Token` on writes. ' +
          'Every POST accepts an `Idempotency-Key`. Errors are `{ "error": { "code", "message", "details" } }` (see docs/errors.md).',
      },
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (tly_…), scoped to one organisation and role' },
          session: { type: 'apiKey', in: 'cookie', name: 'tally_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: apiDocsContentSecurityPolicy });
  app.addSchema(ErrorResponse);

  installErrorHandling(app);
  installJsonBodyParser(app);
  installTextSafety(app);
  installAuthentication(app, options.database);
  const guardedRoutes = installOrganisationScope(app, options.database, { statementTimeoutMs: options.requestStatementTimeoutMs ?? requestStatementTimeoutMs });
  app.decorate('guardedRoutes', guardedRoutes);
  // Before idempotency: a refusal for want of room is not a key's answer.
  installHeavyWorkAdmission(app);
  installIdempotency(app, options.database);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(registerApiRoutes, { prefix: '/api', database: options.database, secureCookies: options.secureCookies ?? false, signInAttemptsMax: options.signInAttemptsMax, signInAttemptsPerAddressMax: options.signInAttemptsPerAddressMax });
  if (options.webPage ?? webBuildExists()) await installWebPage(app);
  return app as unknown as TallyApp;
}
