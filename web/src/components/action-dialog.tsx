import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, type InvoiceDetail } from '../api';
import { parisToday } from '../format';
import { translateDynamic, useI18n, type MessageKey } from '../i18n';

/** Reasons offered for a suspension; the free text is what the supplier reads (Chorus "motif"). */
export const suspendReasonCodes = ['missing_engagement', 'wrong_amount', 'missing_attachment', 'service_not_done', 'wrong_recipient', 'other'] as const;

type Values = { reasonCode: string; reason: string; mandateNumber: string; mandateDate: string };
type FieldName = keyof Values;

/** Which inputs each action asks for; everything not listed is a plain confirmation. */
const fieldsOf: Record<string, Array<{ name: FieldName; label: MessageKey; required: boolean }>> = {
  suspend: [
    { name: 'reasonCode', label: 'dialog.reasonCode', required: true },
    { name: 'reason', label: 'dialog.reason', required: true },
  ],
  reject: [{ name: 'reason', label: 'dialog.rejectReason', required: true }],
  mandate: [
    { name: 'mandateNumber', label: 'dialog.mandateNumber', required: true },
    { name: 'mandateDate', label: 'dialog.mandateDate', required: true },
  ],
  attest_service_done: [{ name: 'reason', label: 'dialog.comment', required: false }],
};

export function ActionDialog({
  action,
  invoice,
  onClose,
  onDone,
  onConflict,
}: {
  action: string;
  invoice: InvoiceDetail;
  onClose: () => void;
  onDone: (message: string) => void;
  onConflict: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Values>({ reasonCode: '', reason: '', mandateNumber: '', mandateDate: parisToday() });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = fieldsOf[action] ?? [];
  const label = translateDynamic(t, 'action', action);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Partial<Record<FieldName, string>> = {};
    for (const f of fields) if (f.required && !values[f.name].trim()) errs[f.name] = t('dialog.required');
    setFieldErrors(errs);
    setError(null);
    const firstBad = fields.find((f) => errs[f.name]);
    if (firstBad) {
      document.getElementById(`dlg-${firstBad.name}`)?.focus();
      return;
    }
    const body: Record<string, unknown> = { action, expectedVersion: invoice.version };
    for (const f of fields) if (values[f.name].trim()) body[f.name] = values[f.name].trim();
    setBusy(true);
    try {
      await api.transition(invoice.id, body);
      onDone(t('dialog.done', { action: label }));
    } catch (err) {
      setBusy(false);
      if (!(err instanceof ApiError)) {
        setError(t('app.error'));
        return;
      }
      const field = err.field as FieldName | null;
      if (field && fields.some((f) => f.name === field)) {
        setFieldErrors({ [field]: err.fieldMessage });
        document.getElementById(`dlg-${field}`)?.focus();
      }
      // A 409 means the invoice moved on (someone else acted, or Chorus did): say so plainly and reload it.
      if (err.status === 409) {
        setError(err.code === 'invoices.version_conflict' ? `${err.message} ${t('dialog.conflict')}` : err.message);
        onConflict();
      } else setError(err.message);
    }
  };

  const input = (f: (typeof fields)[number]) => {
    const id = `dlg-${f.name}`;
    const common = {
      id,
      name: f.name,
      required: f.required,
      'aria-invalid': fieldErrors[f.name] ? true : undefined,
      'aria-describedby': fieldErrors[f.name] ? `${id}-error` : undefined,
    } as const;
    const set = (v: string) => {
      setValues((s) => ({ ...s, [f.name]: v }));
      if (fieldErrors[f.name]) setFieldErrors((e) => ({ ...e, [f.name]: undefined }));
    };
    let control: React.ReactNode;
    if (f.name === 'reasonCode')
      control = (
        <select {...common} value={values.reasonCode} onChange={(e) => set(e.target.value)}>
          <option value="">{t('dialog.reasonCodeChoose')}</option>
          {suspendReasonCodes.map((c) => (
            <option key={c} value={c}>
              {translateDynamic(t, 'reason', c)}
            </option>
          ))}
        </select>
      );
    else if (f.name === 'reason') control = <textarea {...common} rows={4} maxLength={5000} value={values.reason} onChange={(e) => set(e.target.value)} />;
    else if (f.name === 'mandateDate') control = <input {...common} type="date" value={values.mandateDate} onChange={(e) => set(e.target.value)} />;
    else control = <input {...common} maxLength={50} value={values[f.name]} onChange={(e) => set(e.target.value)} />;
    return (
      <div className="field" key={f.name}>
        <label htmlFor={id}>{t(f.label)}</label>
        {control}
        {fieldErrors[f.name] && (
          <p id={`${id}-error`} className="field-error">
            {fieldErrors[f.name]}
          </p>
        )}
      </div>
    );
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dlg-title" onCancel={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="dlg-title">{label}</h2>
        {!fields.length && <p>{t('dialog.confirmText', { action: label, number: invoice.number })}</p>}
        {fields.map(input)}
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className={`button ${action === 'reject' ? 'danger' : 'primary'}`} disabled={busy}>
            {fields.length ? label : t('dialog.confirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
