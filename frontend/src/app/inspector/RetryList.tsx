/**
 * A state's Retry list: each Retrier's error names, interval, attempts, backoff, delay cap and jitter; added,
 * deleted and reordered (the first Retrier whose names match an error is the one used). An emptied number
 * field removes its key, so the ASL default applies (shown as the placeholder).
 */
import { arrayField, getField, makeObject, numberValue, stringField, setField, type JsonObject, type JsonValue } from "../../asl";
import { ALL, errorEqualsProblems, errorNames, insertionIndex, notNames, withErrorNames } from "./errorNames";
import { ErrorNamesField, ItemList, SelectField, TextField } from "./listControls";
import { insertItem, numberText, parseNumberField, replaceItem, RETRIER_NUMBERS, setList, setOptional } from "./rules";
import type { StateEditorProps } from "./types";

const JITTER = [
  { value: "", label: "Default (NONE)" },
  { value: "FULL", label: "FULL" },
  { value: "NONE", label: "NONE" },
];

/** "States.Timeout · 3 attempts · 1 s ×2": what the header says about a Retrier. */
export function retrierSummary(retrier: JsonObject): string {
  const names = errorNames(arrayField(retrier, "ErrorEquals")).join(", ") || "no errors";
  const attempts = numberValue(getField(retrier, "MaxAttempts")) ?? 3;
  const interval = numberValue(getField(retrier, "IntervalSeconds")) ?? 1;
  const rate = getField(retrier, "BackoffRate");
  if (attempts === 0) return `${names} · never retried`;
  return `${names} · ${attempts} attempt${attempts === 1 ? "" : "s"} · ${interval} s ×${rate === undefined ? "2" : numberText(rate)}`;
}

export function RetryList({ state, onChange, readOnly }: StateEditorProps) {
  const retriers = arrayField(state, "Retry") ?? [];
  const commit = (items: readonly JsonValue[]) => onChange(setList(state, "Retry", items));
  const add = () => {
    const lists = retriers.map((r) => errorNames(arrayField(r, "ErrorEquals")));
    const at = insertionIndex(lists);
    const names = lists.some((list) => list.includes(ALL)) ? ["States.TaskFailed"] : [ALL];
    commit(insertItem(retriers, at, makeObject([["ErrorEquals", names]])));
  };
  return (
    <ItemList
      label="Retry"
      hint="On an error, the first Retrier whose names match retries the state; when its attempts run out, Catch takes over."
      itemName="Retrier"
      items={retriers}
      summary={retrierSummary}
      form={(retrier, index) => (
        <RetrierForm retrier={retrier} index={index} count={retriers.length} onRetrier={(next) => commit(replaceItem(retriers, index, next))} />
      )}
      onItems={commit}
      addLabel="Add retrier"
      onAdd={add}
      readOnly={readOnly}
    />
  );
}

function RetrierForm({ retrier, index, count, onRetrier }: { retrier: JsonObject; index: number; count: number; onRetrier: (next: JsonObject) => void }) {
  const names = errorNames(arrayField(retrier, "ErrorEquals"));
  const context = `Retrier ${index + 1}`;
  return (
    <div className="ilist__grid">
      <ErrorNamesField context={context} names={names} problems={[...errorEqualsProblems(names, index, count, "Retrier"), ...notNames(getField(retrier, "ErrorEquals"))]}
        onChange={(next) => onRetrier(setField(retrier, "ErrorEquals", withErrorNames(getField(retrier, "ErrorEquals"), next)))} />
      {RETRIER_NUMBERS.map(({ key, label, placeholder, spec }) => (
        <TextField
          key={key}
          label={label}
          context={context}
          text={numberText(getField(retrier, key))}
          placeholder={placeholder}
          inputMode={spec.integer ? "numeric" : "decimal"}
          onCommit={(text) => {
            const parsed = parseNumberField(text, spec);
            if (!parsed.ok) return parsed.error;
            onRetrier(setOptional(retrier, key, parsed.value));
            return undefined;
          }}
        />
      ))}
      <SelectField
        label="Jitter"
        context={context}
        value={stringField(retrier, "JitterStrategy") ?? ""}
        options={JITTER}
        onChange={(value) => onRetrier(setOptional(retrier, "JitterStrategy", value || undefined))}
      />
    </div>
  );
}
