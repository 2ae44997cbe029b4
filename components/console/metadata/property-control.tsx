'use client';
// The input for one property, chosen by its definition's type: a select for
// an enum, a checkbox for a boolean, a number field with its bounds, a
// multi-select (and operator) for an array of choices, else a text field.
import { isMulti, joinArray, splitArray, type PropertyDef } from './catalog';

export function PropertyControl(props: {
  id: string;
  def: PropertyDef | undefined;
  value: string;
  onChange: (v: string) => void;
  describedBy?: string;
  invalid: boolean;
  autoFocus?: boolean;
}) {
  const { id, def, value, onChange } = props;
  const common = {
    id,
    autoFocus: props.autoFocus,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid || undefined,
  };
  if (def?.type === 'boolean') {
    return <input type="checkbox" {...common} className="h-4 w-4" checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />;
  }
  if (def?.enum && def.type !== 'array') {
    // A value outside the choices (set by hand earlier) stays choosable, so opening the dialog changes nothing.
    const choices = def.enum.includes(value) ? def.enum : [value, ...def.enum];
    return (
      <select {...common} className="field" value={value} onChange={(e) => onChange(e.target.value)}>
        {choices.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
    );
  }
  if (def && isMulti(def)) {
    const { operator, values } = splitArray(value, def.operators);
    return (
      <div className="flex gap-2">
        {def.operators && def.operators.length > 0 && (
          <select className="field w-28" aria-label="Operator" value={operator} onChange={(e) => onChange(joinArray(values, e.target.value))}>
            {def.operators.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        )}
        <select
          {...common}
          multiple
          size={Math.min(6, def.items!.enum!.length)}
          className="field"
          value={values}
          onChange={(e) => onChange(joinArray([...e.target.selectedOptions].map((o) => o.value), operator))}
        >
          {def.items!.enum!.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
    );
  }
  if (def?.type === 'integer' || def?.type === 'number') {
    return (
      <input
        type="number"
        {...common}
        className="field"
        value={value}
        min={def.minimum}
        max={def.maximum}
        step={def.type === 'integer' ? 1 : 'any'}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return <input type="text" {...common} className="field" value={value} onChange={(e) => onChange(e.target.value)} />;
}
