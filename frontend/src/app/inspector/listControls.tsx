/**
 * The controls the Choice, Retry and Catch editors share: a text field that commits when it is finished
 * (blur or Enter; Ctrl/Cmd+Enter in a multi-line one; Escape puts the stored value back), a JSON field, a
 * state-target select, the error-names chips, and the list itself (ItemList: each item's header with its move
 * and delete buttons, its form, the add button).
 *
 * A commit that fails keeps the text as typed and says why under it (aria-invalid, aria-describedby); so do
 * the `problems` a caller passes, which are the validator's rules checked on the stored value.
 */
import { useId, useState, type ReactNode } from "react";
import { isObject, type JsonObject, type JsonValue } from "../../asl";
import { ERROR_NAMES, parseErrorNames } from "./errorNames";
import { fieldText, parseFieldText, sameJson } from "./fields";
import { jsonFieldText, moveItem, parseJsonField, removeItem } from "./rules";
import { useDraft, type Commit } from "./useDraft";
import "./inspector-lists.css";

/**
 * The accessible name of a field inside a list item: the item, then the field ("Rule 1 next state",
 * "Catcher 1 error names", "Rule 1, condition 2 value"), so the many Next state / Comment / Value fields of
 * one form are told apart; the visible label stays the short one, which the name contains.
 */
export function itemLabel(context: string | undefined, label: string): string | undefined {
  return context ? `${context} ${label.toLowerCase()}` : undefined;
}

function Messages({ id, error, problems, hint }: { id: string; error?: string; problems: readonly string[]; hint?: ReactNode }) {
  return (
    <>
      {error && <p id={`${id}-error`} className="ilist__error" role="alert">{error}</p>}
      {problems.length > 0 && (
        <ul id={`${id}-problems`} className="ilist__problems">
          {problems.map((problem) => <li key={problem}>{problem}</li>)}
        </ul>
      )}
      {hint && <p id={`${id}-hint`} className="ilist__hint">{hint}</p>}
    </>
  );
}

