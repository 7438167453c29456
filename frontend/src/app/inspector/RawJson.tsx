/**
 * The whole state (or the machine's own fields) as JSON text: edit, then Apply replaces it as one undo step.
 * Text that does not parse, or is not an object, changes nothing and says why. The state keeps its name:
 * names are keys of States, not fields of the state.
 */
import { useContext, useId } from "react";
import { isObject, stringify, type JsonObject } from "../../asl";
import { ReadOnlyContext } from "./controls";
import { parseJsonText } from "./fields";
import { useDraft } from "./useDraft";

export function RawJson({ label, value, onApply }: { label: string; value: JsonObject; onApply: (next: JsonObject) => void }) {
  const id = useId();
  const readOnly = useContext(ReadOnlyContext);
  const text = stringify(value, 2);
  // Unlike the field controls, leaving the textarea does not commit: Apply or Ctrl/Cmd+Enter does, Revert reverts.
  const { draft, setDraft, error, commit, revert } = useDraft(text, (draft) => {
    const parsed = parseJsonText(draft);
    if ("error" in parsed) return parsed.error;
    if (!isObject(parsed.value)) return "Expected a JSON object ({ ... })";
    if (stringify(parsed.value, 2) !== text) onApply(parsed.value);
    return undefined;
  });

  return (
    <div className="inspector__field inspector__raw">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="inspector__control inspector__control--mono"
        value={draft}
        rows={Math.min(24, Math.max(4, draft.split("\n").length))}
        spellCheck={false}
        disabled={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            commit();
          }
        }}
      />
      {error && <p id={`${id}-error`} className="inspector__error" role="alert">{error}</p>}
      <div className="inspector__actions">
        <button type="button" onClick={commit} disabled={readOnly || draft === text}>Apply JSON</button>
        <button type="button" onClick={revert} disabled={readOnly || draft === text}>Revert</button>
      </div>
    </div>
  );
}
