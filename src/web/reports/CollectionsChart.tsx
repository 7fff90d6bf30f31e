import { useId } from 'react';
import type { CollectionsLine } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useNarrowScreen } from '../narrow-screen.ts';
import { amountMinorOf, fractionOf } from './amount-scale.ts';
import { useLineLabel } from './report-labels.ts';

/** Drawing sizes, in the SVG's own units (its width follows the box it is in). */
const wideWidth = 560;
const narrowWidth = 360;
const rowHeight = 48;
const barHeight = 9;
const padding = 8;
/** The gap that sets the unallocated line apart from the ledger codes. */
const apartGap = 18;

/**
 * Net by line as a diverging bar chart in plain SVG: collected to the right of the zero line,
 * refunded to the left, and the net as a darker bar below them; the unallocated line is drawn
 * apart, after a dashed rule. One `img` with a title and a description that states every figure;
 * the summary table beside it has the same numbers for reading and copying.
 */
export function CollectionsChart({ lines, title }: { lines: readonly CollectionsLine[]; title: string }) {
  const { t, money } = useI18n();
  const lineLabel = useLineLabel();
  const narrow = useNarrowScreen();
  const id = useId();
  const width = narrow ? narrowWidth : wideWidth;
  const drawn = lines.filter((line) => line.line !== 'total');
  const byCode = drawn.filter((line) => line.line !== 'unallocated');
  const unallocated = drawn.find((line) => line.line === 'unallocated');
  if (drawn.length === 0) return null;

  const collectedMax = drawn.reduce((max, line) => (amountMinorOf(line.collected) > max ? amountMinorOf(line.collected) : max), 0n);
  const refundedMax = drawn.reduce((max, line) => (amountMinorOf(line.refunded) > max ? amountMinorOf(line.refunded) : max), 0n);
  const span = collectedMax + refundedMax;
  const plotWidth = width - 2 * padding;
  const axis = padding + plotWidth * fractionOf(refundedMax, span);
  const toRight = (amount: string) => plotWidth * fractionOf(amountMinorOf(amount), span);
  const height = byCode.length * rowHeight + (unallocated ? apartGap + rowHeight : 0) + padding;

  const description = drawn
    .map((line) => t('chartLineDescription', { line: lineLabel(line), net: money(line.net), collected: money(line.collected), refunded: money(line.refunded) }))
    .join(' ');

  const row = (line: CollectionsLine, top: number, apart: boolean) => {
    const net = amountMinorOf(line.net);
    const netLength = toRight(net < 0n ? line.net.slice(1) : line.net);
    return (
      <g key={`${line.line}-${line.ledger_code ?? ''}`} className={`chart-row${apart ? ' chart-row-apart' : ''}`} data-line={line.line} data-ledger-code={line.ledger_code ?? undefined}>
        <text x={padding} y={top + 14} className="chart-label">{lineLabel(line)}</text>
        <text x={width - padding} y={top + 14} textAnchor="end" className="chart-value">{t('chartNet', { net: money(line.net) })}</text>
        <line className="chart-axis" x1={axis} x2={axis} y1={top + 18} y2={top + 22 + 2 * barHeight + 2} />
        <rect className="chart-collected" x={axis} y={top + 20} width={toRight(line.collected)} height={barHeight} />
        <rect className="chart-refunded" x={axis - toRight(line.refunded)} y={top + 20} width={toRight(line.refunded)} height={barHeight} />
        <rect className={`chart-net${net < 0n ? ' negative' : ''}${apart ? ' apart' : ''}`} x={net < 0n ? axis - netLength : axis} y={top + 20 + barHeight + 2} width={netLength} height={barHeight} />
      </g>
    );
  };
  const apartTop = byCode.length * rowHeight + apartGap;

  return (
    <figure className="collections-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid="collections-chart">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {byCode.map((line, index) => row(line, index * rowHeight, false))}
        {unallocated && (
          <>
            <line className="chart-apart-rule" x1={padding} x2={width - padding} y1={apartTop - apartGap / 2} y2={apartTop - apartGap / 2} />
            {row(unallocated, apartTop, true)}
          </>
        )}
      </svg>
      <figcaption>
        <ul className="legend chart-legend">
          <li><span className="swatch chart-collected" aria-hidden="true" /> {t('collected')}</li>
          <li><span className="swatch chart-refunded" aria-hidden="true" /> {t('refunded')}</li>
          <li><span className="swatch chart-net" aria-hidden="true" /> {t('net')}</li>
        </ul>
      </figcaption>
    </figure>
  );
}
