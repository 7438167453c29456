/**
 * The inspector's form controls. A text control keeps what is typed as a draft (useDraft.ts) and commits it
 * on blur or Enter (a multi-line one on blur or Ctrl/Cmd+Enter), so one finished value is one undo step; Escape
 * puts back the stored value. A commit that fails leaves the text as typed, marked aria-invalid with the reason
 * under it. Labels are real <label>s, so every control has its accessible name.
 */
import { createContext, useContext, useId, type ReactNode } from "react";
import { getField, type JsonObject } from "../../asl";
import { applyFieldText, fieldText, type FieldSpec, type QueryLanguage } from "./fields";
import { useDraft, type Commit } from "./useDraft";

/** True for a user who may only view the machine: every control is disabled (the groups still open and close). */
export const ReadOnlyContext = createContext(false);

export interface TextControlProps {
  readonly label: string;
  /** The stored value's text; a change from outside replaces the draft. */
  readonly text: string;
  readonly onCommit: Commit;
  readonly multiline?: boolean;
  readonly hint?: ReactNode;
  /** A <datalist> id with suggestions. */
  readonly list?: string;
  readonly placeholder?: string;
  readonly mono?: boolean;
  /** What the validator would say about the stored value (shown while no commit failed), e.g. a missing value. */
  readonly problem?: string;
  /** Focus the control when it mounts (the Name field after a rename remounted the forms). */
  readonly autoFocus?: boolean;
}

export function TextControl({ label, text, onCommit, multiline, hint, list, placeholder, mono, problem, autoFocus }: TextControlProps) {
  const id = useId();
  const readOnly = useContext(ReadOnlyContext);
  const { draft, setDraft, error, commit, onKeyDown } = useDraft(text, onCommit, { multiline });
  const message = error ?? problem;
  const describedBy = [message && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    value: draft,
    disabled: readOnly,
    placeholder,
    spellCheck: false,
    "aria-invalid": message ? true : undefined,
    "aria-describedby": describedBy,
    className: `inspector__control${mono ? " inspector__control--mono" : ""}`,
    autoFocus,
    onBlur: commit,
    onKeyDown,
  } as const;
  const rows = Math.min(12, Math.max(2, draft.split("\n").length));
  return (
    <div className="inspector__field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={rows} onChange={(event) => setDraft(event.target.value)} />
      ) : (
        <input {...common} type="text" list={list} onChange={(event) => setDraft(event.target.value)} />
      )}
      {error ? <p id={`${id}-error`} className="inspector__error" role="alert">{error}</p>
        : problem && <p id={`${id}-error`} className="inspector__error">{problem}</p>}
      {hint && <p id={`${id}-hint`} className="inspector__hint">{hint}</p>}
    </div>
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

/** A select that commits on change. A stored value not among the options is shown as one. */
export function SelectControl({ label, value, options, onChange, hint }: {
  label: string; value: string; options: readonly Option[]; onChange: (value: string) => void; hint?: ReactNode;
}) {
  const id = useId();
  const readOnly = useContext(ReadOnlyContext);
  const all = options.some((option) => option.value === value) ? options : [...options, { value, label: `${value} (unknown)` }];
  return (
    <div className="inspector__field">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="inspector__control" value={value} disabled={readOnly} onChange={(event) => onChange(event.target.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}>
        {all.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
      {hint && <p id={`${id}-hint`} className="inspector__hint">{hint}</p>}
    </div>
  );
}

const MULTILINE = new Set(["json", "template"]);

/** One plain field of `obj` (a state or the machine), by its spec (fields.ts). */
export function FieldControl({ spec, obj, language, onChange, list, hint, problem }: {
  spec: FieldSpec; obj: JsonObject; language: QueryLanguage; onChange: (next: JsonObject) => void; list?: string; hint?: ReactNode;
  problem?: string;
}) {
  return (
    <TextControl
      problem={problem}
      label={spec.key}
      text={fieldText(getField(obj, spec.key), spec.kind)}
      multiline={MULTILINE.has(spec.kind)}
      mono={spec.kind !== "string"}
      list={list}
      hint={hint ?? spec.hint}
      onCommit={(text) => {
        const result = applyFieldText(obj, spec.key, text, spec.kind, language, spec.range);
        if ("error" in result) return result.error;
        if (result.next !== obj) onChange(result.next);
        return undefined;
      }}
    />
  );
}

/** A collapsible group (the WAI-ARIA disclosure pattern): a heading whose button shows or hides the body. */
export function Group({ title, open, onToggle, children }: {
  title: string; open: boolean; onToggle: () => void; children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="inspector__group" aria-labelledby={`${id}-title`}>
      <h3 className="inspector__heading">
        <button type="button" id={`${id}-title`} aria-expanded={open} aria-controls={`${id}-body`} onClick={onToggle}>
          {title}
        </button>
      </h3>
      <div id={`${id}-body`} className="inspector__body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
