import { useEffect, useRef, useState } from 'react';
import { messageOf, runsApi, type RunScope, type RunStrategy, type RunSummary } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate, useLocation } from '../router.ts';
import { RunProgress } from './RunProgress.tsx';
import { RunStrategyChoice } from './RunStrategyChoice.tsx';
import { RunSummaryView } from './RunSummaryView.tsx';

/** What the operator asked to auto-reconcile, before the preview. */
export interface RunRequest {
  readonly scope: RunScope;
  /** Shown as the panel's title ("Auto-reconcile 2 selected accounts"). */
  readonly title: string;
  /** The strategy the preview starts with (references first, by default); the operator may change it there. */
  readonly strategy?: RunStrategy;
}

/** The address keeps the run being shown (?run=ID), so a reload resumes its progress or result. */
function withRun(runId: string | null): string {
  const query = new URLSearchParams(window.location.search);
  if (runId) query.set('run', runId);
  else query.delete('run');
  const text = query.toString();
  return `${window.location.pathname}${text ? `?${text}` : ''}`;
}

/**
 * Auto-reconcile: a preview (dry run) of the request with the chosen strategy, then the queued
 * run's progress (polled), Cancel while it runs, its result and Undo. `onChanged` is called when
 * allocations were written or removed.
 */
export function RunPanel({ org, request, onClose, onChanged, onStarted }: { org: string; request: RunRequest | null; onClose: () => void; onChanged: () => void; /** The run took the request's accounts (a selection is then cleared). */ onStarted?: () => void }) {
  const location = useLocation();
  const runId = location.query.get('run');
  if (runId) return <RunProgress key={runId} org={org} runId={runId} onClose={() => navigate(withRun(null))} onChanged={onChanged} />;
  if (request) return <RunPreview org={org} request={request} onClose={onClose} onStarted={(id) => { onClose(); onStarted?.(); navigate(withRun(id)); }} />;
  return null;
}

function RunPreview({ org, request, onClose, onStarted }: { org: string; request: RunRequest; onClose: () => void; onStarted: (runId: string) => void }) {
  const { t } = useI18n();
  const [strategy, setStrategy] = useState<RunStrategy>(request.strategy ?? 'reference');
  const [preview, setPreview] = useState<RunSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Another strategy is another preview: the run starts only from the preview of its own strategy.
  useEffect(() => {
    let current = true;
    setPreview(null);
    setError(null);
    runsApi.preview(org, request.scope, strategy).then(
      (summary) => current && setPreview(summary),
      (failure: unknown) => current && setError(messageOf(failure)),
    );
    return () => {
      current = false;
    };
  }, [org, request, strategy, attempt]);

  useEffect(() => headingRef.current?.focus(), []);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const queued = await runsApi.start(org, request.scope, strategy);
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
      <RunStrategyChoice strategy={strategy} disabled={starting} onChange={setStrategy} />
      {!preview && !error && <p className="muted" role="status">{t('runPreviewLoading')}</p>}
      {preview && <RunSummaryView org={org} summary={preview} planned />}
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
          {starting ? t('runStarting') : preview ? t('runOnAccounts', { count: preview.accounts_total }) : t('runNow')}
        </button>
        <button type="button" className="button secondary" onClick={onClose}>
          {t('runCancel')}
        </button>
      </div>
    </section>
  );
}
