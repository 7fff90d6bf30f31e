/**
 * One Idempotency-Key per user action. The server (src/http/idempotency.ts) runs a POST with a
 * given key once and answers any repeat with the first answer, so the key must stay the same for
 * as long as the same action may be sent again, and change when a new action begins.
 *
 * An action is known by its request (method, path and body). While a write is in flight, or after
 * it ended without a definite answer (no response, a 5xx, the server still busy with the key), the
 * same request again — a double click, the automatic retry, the operator pressing the button once
 * more — is the same action and carries the same key. A definite answer (2xx, or a 4xx refusal)
 * ends the action: the same request afterwards is a new action with a new key, because after a
 * refusal the operator may have fixed its cause and the server would only replay the refusal.
 */
export class ActionKeys {
  private readonly open = new Map<string, { readonly key: string; readonly openedAtMs: number }>();

  constructor(
    /** How long an unsettled action waits for its retry; an identical request after that is a new action. */
    private readonly retryWindowMs: number,
    private readonly newKey: () => string = randomActionKey,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The key of this request's action, opening a new action when none is open. */
  keyFor(request: string): string {
    const now = this.nowMs();
    const existing = this.open.get(request);
    if (existing && now - existing.openedAtMs <= this.retryWindowMs) return existing.key;
    for (const [other, action] of this.open) if (now - action.openedAtMs > this.retryWindowMs) this.open.delete(other);
    const key = this.newKey();
    this.open.set(request, { key, openedAtMs: now });
    return key;
  }

  /** The request sent with this key had a definite answer: its action is over. */
  settle(request: string, key: string): void {
    if (this.open.get(request)?.key === key) this.open.delete(request);
  }
}

/** 128 random bits; getRandomValues, unlike randomUUID, also works on a page served over plain HTTP. */
export function randomActionKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
