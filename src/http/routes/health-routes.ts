import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from './index.ts';

export async function healthRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Whether the server and its database answer',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), 503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String() }) },
      },
    },
    async (_request, reply) => {
      try {
        await options.database.query('select 1');
        return { status: 'ok' as const, database: options.database.dialect };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, database: options.database.dialect });
      }
    },
  );
}
