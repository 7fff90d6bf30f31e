import { useEffect, useRef, useState } from 'react';
import { ApiError, runsApi, type LeftOpenReason, type Run, type RunScope, type RunSummary, type RunUndone } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, useLocation } from '../router.ts';

/** What the operator asked to auto-reconcile, before the preview. */
export interface RunRequest {
  readonly scope: RunScope;
  /** Shown as the panel's title ("Auto-reconcile 2 selected accounts"). */
  readonly title: string;
}

export const runPollMs = 500;
const listedMax = 5;
const reasonKeys: Record<LeftOpenReason, MessageKey> = {
  credit_on_account: 'reasonCreditOnAccount',
  balance_owing: 'reasonBalanceOwing',
  unreconciled: 'reasonUnreconciled',
};
const statusKeys: Record<string, MessageKey> = {
  queued: 'runQueued',
  running: 'runRunning',
  completed: 'runCompleted',
  cancelled: 'runCancelled',
  failed: 'runFailed',
};

const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

/** The address keeps the run being shown (?run=ID), so a reload resumes its progress or result. */
function withRun(runId: string | null): string {
  const query = new URLSearchParams(window.location.search);
  if (runId) query.set('run', runId);
  else query.delete('run');
  const text = query.toString();
  return `${window.location.pathname}${text ? `?${text}` : ''}`;
}

/**
 * Auto-reconcile: a preview (dry run) of the request, then the queued run's progress (polled),
 * its result and Undo. `onChanged` is called when allocations were written or removed.
 */
export function RunPanel({ org, request, onClose, onChanged }: { org: string; request: RunRequest | null; onClose: () => void; onChanged: () => void }) {
  const location = useLocation();
  const runId = location.query.get('run');
  if (runId) return <RunProgress key={runId} org={org} runId={runId} onClose={() => navigate(withRun(null))} onChanged={onChanged} />;
  if (request) return <RunPreview org={org} request={request} onClose={onClose} onStarted={(id) => { onClose(); navigate(withRun(id)); }} />;
  return null;
}

function RunPreview({ org, request, onClose, onStarted }: { org: string; request: RunRequest; onClose: () => void; onStarted: (runId: string) => void }) {
  const { t } = useI18n();
  const [preview, setPreview] = useState<RunSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    setPreview(null);
    setError(null);
    runsApi.preview(org, request.scope).then(
      (summary) => current && setPreview(summary),
      (failure: unknown) => current && setError(messageOf(failure)),
    );
    return () => {
      current = false;
    };
  }, [org, request, attempt]);

  useEffect(() => headingRef.current?.focus(), []);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const queued = await runsApi.start(org, request.scope);
      onStarted(queued.run_id);
    } catch (failure) {
      setError(messageOf(failure));
      setStarting(false);
    }
  };

  return (
    <section className="run-panel" aria-labelledby="run-panel-title" data-testid="run-preview">
      <h2 id="run-panel-title" ref={headingRef} tabIndex={-1}>
        {t('runPreviewTitle', { what: request.title })}
      </h2>
      {!preview && !error && <p className="muted" role="status">{t('runPreviewLoading')}</p>}
      {preview && <SummaryView summary={preview} planned />}
      {error && (
        <p className="form-error" role="alert">
          {error}{' '}
          {!preview && (
            <button type="button" className="button secondary" onClick={() => setAttempt((value) => value + 1)}>
              {t('retry')}
            </button>
          )}
        </p>
      )}
      <div className="run-actions">
        <button type="button" className="button primary" disabled={!preview || starting || preview.accounts_total === 0} onClick={start}>
          {starting ? t('runStarting') : t('runNow')}
        </button>
        <button type="button" className="button secondary" onClick={onClose}>
          {t('runCancel')}
        </button>
      </div>
    </section>
  );
}

