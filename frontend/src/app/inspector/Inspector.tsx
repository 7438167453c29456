/**
 * The inspector: forms for the selected state (StateInspector), or for the machine's own fields when nothing
 * is selected. It owns the link to the store: each committed form value is one `store.edit` (one undo step),
 * a state's new JSON set at its pointer; a rename goes through the canvas's `rename` edit, so references and
 * positions follow and the selection moves to the new pointer.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { scopeAt, scopeStates, setValue, splitStatePointer, stateAt, stringField, type AslDocument, type JsonObject } from "../../asl";
import { rename } from "../edits";
import { ErrorBoundary } from "../ErrorBoundary";
import { useDesigner, useDesignerStore } from "../store";
import type { TemplateEnv } from "../templates";
import { FieldControl, ReadOnlyContext, SelectControl } from "./controls";
import { MAX_SECONDS, queryLanguageOf, setChoice, type FieldSpec } from "./fields";
import { knownResources } from "./resources";
import { StateInspector, type GroupName } from "./StateInspector";

export interface InspectorProps {
  readonly selected: readonly string[];
  readonly onSelect: (ids: string[]) => void;
  readonly readOnly: boolean;
  readonly env: TemplateEnv;
}

const CLOSED_AT_FIRST: readonly GroupName[] = ["Raw JSON"];

export function Inspector({ selected, onSelect, readOnly, env }: InspectorProps) {
  const store = useDesignerStore();
  const doc = useDesigner((state) => state.history.present.doc);
  const resources = useMemo(() => knownResources(env), [env]);
  // Which groups are open outlives the selection: closing Output keeps it closed for the next state.
  const [closed, setClosed] = useState<ReadonlySet<GroupName>>(() => new Set(CLOSED_AT_FIRST));
  const isOpen = useCallback((group: GroupName) => !closed.has(group), [closed]);
  const onToggle = useCallback((group: GroupName) => setClosed((old) => {
    const next = new Set(old);
    if (!next.delete(group)) next.add(group);
    return next;
  }), []);

  // The selection can name states an undo or the code view took away: only those still there count.
  const states = selected.filter((id) => stateAt(doc, id) !== undefined);
  // A rename remounts the forms (key={pointer}); the state renamed through the Name field gets its focus back.
  const renamedTo = useRef<string | undefined>(undefined);
  const shown = states.length === 1 ? states[0] : undefined;
  useEffect(() => {
    if (renamedTo.current === shown) renamedTo.current = undefined;
  }, [shown]);
  let body;
  if (states.length === 0) {
    // (editDocument: one undo step per field; replaceDocument is the code view's, joining quick changes)
    body = <MachineInspector doc={doc} onChange={(next) => store.editDocument(() => next)} />;
  } else if (states.length > 1) {
    body = <p className="inspector__note">{states.length} states selected. Select one to edit its fields.</p>;
  } else {
    const pointer = states[0];
    const state = stateAt(doc, pointer)!;
    const { scope, name } = splitStatePointer(pointer)!;
    const targets = scopeStates(scopeAt(doc, scope)?.object ?? doc).map(([target]) => target);
    const onChange = (next: JsonObject) => {
      if (next !== state) store.edit((present) => ({ ...present, doc: setValue(present.doc, pointer, next) }));
    };
    const onRename = (newName: string): string | undefined => {
      const trimmed = newName.trim();
      if (trimmed === name) return undefined;
      try {
        rename(store.present, pointer, trimmed); // (to report a taken or empty name here, by the field)
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
      let renamed: string | undefined;
      store.edit((present) => {
        const result = rename(present, pointer, trimmed);
        renamed = result.pointer;
        return result.snapshot;
      });
      if (renamed) {
        renamedTo.current = renamed;
        onSelect([renamed]);
      }
      return undefined;
    };
    body = (
      <StateInspector
        key={pointer}
        pointer={pointer}
        name={name}
        state={state}
        queryLanguage={queryLanguageOf(state, doc)}
        machineLanguage={queryLanguageOf(doc, doc)}
        targets={targets}
        onChange={onChange}
        onRename={onRename}
        focusName={renamedTo.current === pointer}
        readOnly={readOnly}
        resources={resources}
        isOpen={isOpen}
        onToggle={onToggle}
      />
    );
  }

  const title = states.length === 1 ? `State ${splitStatePointer(states[0])!.name}` : states.length === 0 ? "State machine" : "Selection";
  return (
    <ReadOnlyContext.Provider value={readOnly}>
      <div className="inspector">
        <h2 className="inspector__title">{title}</h2>
        {readOnly && <p className="inspector__note">Read-only: you may look at the fields, not change them.</p>}
        {/* (a new selection remounts the boundary; an edit, an undo or the code view changes `doc`: both retry) */}
        <ErrorBoundary key={states.join("\n")} resetKey={doc} what={states.length === 1 ? "The inspector could not show this state" : "The inspector could not show this"}>
          {body}
        </ErrorBoundary>
      </div>
    </ReadOnlyContext.Provider>
  );
}

const MACHINE_FIELDS: readonly FieldSpec[] = [
  { key: "Comment", kind: "string", section: "Configuration" },
  { key: "TimeoutSeconds", kind: "integer", section: "Configuration", hint: "The whole execution's limit", range: { min: 0, max: MAX_SECONDS } },
  { key: "Version", kind: "string", section: "Configuration", hint: "The ASL version, \"1.0\"" },
];

/** The machine's own fields (when no state is selected). */
function MachineInspector({ doc, onChange }: { doc: AslDocument; onChange: (next: AslDocument) => void }) {
  const language = "JSONPath"; // (the machine's TimeoutSeconds is a number in either language)
  const names = scopeStates(doc).map(([name]) => name);
  const startAt = stringField(doc, "StartAt") ?? "";
  return (
    <>
      <p className="inspector__note">Select a state on the graph to edit it; these are the machine&rsquo;s own fields.</p>
      {MACHINE_FIELDS.slice(0, 1).map((spec) => <FieldControl key={spec.key} spec={spec} obj={doc} language={language} onChange={onChange} />)}
      <SelectControl label="StartAt" value={startAt}
        options={[...(startAt === "" ? [{ value: "", label: "(none)" }] : []), ...names.map((name) => ({ value: name, label: name }))]}
        onChange={(name) => onChange(setChoice(doc, "StartAt", name))} />
      {MACHINE_FIELDS.slice(1).map((spec) => <FieldControl key={spec.key} spec={spec} obj={doc} language={language} onChange={onChange} />)}
      <SelectControl label="QueryLanguage" value={stringField(doc, "QueryLanguage") ?? ""}
        options={[{ value: "", label: "(default: JSONPath)" }, { value: "JSONPath", label: "JSONPath" }, { value: "JSONata", label: "JSONata" }]}
        onChange={(value) => onChange(setChoice(doc, "QueryLanguage", value))} />
    </>
  );
}
