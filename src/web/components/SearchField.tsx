import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.tsx';

/** How long typing pauses before the search is made: a word is one request, not one a keystroke. */
const searchPauseMs = 250;

/** A list's search box: `onSearch` gets the text once typing pauses (lists replace the address with it rather than push, so Back skips the keystrokes). */
export function SearchField({ search, onSearch, placeholder }: { search: string; onSearch: (search: string) => void; placeholder?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(search);
  // A search changed from outside (cleared by "Clear the search", Back) is shown as it is now.
  const [shownSearch, setShownSearch] = useState(search);
  if (shownSearch !== search) {
    setShownSearch(search);
    setText(search);
  }
  useEffect(() => {
    if (text === search) return;
    const timer = setTimeout(() => onSearch(text), searchPauseMs);
    return () => clearTimeout(timer);
  });
  return (
    <label className="field grow">
      <span>{t('search')}</span>
      <input type="search" value={text} placeholder={placeholder ?? t('searchPlaceholder')} onChange={(event) => setText(event.target.value)} />
    </label>
  );
}
