import { useEffect, useRef, useState, type FormEvent } from 'react';
import { collectionsPartLines, reportApi, type CollectionsLine, type CollectionsPartLine } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { CsvDownload } from '../components/CsvDownload.tsx';
import { AsOfField } from './AsOfField.tsx';
import { CollectionsChart } from './CollectionsChart.tsx';
import { instantOfLocalTime, localTimeOfInstant, periodPresets, presetOf, presetPeriod, type PeriodPreset } from './report-periods.ts';
import { kindWords, lineLabelOf, methodWords } from './report-labels.ts';
import { useOrganisationToday } from './report-today.ts';

const presetLabels = { this_month: 'presetThisMonth', last_month: 'presetLastMonth', this_year: 'presetThisYear', last_year: 'presetLastYear' } as const;
const partLines: readonly string[] = collectionsPartLines;

/** The report's state lives in the address (?from=&to=&as_of=&line=&code=&page=&size=): reload, Back and a shared link keep it. */
interface CollectionsState extends Paging {
  readonly from: string;
  readonly to: string;
  /** An instant, ISO 8601; empty for now. */
  readonly asOf: string;
  /** The line whose parts are open, if any (with its ledger code for a ledger code line). */
  readonly line: CollectionsPartLine | '';
  readonly code: string;
}

function readState(query: URLSearchParams, today: string): CollectionsState {
  const preset = presetPeriod('this_year', today);
  const line = query.get('line') ?? '';
  return {
    from: query.get('from') ?? preset.from,
    to: query.get('to') ?? preset.to,
    asOf: query.get('as_of') ?? '',
    line: partLines.includes(line) ? (line as CollectionsPartLine) : '',
    code: query.get('code') ?? '',
    ...pagingOf(query),
  };
}

function writeState(state: CollectionsState): URLSearchParams {
  const query = new URLSearchParams();
  query.set('from', state.from);
  query.set('to', state.to);
  if (state.asOf) query.set('as_of', state.asOf);
  if (state.line) query.set('line', state.line);
  if (state.line === 'ledger_code' && state.code) query.set('code', state.code);
  writePaging(query, state);
  return query;
}

const sameLine = (line: CollectionsLine, state: CollectionsState) => line.line === state.line && (line.line !== 'ledger_code' || line.ledger_code === state.code);

