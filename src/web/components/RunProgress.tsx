import { useEffect, useRef, useState } from 'react';
import { ApiError, messageOf, runsApi, type Run, type RunStatus, type RunUndone } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { RunSummaryView } from './RunSummaryView.tsx';
import { strategyKeys } from './RunStrategyChoice.tsx';
import { RunResultLists } from './RunLists.tsx';

export const runPollMs = 500;

const statusKeys: Record<Exclude<RunStatus, 'undone'>, MessageKey> = {
  queued: 'runQueued',
  running: 'runRunning',
  completed: 'runCompleted',
  cancelled: 'runCancelled',
  failed: 'runFailed',
};

const isActive = (run: Run) => run.status === 'queued' || run.status === 'running';

/**
 * A queued run's progress (polled) and then its result. While it is queued or running it can be
 * cancelled: a queued run stops at once, a running one after its current batch, and what it
 * allocated before stopping is kept. A finished or cancelled run that allocated something can be
 * undone. `onChanged` is called when allocations were written or removed.
 */
export function RunProgress({ org, runId, onClose, onChanged, showLists = false }: { org: string; runId: string; onClose: () => void; onChanged: () => void; /** The full lists of what it allocated (the Runs page shows them; a panel shows the summary). */ showLists?: boolean }) {
  const { t, money, dateTime } = useI18n();
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelRequested, setCancelRequested] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
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
        if (isActive(next)) timer = setTimeout(() => setPoll((value) => value + 1), runPollMs);
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

  const cancel = async () => {
    setCancelRequested(true);
    setCancelError(null);
    try {
      await runsApi.cancel(org, runId);
    } catch (failure) {
      // Refused when the run finished meanwhile: the next poll shows how it ended.
      setCancelError(messageOf(failure));
      setCancelRequested(false);
    }
    setPoll((value) => value + 1);
  };

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

  const active = run !== null && isActive(run);
  const percent = run && run.accounts_total > 0 ? Math.round((run.accounts_done / run.accounts_total) * 100) : 0;
  const undoable = run !== null && !active && run.has_active_allocations && !undone;

  return (
    <section className="run-panel" aria-labelledby="run-panel-title" data-testid="run-result" aria-busy={active}>
      <h2 id="run-panel-title">{t('runTitle', { id: runId })}</h2>
      {!run && !error && <p className="muted" role="status">{t('loading')}</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
      {run && (
        <>
          <p className="run-status" role="status" aria-live="polite" data-status={run.status}>
            {run.status === 'undone' ? t('runUndoneAt', { when: run.undone_at ? dateTime(run.undone_at) : '' }) : t(statusKeys[run.status])}
          </p>
          <p className="muted run-times">
            {t('runStrategyUsed', { strategy: t(strategyKeys[run.strategy]) })} ·{' '}
            <time dateTime={run.started_at}>{t('runStartedAt', { when: dateTime(run.started_at) })}</time>
            {run.finished_at && (
              <>
                , <time dateTime={run.finished_at}>{t('runFinishedAt', { when: dateTime(run.finished_at) })}</time>
              </>
            )}
          </p>
          <div className="progress-line">
            <div
              className="progress"
              role="progressbar"
              aria-label={t('runProgress')}
              aria-valuemin={0}
              aria-valuemax={run.accounts_total}
              aria-valuenow={run.accounts_done}
              aria-valuetext={t('runProgressText', { done: run.accounts_done, count: run.accounts_total })}
            >
              <div className="progress-fill" style={{ width: `${percent}%` }} />
            </div>
            <span className="muted nowrap">{t('runProgressText', { done: run.accounts_done, count: run.accounts_total })}</span>
          </div>
          {run.status === 'failed' && run.error && <p className="form-error" role="alert" data-testid="run-error">{t('runFailedReason', { reason: run.error })}</p>}
          {run.retry_at && (
            <p className="form-error" data-testid="run-retrying">
              {t('runRetrying', { when: dateTime(run.retry_at) })} {run.error && t('runFailedReason', { reason: run.error })}
            </p>
          )}
          {run.status === 'cancelled' && (
            <p className="notice-success" data-testid="run-cancelled">
              {run.allocations_count > 0
                ? `${t('runCancelledAfter', { done: run.accounts_done, count: run.accounts_total })} ${t('runCancelledKept', { count: run.allocations_count, amount: money(run.allocated) })}`
                : t('runCancelledNothing')}
            </p>
          )}
          {!active && <RunSummaryView org={org} summary={run.summary} />}
          {!active && run.allocations_count > 0 && showLists && <RunResultLists org={org} runId={runId} version={poll} />}
          {active && (
            <p className="muted">
              {cancelRequested ? t('runCancelling') : t('runSoFar', { count: run.allocations_count, amount: money(run.allocated) })}
            </p>
          )}
          {cancelError && <p className="form-error" role="alert">{cancelError}</p>}
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
            {active && (
              <button type="button" className="button secondary" disabled={cancelRequested} onClick={cancel}>
                {t('runCancelRun')}
              </button>
            )}
            {undoable && !confirming && (
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
