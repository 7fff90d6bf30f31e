import { useState, type MouseEvent } from 'react';
import { downloadCsv, messageOf } from '../api.ts';
import { useI18n } from '../i18n.tsx';

/**
 * A download of a report as CSV: a link to the API address (so it can be copied, and a test can
 * read where it points), which on a click asks that address with `Accept: text/csv` and saves the
 * answer under the file name the server gives. A refusal is said beside the link.
 */
export function CsvDownload({ address, fileName, label }: { address: string; fileName: string; label: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ readonly status: 'idle' } | { readonly status: 'busy' } | { readonly status: 'error'; readonly message: string }>({ status: 'idle' });
  const save = async (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (state.status === 'busy') return;
    setState({ status: 'busy' });
    try {
      const file = await downloadCsv(address, fileName);
      const objectAddress = URL.createObjectURL(file.content);
      const anchor = document.createElement('a');
      anchor.href = objectAddress;
      anchor.download = file.fileName;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      // The browser has the file once the click is handled; the address is not needed after.
      setTimeout(() => URL.revokeObjectURL(objectAddress), 0);
      setState({ status: 'idle' });
    } catch (error) {
      setState({ status: 'error', message: messageOf(error) });
    }
  };
  return (
    <span className="csv-download">
      <a className="button secondary download" href={address} download={fileName} onClick={save} aria-busy={state.status === 'busy'}>
        {state.status === 'busy' ? t('downloadPreparing') : label}
      </a>
      {state.status === 'error' && (
        <span className="field-error" role="alert">
          {state.message}
        </span>
      )}
    </span>
  );
}