export function CollectionsReport({ org }: { org: string }) {
  const { t, money, date, dateTime } = useI18n();
  const location = useLocation();
  const today = useOrganisationToday(org);
  const state = readState(location.query, today);
  const query = { from: state.from, to: state.to, asOf: state.asOf || undefined };

  const update = (change: Partial<CollectionsState>) => navigate(paths.reports(org, 'collections', writeState({ ...state, page: 1, ...change })));

  const [fromText, setFromText] = useState(state.from);
  const [toText, setToText] = useState(state.to);
  const [asOfText, setAsOfText] = useState(localTimeOfInstant(state.asOf));
  // The period changed from outside (a preset, Back): the fields show it.
  const [shown, setShown] = useState(`${state.from}|${state.to}|${state.asOf}`);
  if (shown !== `${state.from}|${state.to}|${state.asOf}`) {
    setShown(`${state.from}|${state.to}|${state.asOf}`);
    setFromText(state.from);
    setToText(state.to);
    setAsOfText(localTimeOfInstant(state.asOf));
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update({ from: fromText, to: toText, asOf: instantOfLocalTime(asOfText) ?? '', line: '', code: '' });
  };
  const choosePreset = (preset: PeriodPreset) => update({ ...presetPeriod(preset, today), line: '', code: '' });
  const chosenPreset = presetOf(state, today);

  const { loaded, reload } = useLoaded(`${org}|${state.from}|${state.to}|${state.asOf}`, () => reportApi.collections(org, query));
  const summary = loaded.status === 'ready' ? loaded.value : null;
  const lines = summary?.lines ?? [];
  const byCode = lines.filter((line) => line.line === 'ledger_code' || line.line === 'no_ledger_code');
  const unallocated = lines.find((line) => line.line === 'unallocated');
  const total = lines.find((line) => line.line === 'total');
  const empty = summary !== null && lines.every((line) => line.line === 'total');
  const period = { from: date(state.from), to: date(state.to) };

  const toggleParts = (line: CollectionsLine) =>
    update(sameLine(line, state) ? { line: '', code: '' } : { line: line.line as CollectionsPartLine, code: line.ledger_code ?? '' });
  /** The parts of a line open from the line's own name in the table, and from "Parts" in the unallocated box. */
  const partsButton = (line: CollectionsLine, text: string | null) => {
    const open = sameLine(line, state);
    return (
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls="collections-parts"
        aria-label={t('partsOf', { line: lineLabelOf(line, t) })}
        onClick={() => toggleParts(line)}
      >
        {text ?? (open ? t('hideParts') : t('showParts'))}
      </button>
    );
  };
  const lineRow = (line: CollectionsLine) => (
    <tr key={`${line.line}-${line.ledger_code ?? ''}`} data-line={line.line} data-ledger-code={line.ledger_code ?? undefined} className={sameLine(line, state) ? 'selected' : undefined}>
      <th scope="row" className={line.line === 'ledger_code' ? 'mono' : undefined}>{partsButton(line, lineLabelOf(line, t))}</th>
      <td className="number" data-column="collected">{money(line.collected)}</td>
      <td className="number" data-column="refunded">{money(line.refunded)}</td>
      <td className="number strong" data-column="net">{money(line.net)}</td>
    </tr>
  );

  return (
    <div className="collections-report">
      <form className="toolbar report-form" onSubmit={submit}>
        <div className="field">
          <span id="period-presets">{t('period')}</span>
          <div className="preset-buttons" role="group" aria-labelledby="period-presets">
            {periodPresets.map((preset) => (
              <button key={preset} type="button" className="button secondary" aria-pressed={chosenPreset === preset} onClick={() => choosePreset(preset)}>
                {t(presetLabels[preset])}
              </button>
            ))}
          </div>
        </div>
        <label className="field">
          <span>{t('periodFrom')}</span>
          <input type="date" required value={fromText} onChange={(event) => setFromText(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('periodTo')}</span>
          <input type="date" required min={fromText || undefined} value={toText} onChange={(event) => setToText(event.target.value)} />
        </label>
        <AsOfField value={asOfText} onChange={setAsOfText} />
        <button type="submit" className="button primary">{t('showReport')}</button>
      </form>

      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}

      <div className="report-body" aria-busy={loaded.status === 'loading'}>
        <div className="report-meta">
          {summary && (
            <p className="muted" data-testid="report-as-of">
              <time dateTime={summary.as_of}>{t('reportStandsAt', { when: dateTime(summary.as_of) })}</time>
            </p>
          )}
          <div className="report-downloads">
            <CsvDownload address={reportApi.collectionsCsvAddress(org, query)} fileName={`collections-${org}-${state.from}-${state.to}.csv`} label={t('downloadSummaryCsv')} />
            <CsvDownload address={reportApi.collectionsDetailCsvAddress(org, query)} fileName={`collections-detail-${org}-${state.from}-${state.to}.csv`} label={t('downloadDetailCsv')} />
          </div>
        </div>

        {summary && unallocated && (
          <section className="card unallocated-apart" aria-labelledby="unallocated-title" data-testid="unallocated-apart">
            <h2 id="unallocated-title">{t('lineUnallocated')}</h2>
            <p className="unallocated-figures">
              <span>{t('collected')} <strong data-testid="unallocated-collected">{money(unallocated.collected)}</strong></span>
              <span>{t('refunded')} <strong data-testid="unallocated-refunded">{money(unallocated.refunded)}</strong></span>
              <span>{t('net')} <strong data-testid="unallocated-net">{money(unallocated.net)}</strong></span>
            </p>
            <p data-testid="unallocated-count">{t('unallocatedDocuments', { count: summary.unallocated_document_count })}</p>
            <p>
              <Link to={paths.unreconciled(org)}>{t('openUnreconciled')}</Link>
              {' · '}
              {partsButton(unallocated, null)}
            </p>
          </section>
        )}
        {summary && !unallocated && !empty && <p className="notice notice-success" data-testid="unallocated-none">{t('unallocatedNone')}</p>}

        {empty ? (
          <p className="notice" data-testid="collections-empty">{t('collectionsEmpty')}</p>
        ) : (
          <div className="report-columns">
            <div className="table-wrap report-table-wrap">
              <table className="data-table collections-table">
                <caption>
                  {t('collectionsSummary', period)} <span className="caption-hint muted">{t('partsHint')}</span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('line')}</th>
                    <th scope="col" className="number">{t('collected')}</th>
                    <th scope="col" className="number">{t('refunded')}</th>
                    <th scope="col" className="number">{t('net')}</th>
                  </tr>
                </thead>
                {loaded.status === 'loading' && (
                  <tbody>
                    <SkeletonRows columns={4} rows={3} />
                  </tbody>
                )}
                <tbody>{byCode.map(lineRow)}</tbody>
                {unallocated && <tbody className="unallocated-line">{lineRow(unallocated)}</tbody>}
                {total && (
                  <tfoot>
                    <tr data-line="total">
                      <th scope="row">{t('lineTotal')}</th>
                      <td className="number" data-column="collected">{money(total.collected)}</td>
                      <td className="number" data-column="refunded">{money(total.refunded)}</td>
                      <td className="number strong" data-column="net">{money(total.net)}</td>
                    </tr>
                  </tfoot>
                )}
              </table>
            </div>
            {summary && <CollectionsChart lines={lines} title={t('chartTitle', period)} />}
          </div>
        )}
      </div>

      {state.line && <CollectionsParts org={org} state={state} onChange={(paging) => update({ ...paging, line: state.line, code: state.code })} onClose={() => update({ line: '', code: '' })} />}
    </div>
  );
}

