import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../storage/database.ts';

/**
 * The bounds of one request's database work: each statement at most requestStatementTimeoutMs
 * (heavy work: heavyWorkStatementTimeoutMs), and stopped when the client goes away, so that no
 * statement outlives its request. The client going away is its socket closing before the answer
 * was sent: the request's own 'close' fires as soon as its body is read, and the response's may
 * fire early where there is no socket (inject()).
 */
export function requestDatabase(database: Database, request: FastifyRequest, reply: FastifyReply, statementTimeoutMs: number): Database {
  const controller = new AbortController();
  const socket = request.raw.socket as (NodeJS.EventEmitter & { destroyed?: boolean }) | undefined;
  if (socket && typeof socket.once === 'function') {
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    socket.once('close', onClose);
    // A kept-alive socket serves many requests: this one's listener goes with its answer.
    reply.raw.once('finish', () => socket.removeListener('close', onClose));
  }
  return database.withLimits({ statementTimeoutMs, signal: controller.signal });
}
