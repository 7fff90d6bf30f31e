import type { DocumentStatus } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';

const labels: Record<DocumentStatus, MessageKey> = {
  full: 'statusFull',
  partial: 'statusPartial',
  none: 'statusNone',
  'post-dated': 'statusPostDated',
  void: 'statusVoid',
};

/**
 * A reconciliation status told apart three ways: shape (circle, half-filled circle, empty square,
 * clock, struck circle), colour, and a text label read by screen readers (and shown on hover).
 */
export function StatusIcon({ status, showLabel = false }: { status: DocumentStatus; showLabel?: boolean }) {
  const { t } = useI18n();
  const label = t(labels[status]);
  return (
    <span className={`status status-${status}`} title={label} data-status={status}>
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        {status === 'full' && (
          <>
            <circle cx="8" cy="8" r="7" fill="currentColor" />
            <path d="M4.5 8.2 7 10.6l4.6-5" fill="none" stroke="#fff" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
          </>
        )}
        {status === 'partial' && (
          <>
            <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M8 1.8a6.2 6.2 0 0 1 0 12.4Z" fill="currentColor" />
          </>
        )}
        {status === 'none' && <rect x="2.2" y="2.2" width="11.6" height="11.6" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.8" />}
        {status === 'post-dated' && (
          <>
            <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M8 4.2V8l2.6 1.8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </>
        )}
        {status === 'void' && (
          <>
            <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <path d="M3.8 12.2 12.2 3.8" stroke="currentColor" strokeWidth="1.6" />
          </>
        )}
      </svg>
      <span className={showLabel ? 'status-label' : 'visually-hidden'}>{label}</span>
    </span>
  );
}
