import { translateDynamic, useI18n } from '../i18n';

/** The status as words (never colour alone), tinted per family for quick scanning. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {translateDynamic(t, 'status', status)}
    </span>
  );
}
