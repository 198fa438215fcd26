import { useI18n } from '../i18n';
import { Link } from '../router';
import { useDocumentTitle } from '../use-document-title';

/** Shown for unknown routes and for invoices outside the user's scope (the API answers 404 for both). */
export function NotFoundPage({ title, text }: { title?: string; text?: string }) {
  const { t } = useI18n();
  const heading = title ?? 'Page introuvable';
  useDocumentTitle(heading);
  return (
    <section className="not-found">
      <h1 tabIndex={-1}>{heading}</h1>
      <p>{text ?? "L'adresse demandée ne correspond à aucune page."}</p>
      <p>
        <Link href="/factures">{t('invoice.back')}</Link>
      </p>
    </section>
  );
}