function describedBy(id: string, error: string | undefined, problems: readonly string[], hint: ReactNode): string | undefined {
  return [error && `${id}-error`, problems.length > 0 && `${id}-problems`, hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
}

export interface TextFieldProps {
  readonly label: string;
  readonly text: string;
  readonly onCommit: Commit;
  readonly multiline?: boolean;
  readonly mono?: boolean;
  readonly placeholder?: string;
  readonly list?: string;
  readonly inputMode?: "decimal" | "numeric" | "text";
  readonly problems?: readonly string[];
  readonly hint?: ReactNode;
  readonly wide?: boolean;
  /** The list item the field belongs to, for its accessible name (itemLabel). */
  readonly context?: string;
}

export function TextField({ label, text, onCommit, multiline, mono, placeholder, list, inputMode, problems = [], hint, wide, context }: TextFieldProps) {
  const id = useId();
  const { draft, setDraft, error, commit, onKeyDown } = useDraft(text, onCommit, { multiline });
  const common = {
    id,
    value: draft,
    placeholder,
    spellCheck: false,
    className: `inspector__control ilist__control${mono ? " ilist__control--mono" : ""}`,
    "aria-invalid": error || problems.length ? true : undefined,
    "aria-describedby": describedBy(id, error, problems, hint),
    "aria-label": itemLabel(context, label),
    onBlur: commit,
    onKeyDown,
  } as const;
  return (
    <div className={`ilist__field${wide || multiline ? " ilist__field--wide" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={Math.min(10, Math.max(2, draft.split("\n").length))} onChange={(event) => setDraft(event.target.value)} />
      ) : (
        <input {...common} type="text" list={list} inputMode={inputMode} onChange={(event) => setDraft(event.target.value)} />
      )}
      <Messages id={id} error={error} problems={problems} hint={hint} />
    </div>
  );
}

/**
 * A JSON value (Assign, Output): empty removes the field; Ctrl/Cmd+Enter or leaving the field commits. A
 * `template` (JSONata's Output) also takes a bare {% %} expression, as the state's own Output field does.
 */
export function JsonField({ label, value, object, template, onCommit, hint, context }: {
  label: string; value: JsonValue | undefined; object?: boolean; template?: boolean; onCommit: (value: JsonValue | undefined) => void; hint?: ReactNode;
  context?: string;
}) {
  return (
    <TextField
      label={label}
      context={context}
      text={template ? fieldText(value, "template") : jsonFieldText(value)}
      multiline
      mono
      placeholder={object ? '{"name": "value"}' : template ? "JSON or {% expression %}" : "JSON"}
      hint={hint}
      onCommit={(text) => {
        if (template) {
          const expression = parseFieldText(text, "template", "JSONata");
          if ("error" in expression) return expression.error;
          if (!sameJson(expression.value, value)) onCommit(expression.value);
          return undefined;
        }
        const parsed = parseJsonField(text, { object });
        if (!parsed.ok) return parsed.error;
        if (!sameJson(parsed.value, value)) onCommit(parsed.value); // (a change of layout alone is no edit)
        return undefined;
      }}
    />
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

/** A select that commits on change; a stored value that is not among the options is shown as one. */
export function SelectField({ label, value, options, onChange, problems = [], unknownLabel = (v) => `${v} (unknown)`, context }: {
  label: string; value: string; options: readonly Option[]; onChange: (value: string) => void; problems?: readonly string[];
  unknownLabel?: (value: string) => string; context?: string;
}) {
  const id = useId();
  const listed = options.some((option) => option.value === value);
  const all = listed ? options : [{ value, label: value === "" ? "Choose…" : unknownLabel(value) }, ...options];
  // Only the "Choose…" placeholder is not a choice; an option "" of the caller's (Jitter's Default) is one.
  const placeholder = !listed && value === "";
  return (
    <div className="ilist__field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="inspector__control ilist__control"
        value={value}
        aria-invalid={problems.length ? true : undefined}
        aria-describedby={describedBy(id, undefined, problems, undefined)}
        aria-label={itemLabel(context, label)}
        onChange={(event) => onChange(event.target.value)}
      >
        {all.map((option, i) => <option key={option.value} value={option.value} disabled={placeholder && i === 0 ? true : undefined}>{option.label}</option>)}
      </select>
      <Messages id={id} problems={problems} />
    </div>
  );
}

/** The state a rule or Catcher goes to, among the states of its scope. */
export function TargetSelect({ value, targets, onChange, context }: {
  value: string | undefined; targets: readonly string[]; onChange: (target: string) => void; context?: string;
}) {
  return (
    <SelectField
      label="Next state"
      context={context}
      value={value ?? ""}
      options={targets.map((target) => ({ value: target, label: target }))}
      onChange={onChange}
      problems={value === undefined || value === "" ? ["Choose the state to go to."] : targets.includes(value) ? [] : [`There is no state '${value}' here.`]}
      unknownLabel={(v) => `${v} (missing)`}
    />
  );
}

/**
 * ErrorEquals as chips with a remove button each, and a field to add more (comma separated, suggestions from
 * the predefined names). Adding or removing is one commit.
 */
export function ErrorNamesField({ names, onChange, problems, context }: {
  names: readonly string[]; onChange: (names: string[]) => void; problems: readonly string[]; context?: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState("");
  const add = () => {
    const added = parseErrorNames(draft).filter((name) => !names.includes(name));
    setDraft("");
    if (added.length) onChange([...names, ...added]);
  };
  return (
    <div className="ilist__field ilist__field--wide">
      <label htmlFor={id}>Error names</label>
      {names.length > 0 && (
        <ul className="ilist__chips" aria-label={itemLabel(context, "Chosen error names") ?? "Chosen error names"}>
          {names.map((name) => (
            <li key={name} className="ilist__chip">
              <span>{name}</span>
              <button type="button" aria-label={`Remove ${name}${context ? ` from ${context.toLowerCase()}` : ""}`} title={`Remove ${name}`} onClick={() => onChange(names.filter((n) => n !== name))}>×</button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        type="text"
        className="inspector__control ilist__control ilist__control--mono"
        list={`${id}-names`}
        value={draft}
        placeholder="Add, e.g. States.Timeout (Enter)"
        spellCheck={false}
        aria-invalid={problems.length ? true : undefined}
        aria-describedby={describedBy(id, undefined, problems, undefined)}
        aria-label={itemLabel(context, "Error names")}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={add}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            add();
          } else if (event.key === "Escape") setDraft("");
        }}
      />
      <datalist id={`${id}-names`}>
        {ERROR_NAMES.filter(([name]) => !names.includes(name)).map(([name, note]) => <option key={name} value={name} label={note} />)}
      </datalist>
      <Messages id={id} problems={problems} />
    </div>
  );
}

/** A list item's header: its title and one-line summary, and the buttons that move or delete it. */
function ItemHeader({ title, summary, index, count, onMove, onDelete }: {
  title: string; summary: ReactNode; index: number; count: number; onMove: (to: number) => void; onDelete: () => void;
}) {
  return (
    <div className="ilist__head">
      <span className="ilist__title">{title}</span>
      <span className="ilist__summary">{summary}</span>
      <span className="ilist__actions">
        <button type="button" aria-label={`Move ${title.toLowerCase()} up`} title="Move up" disabled={index === 0} onClick={() => onMove(index - 1)}>↑</button>
        <button type="button" aria-label={`Move ${title.toLowerCase()} down`} title="Move down" disabled={index === count - 1} onClick={() => onMove(index + 1)}>↓</button>
        <button type="button" aria-label={`Delete ${title.toLowerCase()}`} title="Delete" onClick={onDelete}>✕</button>
      </span>
    </div>
  );
}

/**
 * A list of rules, Retriers or Catchers: the fieldset with its hint (and a note, such as a Choice's missing rule),
 * each item a group named by its title ("Rule 1", "Retrier 2") with its header and its form (or, for an item that
 * is no JSON object, a pointer to the code view), then the add button. `onItems` gets the moved or shortened list.
 */
export function ItemList({ label, hint, note, itemName, items, summary, form, onItems, addLabel, onAdd, readOnly }: {
  label: string; hint: string; note?: string;
  /** "rule", "Retrier", "Catcher" (ASL's own names keep their capital): the titles are "Rule 1", "Retrier 1"… */
  itemName: string;
  items: readonly JsonValue[]; summary: (item: JsonObject) => ReactNode; form: (item: JsonObject, index: number) => ReactNode;
  onItems: (items: readonly JsonValue[]) => void; addLabel: string; onAdd: () => void; readOnly: boolean;
}) {
  const noun = itemName.charAt(0).toUpperCase() + itemName.slice(1);
  return (
    <fieldset className="ilist" disabled={readOnly} aria-label={label}>
      <p className="ilist__hint">{hint}</p>
      {note && <p className="ilist__problems" role="note">{note}</p>}
      <ol className="ilist__items">
        {items.map((item, index) => (
          <li key={index} className="ilist__item">
            <div role="group" aria-label={`${noun} ${index + 1}`}>
              <ItemHeader
                title={`${noun} ${index + 1}`}
                summary={isObject(item) ? summary(item) : "not an object"}
                index={index}
                count={items.length}
                onMove={(to) => onItems(moveItem(items, index, to))}
                onDelete={() => onItems(removeItem(items, index))}
              />
              {isObject(item) ? form(item, index) : (
                <p className="ilist__problems">This {itemName} is not a JSON object; edit it in the code view.</p>
              )}
            </div>
          </li>
        ))}
      </ol>
      <button type="button" className="ilist__add" onClick={onAdd}>{addLabel}</button>
    </fieldset>
  );
}
