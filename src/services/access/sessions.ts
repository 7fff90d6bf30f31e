import type { SqlExecutor } from '../../storage/database.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** How long a browser session lasts without signing in again. */
export const sessionLifetimeHours = 12;

export interface Session {
  readonly userId: bigint;
  readonly email: string;
  readonly csrfToken: string;
}

/** Opens a session; returns the secret for the cookie (never stored) and the CSRF token. */
export async function openSession(executor: SqlExecutor, userId: bigint): Promise<{ sessionSecret: string; csrfToken: string }> {
  const sessionSecret = newSecret('');
  const csrfToken = newSecret('');
  await executor.query(
    `insert into user_session (id_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, now() + make_interval(hours => $4))`,
    [hashSecret(sessionSecret), userId, csrfToken, sessionLifetimeHours],
  );
  return { sessionSecret, csrfToken };
}

export async function findSession(executor: SqlExecutor, sessionSecret: string): Promise<Session | null> {
  const [row] = await executor.query<{ user_id: bigint; email: string; csrf_token: string }>(
    `select s.user_id, u.email, s.csrf_token from user_session s join app_user u on u.id = s.user_id
     where s.id_hash = $1 and s.expires_at > now()`,
    [hashSecret(sessionSecret)],
  );
  return row ? { userId: row.user_id, email: row.email, csrfToken: row.csrf_token } : null;
}

export async function closeSession(executor: SqlExecutor, sessionSecret: string): Promise<void> {
  await executor.query('delete from user_session where id_hash = $1 or expires_at < now()', [hashSecret(sessionSecret)]);
}
