import { useId } from 'react';
import { runStrategies, type RunStrategy } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';

/** The words for each auto-reconcile strategy (docs: references first, then oldest first; or oldest first only). */
export const strategyKeys: Record<RunStrategy, MessageKey> = {
  reference: 'strategyReference',
  fifo: 'strategyFifo',
};

/** The strategy of an auto-reconcile run, as a group of radio buttons. */
export function RunStrategyChoice({ strategy, disabled, onChange }: { strategy: RunStrategy; disabled: boolean; onChange: (strategy: RunStrategy) => void }) {
  const { t } = useI18n();
  const name = useId();
  return (
    <fieldset className="strategy-choice" disabled={disabled}>
      <legend>{t('runStrategy')}</legend>
      {runStrategies.map((option) => (
        <label key={option} className="checkbox">
          <input type="radio" name={name} value={option} checked={strategy === option} onChange={() => onChange(option)} />
          <span>{t(strategyKeys[option])}</span>
        </label>
      ))}
    </fieldset>
  );
}
