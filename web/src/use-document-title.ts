import { useEffect } from 'react';

/** Each screen names itself in the tab title, which screen readers announce on navigation. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = `${title} — Facteur`;
  }, [title]);
}
