// The create-clone form: choices loaded from the API (images, configurations with their primary,
// networks), CPU and RAM prefilled from the image's defaults, every field error from the API shown
// next to its field (`extensions.problems`), and one idempotency key per filled-in form, so a
// double submit or a retry after a lost answer makes one clone.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiError, problemsFor, type ApiError } from '../errors';
import type { CloneChoicesQuery } from '../gql/graphql';
import { CreateCloneMutation, ResourcesQuery } from '../operations';

interface Draft {
  name: string;
  description: string;
  imageId: string;
  configurationId: string;
  networkId: string;
  cpu: string;
  ramGb: string;
}

const newKey = () => crypto.randomUUID();

function Field({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors: string[]; children: (describedBy: string | undefined, invalid: boolean) => ReactNode }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={errors.length ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(describedBy, errors.length > 0)}
      {hint && <small id={hintId}>{hint}</small>}
      {errors.length > 0 && (
        <p id={errorId} className="field-error" data-testid={`error-${id.replace(/^.*-/, '')}`}>
          <span aria-hidden="true">⚠ </span>{errors.join('; ')}
        </p>
      )}
    </div>
  );
}

export function CreateCloneForm({ choices, onCreated, onCancel }: { choices: CloneChoicesQuery | undefined; onCreated(name: string): void; onCancel(): void }) {
  const base = useId();
  const [draft, setDraft] = useState<Draft>({ name: '', description: '', imageId: '', configurationId: '', networkId: '', cpu: '', ramGb: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [key, setKey] = useState(newKey);
  const [{ fetching }, createClone] = useMutation(CreateCloneMutation);
  const [{ data: resources }] = useQuery({ query: ResourcesQuery });
  const images = choices?.vmImages.filter((i) => !i.removedAt) ?? [];
  const networks = choices?.networks.filter((n) => !n.removedAt) ?? [];
  const configurations = choices?.configurations.edges.map((e) => e.node) ?? [];

  const set = (field: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setKey(newKey()); // a changed form is a new request
  };
  const pickImage = (imageId: string) => {
    const image = images.find((i) => i.id === imageId);
    setDraft((d) => ({ ...d, imageId, cpu: d.cpu || String(image?.defaultCpu ?? ''), ramGb: d.ramGb || String(image?.defaultRamGb ?? '') }));
    setKey(newKey());
  };
  const errorsOf = (field: string) => problemsFor(error, field);
  const ids = (field: string) => `${base}-${field}`;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    // GraphQL itself refuses a non-number for an Int before the API's input layer could name the
    // field, so these two are checked here, in the API's words; everything else is the API's call.
    const local = (['cpu', 'ramGb'] as const)
      .filter((f) => !/^\d{1,6}$/.test(draft[f].trim()))
      .map((f) => ({ field: `input.${f}`, message: 'must be a whole number' }));
    if (local.length) {
      setError({ code: 'VALIDATION', message: 'fix the fields marked', problems: local });
      document.getElementById(ids(local[0]!.field.slice('input.'.length)))?.focus();
      return;
    }
    const toInt = (v: string) => Number(v.trim());
    const result = await createClone({
      input: {
        name: draft.name,
        description: draft.description.trim() || null,
        imageId: draft.imageId,
        configurationId: draft.configurationId,
        networkId: draft.networkId,
        cpu: toInt(draft.cpu),
        ramGb: toInt(draft.ramGb),
        idempotencyKey: key,
      },
    });
    const failure = apiError(result.error);
    if (failure) {
      setError(failure);
      // Focus the first field at fault, so a keyboard or screen reader user lands on it.
      const first = failure.problems[0]?.field.replace(/^input\./, '');
      if (first) document.getElementById(ids(first))?.focus();
      return;
    }
    onCreated(result.data!.createClone.name);
  };

  const generalError = error && error.problems.length === 0 ? error : null;
  const cpu = resources?.resources?.cpuCores.available;
  const ram = resources?.resources?.ramGb.available;

  return (
    <form id="create-clone" className="card create-form" onSubmit={onSubmit} aria-labelledby={`${base}-title`} noValidate>
      <h2 id={`${base}-title`}>Create clone</h2>
      <div className="form-grid">
        <Field id={ids('name')} label="Name" hint="5–64 letters, digits, spaces, - _ . ; starts and ends with a letter or digit" errors={errorsOf('name')}>
          {(d, invalid) => <input id={ids('name')} required value={draft.name} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('name', e.target.value)} />}
        </Field>
        <Field id={ids('description')} label="Description (optional)" hint="at most 128 characters" errors={errorsOf('description')}>
          {(d, invalid) => <input id={ids('description')} value={draft.description} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('description', e.target.value)} />}
        </Field>
        <Field id={ids('imageId')} label="Application image" errors={errorsOf('imageId')}>
          {(d, invalid) => (
            <select id={ids('imageId')} required value={draft.imageId} aria-describedby={d} aria-invalid={invalid} onChange={(e) => pickImage(e.target.value)}>
              <option value="">Choose an image</option>
              {images.map((i) => <option key={i.id} value={i.id}>{i.name} ({i.application.name})</option>)}
            </select>
          )}
        </Field>
        <Field id={ids('configurationId')} label="Configuration" errors={errorsOf('configurationId')}>
          {(d, invalid) => (
            <select id={ids('configurationId')} required value={draft.configurationId} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('configurationId', e.target.value)}>
              <option value="">Choose a configuration</option>
              {configurations.map((c) => <option key={c.id} value={c.id}>{c.name} (primary {c.primaryMachine.name})</option>)}
            </select>
          )}
        </Field>
        <Field id={ids('cpu')} label="CPU cores" hint={cpu !== undefined ? `${cpu} available` : undefined} errors={errorsOf('cpu')}>
          {(d, invalid) => <input id={ids('cpu')} type="number" min={1} inputMode="numeric" required value={draft.cpu} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('cpu', e.target.value)} />}
        </Field>
        <Field id={ids('ramGb')} label="RAM (GB)" hint={ram !== undefined ? `${ram} GB available` : undefined} errors={errorsOf('ramGb')}>
          {(d, invalid) => <input id={ids('ramGb')} type="number" min={1} inputMode="numeric" required value={draft.ramGb} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('ramGb', e.target.value)} />}
        </Field>
        <Field id={ids('networkId')} label="Network" errors={errorsOf('networkId')}>
          {(d, invalid) => (
            <select id={ids('networkId')} required value={draft.networkId} aria-describedby={d} aria-invalid={invalid} onChange={(e) => set('networkId', e.target.value)}>
              <option value="">Choose a network</option>
              {networks.map((n) => <option key={n.id} value={n.id}>{n.name}</option>)}
            </select>
          )}
        </Field>
      </div>
      <div role="alert" className="error">
        {generalError && `${generalError.message} (${generalError.code})`}
        {error && error.problems.length > 0 && `The clone was not created: ${error.problems.length} field${error.problems.length === 1 ? '' : 's'} to fix.`}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={fetching}>{fetching ? 'Creating…' : 'Create clone'}</button>
      </div>
    </form>
  );
}
