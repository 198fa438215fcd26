import { useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { normaliseAmountInput } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { useRouter } from '../router';
import { useSession, visibleServices } from '../session';
import { useDocumentTitle } from '../use-document-title';

type Field = 'file' | 'number' | 'supplierName' | 'supplierSiret' | 'issueDate' | 'totalHt' | 'totalTva' | 'totalTtc' | 'engagementNumber' | 'serviceId';

const textFields: Array<{ name: Exclude<Field, 'file' | 'serviceId'>; label: MessageKey; type?: string; amount?: boolean; autoComplete?: string }> = [
  { name: 'number', label: 'upload.number' },
  { name: 'supplierName', label: 'upload.supplierName', autoComplete: 'organization' },
  { name: 'supplierSiret', label: 'upload.supplierSiret' },
  { name: 'issueDate', label: 'upload.issueDate', type: 'date' },
  { name: 'totalHt', label: 'upload.totalHt', amount: true },
  { name: 'totalTva', label: 'upload.totalTva', amount: true },
  { name: 'totalTtc', label: 'upload.totalTtc', amount: true },
  { name: 'engagementNumber', label: 'upload.engagementNumber' },
];

/** Manual deposit of a PDF or an e-invoice; server-side field errors are shown beside their field. */
export function UploadPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const { navigate } = useRouter();
  useDocumentTitle(t('upload.title'));
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const services = visibleServices(session);

  const focusField = (f: Field) => document.getElementById(`up-${f}`)?.focus();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const file = data.get('file');
    const errs: Partial<Record<Field, string>> = {};
    if (!(file instanceof File) || file.size === 0) errs.file = t('upload.fileMissing');
    const form = new FormData();
    for (const f of textFields) {
      const raw = String(data.get(f.name) ?? '').trim();
      if (!raw) continue;
      if (f.amount) {
        const n = normaliseAmountInput(raw);
        if (n === null) errs[f.name] = t('list.amountInvalid');
        else form.set(f.name, n);
      } else form.set(f.name, raw);
    }
    const serviceId = String(data.get('serviceId') ?? '');
    if (serviceId) form.set('serviceId', serviceId);
    setErrors(errs);
    setError(null);
    const firstBad = (['file', ...textFields.map((f) => f.name)] as Field[]).find((f) => errs[f]);
    if (firstBad) return focusField(firstBad);
    // Fields first, file last: the server reads the multipart stream in order.
    form.set('file', file as File, (file as File).name);
    setBusy(true);
    try {
      const r = await api.upload(form);
      navigate(`/factures/${encodeURIComponent(r.invoiceId)}`);
    } catch (err) {
      setBusy(false);
      if (!(err instanceof ApiError)) return setError(t('app.error'));
      const field = (err.status === 413 || err.status === 415 ? 'file' : err.field) as Field | null;
      if (field && document.getElementById(`up-${field}`)) {
        setErrors({ [field]: err.status === 413 ? t('upload.fileTooLarge') : err.status === 415 ? err.message : err.fieldMessage });
        focusField(field);
      } else setError(err.message);
    }
  };

  const described = (f: Field) => ({
    'aria-invalid': errors[f] ? true : undefined,
    'aria-describedby': errors[f] ? `up-${f}-error` : undefined,
  });
  const errorOf = (f: Field) =>
    errors[f] && (
      <p id={`up-${f}-error`} className="field-error">
        {errors[f]}
      </p>
    );

  return (
    <section className="upload">
      <h1 tabIndex={-1}>{t('upload.title')}</h1>
      <p>{t('upload.intro')}</p>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        className="upload-form"
        onChange={(e) => {
          // An edited field is no longer the one the server blamed.
          const name = ((e.target as Element).getAttribute('name') ?? '') as Field;
          if (errors[name]) setErrors((x) => ({ ...x, [name]: undefined }));
        }}
      >
        <div className="field wide">
          <label htmlFor="up-file">{t('upload.file')}</label>
          <input id="up-file" name="file" type="file" accept=".pdf,.xml,application/pdf,application/xml,text/xml" {...described('file')} />
          {errorOf('file')}
        </div>
        <div className="form-grid">
          {textFields.map((f) => (
            <div className="field" key={f.name}>
              <label htmlFor={`up-${f.name}`}>{t(f.label)}</label>
              <input
                id={`up-${f.name}`}
                name={f.name}
                type={f.type ?? 'text'}
                inputMode={f.amount ? 'decimal' : f.name === 'supplierSiret' ? 'numeric' : undefined}
                autoComplete={f.autoComplete ?? 'off'}
                {...described(f.name)}
              />
              {errorOf(f.name)}
            </div>
          ))}
          <div className="field">
            <label htmlFor="up-serviceId">{t('upload.service')}</label>
            <select id="up-serviceId" name="serviceId" defaultValue="" {...described('serviceId')}>
              <option value="">{t('upload.serviceDefault')}</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {errorOf('serviceId')}
          </div>
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('upload.submitting') : t('upload.submit')}
        </button>
      </form>
    </section>
  );
}