function RunProgress({ org, runId, onClose, onChanged }: { org: string; runId: string; onClose: () => void; onChanged: () => void }) {
  const { t, money } = useI18n();
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [undoing, setUndoing] = useState(false);
  const [undone, setUndone] = useState<RunUndone | null>(null);
  const [undoError, setUndoError] = useState<string | null>(null);
  const [poll, setPoll] = useState(0);
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;
  const finishedRef = useRef(false);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    runsApi.run(org, runId).then(
      (next) => {
        if (!current) return;
        setRun(next);
        setError(null);
        if (next.status === 'queued' || next.status === 'running') timer = setTimeout(() => setPoll((value) => value + 1), runPollMs);
        else if (!finishedRef.current) {
          finishedRef.current = true;
          onChangedRef.current();
        }
      },
      (failure: unknown) => {
        if (!current) return;
        setError(messageOf(failure));
        // A network hiccup is retried; a refusal (no such run) is final.
        if (failure instanceof ApiError && failure.status === 0) timer = setTimeout(() => setPoll((value) => value + 1), runPollMs * 4);
      },
    );
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [org, runId, poll]);

  const undo = async () => {
    setUndoing(true);
    setUndoError(null);
    try {
      setUndone(await runsApi.undo(org, runId));
      setConfirming(false);
      onChanged();
      setPoll((value) => value + 1);
    } catch (failure) {
      setUndoError(messageOf(failure));
    } finally {
      setUndoing(false);
    }
  };

  const active = run && (run.status === 'queued' || run.status === 'running');
  const percent = run && run.accounts_total > 0 ? Math.round((run.accounts_done / run.accounts_total) * 100) : 0;

  return (
    <section className="run-panel" aria-labelledby="run-panel-title" data-testid="run-result" aria-busy={Boolean(active)}>
      <h2 id="run-panel-title">{t('runTitle', { id: runId })}</h2>
      {!run && !error && <p className="muted" role="status">{t('loading')}</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
      {run && (
        <>
          <p className="run-status" role="status" aria-live="polite" data-status={run.status}>
            {t(statusKeys[run.status] ?? 'runRunning')}
            {run.undone_at && <> · {t('runUndoneAt', { when: new Date(run.undone_at).toLocaleString() })}</>}
          </p>
          <div className="progress-line">
            <div
              className="progress"
              role="progressbar"
              aria-label={t('runProgress')}
              aria-valuemin={0}
              aria-valuemax={run.accounts_total}
              aria-valuenow={run.accounts_done}
              aria-valuetext={t('runProgressText', { done: run.accounts_done, total: run.accounts_total })}
            >
              <div className="progress-fill" style={{ width: `${percent}%` }} />
            </div>
            <span className="muted nowrap">{t('runProgressText', { done: run.accounts_done, total: run.accounts_total })}</span>
          </div>
          {run.status === 'failed' && run.error && <p className="form-error" role="alert">{run.error}</p>}
          {!active && run.summary && <SummaryView summary={run.summary} />}
          {active && (
            <p className="muted">
              {t('runSoFar', { count: run.allocations_count, amount: money(run.allocated) })}
            </p>
          )}
          {undone && (
            <p className="notice-success" role="status" data-testid="undo-result">
              {t('runUndoDone', { count: undone.allocations_removed, amount: money(undone.amount_removed) })}
            </p>
          )}
          {confirming && (
            <div className="confirm" role="alertdialog" aria-labelledby="undo-confirm-text" aria-modal="false">
              <p id="undo-confirm-text">{t('runUndoConfirm', { count: run.allocations_count, amount: money(run.allocated) })}</p>
              <div className="run-actions">
                <button type="button" className="button danger" disabled={undoing} onClick={undo} autoFocus>
                  {undoing ? t('runUndoing') : t('runUndoYes')}
                </button>
                <button type="button" className="button secondary" disabled={undoing} onClick={() => setConfirming(false)}>
                  {t('runUndoKeep')}
                </button>
              </div>
            </div>
          )}
          {undoError && <p className="form-error" role="alert">{undoError}</p>}
          <div className="run-actions">
            {run.status !== 'queued' && run.status !== 'running' && !run.undone_at && !undone && run.allocations_count > 0 && !confirming && (
              <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
                {t('runUndo')}
              </button>
            )}
            {!active && (
              <button type="button" className="button secondary" onClick={onClose}>
                {t('runClose')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function SummaryView({ summary, planned = false }: { summary: RunSummary; planned?: boolean }) {
  const { t, money } = useI18n();
  const leftOpen = Object.entries(summary.accounts_left_open).filter(([, count]) => count > 0) as [LeftOpenReason, number][];
  const allocations = summary.planned_allocations?.slice(0, listedMax) ?? [];
  return (
    <div className="run-summary">
      <dl className="figures">
        <div>
          <dt>{t('runAccounts')}</dt>
          <dd data-testid="run-accounts">{summary.accounts_total}</dd>
        </div>
        <div>
          <dt>{planned ? t('runAllocationsPlanned') : t('runAllocations')}</dt>
          <dd data-testid="run-allocations">{summary.allocations_count}</dd>
        </div>
        <div>
          <dt>{t('amount')}</dt>
          <dd data-testid="run-amount">{money(summary.allocated)}</dd>
        </div>
      </dl>
      <p className="muted">
        {t('runByPass', { referencedDebit: summary.allocations_by_pass.referenced_debit, referencedInvoice: summary.allocations_by_pass.referenced_invoice, oldestFirst: summary.allocations_by_pass.oldest_first })}
      </p>
      <h3>{t('runLeftOpen')}</h3>
      {leftOpen.length === 0 ? (
        <p className="muted">{t('runNoneLeftOpen')}</p>
      ) : (
        <ul className="left-open">
          {leftOpen.map(([reason, count]) => (
            <li key={reason}>
              <strong>{t('runAccountsCount', { count })}</strong> — {t(reasonKeys[reason])}
            </li>
          ))}
        </ul>
      )}
      {summary.accounts_left_open_listed.length > 0 && (
        <details>
          <summary>{t('runLeftOpenListed')}</summary>
          <ul className="left-open">
            {summary.accounts_left_open_listed.slice(0, listedMax).map((account) => (
              <li key={account.account_id}>
                <span className="mono">{account.account_id}</span> — {t(reasonKeys[account.reason])} ({t('openCredit')}: {money(account.open_credit)}, {t('openDebit')}: {money(account.open_debit)})
              </li>
            ))}
          </ul>
        </details>
      )}
      {planned && allocations.length > 0 && (
        <>
          <h3>{t('runPlannedAllocations', { shown: allocations.length, total: summary.allocations_count })}</h3>
          <table className="nested-table">
            <thead>
              <tr>
                <th scope="col">{t('receipt')}</th>
                <th scope="col">{t('target')}</th>
                <th scope="col" className="number">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {allocations.map((allocation, index) => (
                <tr key={`${allocation.receipt_id}-${allocation.target_id}-${index}`}>
                  <td className="mono">{allocation.receipt_id}</td>
                  <td className="mono">{allocation.target_id}</td>
                  <td className="number">{money(allocation.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
