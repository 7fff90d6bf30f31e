import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` writes the web page (dist/ is not committed; `npm start` builds first). */
export const webBuildDirectory = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export function webBuildExists(directory: string = webBuildDirectory): boolean {
  return existsSync(`${directory}/index.html`);
}

/**
 * Serves the built web page: its files as they are, and index.html for every other GET outside
 * /api (the page routes in the browser). Paths under /api keep the API's not-found envelope.
 */
export async function installWebPage(app: FastifyInstance, directory: string = webBuildDirectory): Promise<void> {
  await app.register(fastifyStatic, {
    root: directory,
    wildcard: false,
    index: false,
    // Hashed assets never change; index.html must be fetched again to find the new ones.
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (request: { url: string }, reply: { callNotFound(): void; sendFile(name: string): unknown }) => {
    if (request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')) return reply.callNotFound();
    return reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, (request, reply) => page(request, reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => page(request, reply));
}
