import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useI18n } from '../i18n';

/**
 * pdf.js is about a megabyte: it is imported on demand so that the first load of the app stays small.
 * The worker is a separate file that Vite copies to dist and pdf.js starts by URL.
 */
let pdfjsPromise: Promise<typeof import('pdfjs-dist')> | null = null;
function loadPdfjs() {
  pdfjsPromise ??= import('pdfjs-dist').then((m) => {
    m.GlobalWorkerOptions.workerSrc = workerUrl;
    return m;
  });
  return pdfjsPromise;
}

type State = { kind: 'loading' } | { kind: 'error' } | { kind: 'ready'; doc: PDFDocumentProxy };

export function PdfViewer({ url, filename }: { url: string; filename: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [page, setPage] = useState(1);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    let doc: PDFDocumentProxy | null = null;
    setState({ kind: 'loading' });
    setPage(1);
    (async () => {
      try {
        const pdfjs = await loadPdfjs();
        // Eval stays off: the documents come from suppliers, i.e. from outside.
        doc = await pdfjs.getDocument({ url, withCredentials: true, isEvalSupported: false }).promise;
        if (cancelled) return void doc.destroy();
        setState({ kind: 'ready', doc });
      } catch {
        if (!cancelled) setState({ kind: 'error' });
      }
    })();
    return () => {
      cancelled = true;
      void doc?.destroy();
    };
  }, [url]);

  useEffect(() => {
    if (state.kind !== 'ready' || !canvasRef.current) return;
    let cancelled = false;
    let task: { cancel: () => void; promise: Promise<void> } | null = null;
    (async () => {
      try {
        const p = await state.doc.getPage(page);
        if (cancelled) return;
        const width = boxRef.current?.clientWidth || 600;
        const base = p.getViewport({ scale: 1 });
        const scale = Math.min(2.5, width / base.width);
        const ratio = window.devicePixelRatio || 1;
        const viewport = p.getViewport({ scale: scale * ratio });
        const canvas = canvasRef.current!;
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
        task = p.render({ canvas, viewport });
        await task.promise;
        if (!cancelled) canvas.dataset.rendered = String(page);
      } catch (e) {
        if (!cancelled && (e as Error).name !== 'RenderingCancelledException') setState({ kind: 'error' });
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [state, page]);

  const pages = state.kind === 'ready' ? state.doc.numPages : 0;
  return (
    <figure className="pdf-viewer" aria-label={t('pdf.label', { name: filename })}>
      {state.kind === 'loading' && (
        <p role="status" className="muted">
          {t('pdf.loading')}
        </p>
      )}
      {state.kind === 'error' && (
        <p className="alert warning" role="alert">
          {t('pdf.error')}
        </p>
      )}
      <div ref={boxRef} className="pdf-canvas-box" hidden={state.kind !== 'ready'}>
        <canvas ref={canvasRef} role="img" aria-label={t('pdf.page', { page, pages: pages || 1 })} />
      </div>
      <figcaption className="pdf-bar">
        {pages > 1 && (
          <span className="pdf-pager">
            <button type="button" className="button secondary small" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1}>
              {t('pdf.prev')}
            </button>
            <span aria-live="polite">{t('pdf.page', { page, pages })}</span>
            <button type="button" className="button secondary small" onClick={() => setPage((p) => Math.min(pages, p + 1))} disabled={page >= pages}>
              {t('pdf.next')}
            </button>
          </span>
        )}
        <a href={url} target="_blank" rel="noopener">
          {t('invoice.openFile')} ({filename})
        </a>
      </figcaption>
    </figure>
  );
}