/** The parts of one line: every payment, deposit or refund part that makes it up, paged. */
function CollectionsParts({ org, state, onChange, onClose }: { org: string; state: CollectionsState; onChange: (paging: Paging) => void; onClose: () => void }) {
  const { t, money, date } = useI18n();
  const line = state.line as CollectionsPartLine;
  const title = t('partsOf', { line: lineLabelOf({ line, ledger_code: state.code || null }, t) });
  const heading = useRef<HTMLHeadingElement>(null);
  const detailQuery = { from: state.from, to: state.to, asOf: state.asOf || undefined, line, ledgerCode: line === 'ledger_code' ? state.code : undefined };
  const { loaded, reload } = useLoaded(`${org}|${state.from}|${state.to}|${state.asOf}|${line}|${state.code}|${state.page}|${state.pageSize}`, () =>
    reportApi.collectionsDetail(org, { ...detailQuery, page: state.page, pageSize: state.pageSize }),
  );
  const detail = loaded.status === 'ready' ? loaded.value : null;
  // Opening a line takes the focus to its parts, so a keyboard user lands where they asked to go.
  useEffect(() => heading.current?.focus(), [line, state.code]);
  return (
    <section id="collections-parts" className="collections-parts" aria-labelledby="collections-parts-title">
      <div className="parts-head">
        <h2 id="collections-parts-title" tabIndex={-1} ref={heading}>{title}</h2>
        <CsvDownload address={reportApi.collectionsDetailCsvAddress(org, detailQuery)} fileName={`collections-detail-${org}-${state.from}-${state.to}.csv`} label={t('downloadPartsCsv')} />
        <button type="button" className="button secondary" onClick={onClose}>{t('hideParts')}</button>
      </div>
      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}
      <div className="table-wrap" aria-busy={loaded.status === 'loading'}>
        <table className="data-table parts-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('day')}</th>
              <th scope="col">{t('accountId')}</th>
              <th scope="col">{t('document')}</th>
              <th scope="col">{t('kind')}</th>
              <th scope="col">{t('method')}</th>
              <th scope="col">{t('wentTo')}</th>
              <th scope="col">{t('invoice')}</th>
              <th scope="col">{t('ledgerCode')}</th>
              <th scope="col">{t('participant')}</th>
              <th scope="col" className="number">{t('amount')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.status === 'loading' && <SkeletonRows columns={10} />}
            {detail && detail.parts.length === 0 && (
              <tr>
                <td colSpan={10} className="muted">{t('partsNone')}</td>
              </tr>
            )}
            {detail?.parts.map((part, index) => (
              <tr key={`${part.document_id}-${part.counterpart_id ?? ''}-${index}`} data-document={part.document_id}>
                <td className="nowrap"><time dateTime={part.day}>{date(part.day)}</time></td>
                <td className="mono"><Link to={paths.account(org, part.account_id)}>{part.account_id}</Link></td>
                <td className="mono"><Link to={paths.account(org, part.account_id, part.document_id)}>{part.document_id}</Link></td>
                <td>{kindWords(part.kind, t)}</td>
                <td>{methodWords(part.method, t)}</td>
                <td className="mono">{part.counterpart_id ?? <span className="muted">—</span>}</td>
                <td className="mono">{part.invoice_id ?? ''}</td>
                <td className="mono">{part.ledger_code ?? ''}</td>
                <td className="mono">{part.participant_id ?? ''}</td>
                <td className="number">{money(part.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager paging={state} shown={detail && { total: detail.total_count, page: detail.page, page_size: detail.page_size }} rangeKey="partsShowing" pageSizeKey="partsPageSize" onChange={onChange} />
    </section>
  );
}
