'use client';
// Edit an image's name, min disk/RAM, visibility, protected, tags and custom
// properties as one JSON patch; the API's validation message is shown beside
// the field it is about.
import { useState } from 'react';
import { VISIBILITIES } from '@/lib/images/constants';
import { api, customProperties, type Image } from './api';
import { metadataPatch } from './metadata/catalog';

interface Draft {
  name: string;
  min_disk: string;
  min_ram: string;
  visibility: string;
  protected: boolean;
  tags: string;
  props: { key: string; value: string }[];
}

function draftOf(image: Image): Draft {
  return {
    name: image.name ?? '',
    min_disk: String(image.min_disk),
    min_ram: String(image.min_ram),
    visibility: image.visibility,
    protected: image.protected,
    tags: image.tags.join(', '),
    props: editableProperties(image).map(([key, value]) => ({ key, value })),
  };
}

/** Custom properties minus Glance's own os_glance_* (import progress, the import lock): the API refuses edits to them. */
export const editableProperties = (image: Image) => customProperties(image).filter(([k]) => !k.startsWith('os_glance'));

/** Numbers as numbers; anything else as typed, so the API's schema says what is wrong with it. */
const asNumber = (v: string): number | string => (/^-?\d+$/.test(v.trim()) ? Number(v) : v);

function patchOps(image: Image, d: Draft) {
  const ops: { op: string; path: string; value?: unknown }[] = [];
  const name = d.name.trim() === '' ? null : d.name;
  if (name !== image.name) ops.push({ op: 'replace', path: '/name', value: name });
  if (d.min_disk !== String(image.min_disk)) ops.push({ op: 'replace', path: '/min_disk', value: asNumber(d.min_disk) });
  if (d.min_ram !== String(image.min_ram)) ops.push({ op: 'replace', path: '/min_ram', value: asNumber(d.min_ram) });
  if (d.visibility !== image.visibility) ops.push({ op: 'replace', path: '/visibility', value: d.visibility });
  if (d.protected !== image.protected) ops.push({ op: 'replace', path: '/protected', value: d.protected });
  const tags = [...new Set(d.tags.split(',').map((t) => t.trim()).filter(Boolean))];
  if (tags.join('\u0000') !== image.tags.join('\u0000')) ops.push({ op: 'replace', path: '/tags', value: tags });
  const after = new Map(d.props.filter((p) => p.key.trim()).map((p) => [p.key.trim(), p.value]));
  ops.push(...metadataPatch(new Map(editableProperties(image)), after));
  return ops;
}

const FIELDS = ['min_disk', 'min_ram', 'visibility', 'protected', 'tags', 'name'];

/** Which field an API message is about (Glance names the attribute in it). */
function fieldOf(message: string, d: Draft): string {
  for (const f of FIELDS) if (message.includes(`'${f}'`) || message.includes(`['${f}']`) || message.includes(`/${f}`) || message.includes(` ${f} `)) return f;
  for (const p of d.props) if (p.key && message.includes(p.key)) return `prop:${p.key}`;
  return 'form';
}

export function EditImageForm({ image, onSaved }: { image: Image; onSaved: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(image));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft({ ...draft, [k]: v });
    setSaved(false);
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    const ops = patchOps(image, draft);
    if (ops.length === 0) return;
    setSaving(true);
    try {
      await api(`/images/${image.id}`, { method: 'PATCH', body: JSON.stringify(ops), headers: { 'Content-Type': 'application/json' } });
      setSaved(true);
      onSaved();
    } catch (err) {
      const message = (err as Error).message;
      setErrors({ [fieldOf(message, draft)]: message });
    } finally {
      setSaving(false);
    }
  };

  const err = (f: string) => errors[f];
  const described = (f: string) => (err(f) ? { 'aria-invalid': true, 'aria-describedby': `err-${f}` } : {});
  const Err = ({ f }: { f: string }) => (err(f) ? <p id={`err-${f}`} role="alert" className="mt-1 text-sm text-red-700" data-testid={`error-${f}`}>{err(f)}</p> : null);

  return (
    <form onSubmit={submit} className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2" aria-label="Edit image" noValidate>
      <label className="sm:col-span-2">
        <span className="label">Name</span>
        <input className="field" name="name" value={draft.name} onChange={(e) => set('name', e.target.value)} {...described('name')} />
        <Err f="name" />
      </label>
      <label>
        <span className="label">Minimum disk (GB)</span>
        <input className="field" name="min_disk" inputMode="numeric" value={draft.min_disk} onChange={(e) => set('min_disk', e.target.value)} {...described('min_disk')} />
        <Err f="min_disk" />
      </label>
      <label>
        <span className="label">Minimum RAM (MB)</span>
        <input className="field" name="min_ram" inputMode="numeric" value={draft.min_ram} onChange={(e) => set('min_ram', e.target.value)} {...described('min_ram')} />
        <Err f="min_ram" />
      </label>
      <label>
        <span className="label">Visibility</span>
        <select className="field" name="visibility" value={draft.visibility} onChange={(e) => set('visibility', e.target.value)} {...described('visibility')}>
          {VISIBILITIES.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
        <Err f="visibility" />
      </label>
      <label className="flex items-center gap-2 self-end pb-2">
        <input type="checkbox" name="protected" checked={draft.protected} onChange={(e) => set('protected', e.target.checked)} />
        <span className="text-sm">Protected</span>
        <Err f="protected" />
      </label>
      <label className="sm:col-span-2">
        <span className="label">Tags (comma separated)</span>
        <input className="field" name="tags" value={draft.tags} onChange={(e) => set('tags', e.target.value)} {...described('tags')} />
        <Err f="tags" />
      </label>
      <fieldset className="sm:col-span-2">
        <legend className="label">Custom properties</legend>
        <div className="mt-1 space-y-2">
          {draft.props.map((p, i) => (
            <div key={i} className="flex flex-wrap gap-2">
              <input className="field flex-1" aria-label={`Property ${i + 1} name`} value={p.key} onChange={(e) => set('props', draft.props.map((q, j) => (j === i ? { ...q, key: e.target.value } : q)))} {...described(`prop:${p.key}`)} />
              <input className="field flex-[2]" aria-label={`Property ${i + 1} value`} value={p.value} onChange={(e) => set('props', draft.props.map((q, j) => (j === i ? { ...q, value: e.target.value } : q)))} />
              <button type="button" className="btn-secondary" onClick={() => set('props', draft.props.filter((_, j) => j !== i))} aria-label={`Remove property ${p.key || i + 1}`}>Remove</button>
              <div className="w-full"><Err f={`prop:${p.key}`} /></div>
            </div>
          ))}
          <button type="button" className="btn-secondary" onClick={() => set('props', [...draft.props, { key: '', value: '' }])}>Add property</button>
        </div>
      </fieldset>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button type="submit" className="btn-primary" disabled={saving}>{saving ? 'Saving…' : 'Save changes'}</button>
        <button type="button" className="btn-secondary" onClick={() => { setDraft(draftOf(image)); setErrors({}); }}>Reset</button>
        {saved && <span role="status" className="text-sm text-emerald-700">Saved.</span>}
      </div>
      <div className="sm:col-span-2"><Err f="form" /></div>
    </form>
  );
}
