/**
 * A state's Catch list: each Catcher's error names, the state it goes to, and what it passes on (ResultPath
 * in JSONPath, Output in JSONata) and assigns; added, deleted and reordered (the first Catcher whose names
 * match is the one used).
 */
import { arrayField, getField, makeObject, splitStatePointer, stringField, setField, type JsonEntry, type JsonObject, type JsonValue } from "../../asl";
import { ALL, errorEqualsProblems, errorNames, insertionIndex, notNames, withErrorNames } from "./errorNames";
import { ErrorNamesField, ItemList, JsonField, TargetSelect, TextField } from "./listControls";
import { firstOtherTarget, insertItem, replaceItem, setList, setOptional } from "./rules";
import type { StateEditorProps } from "./types";

/** ResultPath from its field: empty removes it (the error output replaces the input), `null` keeps the input. */
export function resultPathFromText(text: string): JsonValue | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return trimmed === "null" ? null : trimmed;
}

export function CatchList({ pointer, state, queryLanguage, targets, onChange, readOnly }: StateEditorProps) {
  const catchers = arrayField(state, "Catch") ?? [];
  const commit = (items: readonly JsonValue[]) => onChange(setList(state, "Catch", items));
  const self = splitStatePointer(pointer)?.name;
  const add = () => {
    const lists = catchers.map((c) => errorNames(arrayField(c, "ErrorEquals")));
    const names = lists.some((list) => list.includes(ALL)) ? ["States.TaskFailed"] : [ALL];
    const target = firstOtherTarget(targets, self) ?? targets[0]; // (a Catcher may go back to its own state: a retry loop)
    const entries: JsonEntry[] = [["ErrorEquals", names]];
    if (target !== undefined) entries.push(["Next", target]);
    commit(insertItem(catchers, insertionIndex(lists), makeObject(entries)));
  };
  return (
    <ItemList
      label="Catch"
      hint="When retries are exhausted, the first Catcher whose names match sends the error on to its state."
      itemName="Catcher"
      items={catchers}
      summary={(catcher) => `${errorNames(arrayField(catcher, "ErrorEquals")).join(", ") || "no errors"} → ${stringField(catcher, "Next") ?? "?"}`}
      form={(catcher, index) => (
        <CatcherForm catcher={catcher} index={index} count={catchers.length} jsonata={queryLanguage === "JSONata"} targets={targets}
          onCatcher={(next) => commit(replaceItem(catchers, index, next))} />
      )}
      onItems={commit}
      addLabel="Add catcher"
      onAdd={add}
      readOnly={readOnly}
    />
  );
}

function CatcherForm({ catcher, index, count, jsonata, targets, onCatcher }: {
  catcher: JsonObject; index: number; count: number; jsonata: boolean; targets: readonly string[]; onCatcher: (next: JsonObject) => void;
}) {
  const names = errorNames(arrayField(catcher, "ErrorEquals"));
  const resultPath = getField(catcher, "ResultPath");
  const context = `Catcher ${index + 1}`;
  return (
    <div className="ilist__grid">
      <ErrorNamesField context={context} names={names} problems={[...errorEqualsProblems(names, index, count, "Catcher"), ...notNames(getField(catcher, "ErrorEquals"))]}
        onChange={(next) => onCatcher(setField(catcher, "ErrorEquals", withErrorNames(getField(catcher, "ErrorEquals"), next)))} />
      <TargetSelect context={context} value={stringField(catcher, "Next")} targets={targets} onChange={(target) => onCatcher(setField(catcher, "Next", target))} />
      {jsonata ? (
        <JsonField label="Output" context={context} template value={getField(catcher, "Output")} onCommit={(value) => onCatcher(setOptional(catcher, "Output", value))}
          hint="What the next state gets: JSON or an expression, e.g. {% $states.errorOutput %}; empty: the error output." />
      ) : (
        <TextField
          label="Result path"
          context={context}
          text={resultPath === null ? "null" : typeof resultPath === "string" ? resultPath : ""}
          mono
          placeholder="$ (the error output replaces the input)"
          problems={typeof resultPath === "string" && !resultPath.startsWith("$") ? ["A path such as $.error."] : []}
          hint="Where the error output goes, e.g. $.error; null keeps the input unchanged."
          onCommit={(text) => void onCatcher(setOptional(catcher, "ResultPath", resultPathFromText(text)))}
        />
      )}
      <JsonField label="Assign" context={context} object value={getField(catcher, "Assign")} onCommit={(value) => onCatcher(setOptional(catcher, "Assign", value))} />
    </div>
  );
}
