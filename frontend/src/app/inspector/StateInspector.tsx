/**
 * The forms for one state, grouped as AWS Workflow Studio does: Configuration, Input, Output, Error handling,
 * and the state's raw JSON. Only the fields its type allows in its query language are shown (fields.ts).
 */
import { useId, useState, type ReactNode } from "react";
import { getField, removeField, stringField } from "../../asl";
import {
  applyDefault,
  applyProcessor,
  applyTransition,
  applyWait,
  branchesSummary,
  processorOf,
  switchWait,
  transitionOf,
  waitKeyOf,
  waitKinds,
  waitOf,
  type WaitKind,
} from "./composite";
import { FieldControl, Group, SelectControl, TextControl, type Option } from "./controls";
import { allowedFields, fieldProblems, misplacedFields, queryLanguageChoices, sectionFields, setChoice, type FieldSpec, type QueryLanguage, type Section } from "./fields";
import { RawJson } from "./RawJson";
import { describeResource, type KnownResource } from "./resources";
import { CatchList } from "./CatchList";
import { ChoiceRules } from "./ChoiceRules";
import { RetryList } from "./RetryList";
import type { StateEditorProps } from "./types";

export type GroupName = Section | "Error handling" | "Raw JSON";

export interface StateInspectorProps extends StateEditorProps {
  readonly name: string;
  /** Renames the state (references follow); returns why it could not, or undefined. */
  readonly onRename: (name: string) => string | undefined;
  /** Focus the Name field: the forms were remounted by a rename made in it, which would leave the focus nowhere. */
  readonly focusName?: boolean;
  readonly resources: readonly KnownResource[];
  readonly machineLanguage: QueryLanguage;
  readonly isOpen: (group: GroupName) => boolean;
  readonly onToggle: (group: GroupName) => void;
}

export function StateInspector(props: StateInspectorProps) {
  const { state, queryLanguage, onChange, isOpen, onToggle } = props;
  const type = stringField(state, "Type");
  const allowed = allowedFields(type, queryLanguage);
  const fields = (section: Section, only?: (spec: FieldSpec) => boolean) =>
    sectionFields(state, queryLanguage, section)
      .filter((spec) => !only || only(spec))
      .map((spec) => <FieldRow key={`${section}:${spec.key}`} spec={spec} {...props} />);
  const group = (title: GroupName, body: ReactNode) => (
    <Group title={title} open={isOpen(title)} onToggle={() => onToggle(title)}>{body}</Group>
  );
  const input = fields("Input");
  const output = fields("Output");
  const handlesErrors = allowed.has("Retry");

  return (
    <>
      {group("Configuration", (
        <>
          <TextControl label="Name" text={props.name} onCommit={props.onRename} autoFocus={props.focusName} hint="References to the state follow a rename" />
          <p className="inspector__type">Type: <strong>{type ?? "(none)"}</strong></p>
          <MisplacedFields {...props} />
          {type === "Wait" && <WaitControl {...props} />}
          {fields("Configuration", (spec) => spec.key !== "Comment")}
          {type === "Choice" && <Subgroup title="Rules"><ChoiceRules {...props} /></Subgroup>}
          {allowed.has("Default") && (
            <SelectControl label="Default" value={stringField(state, "Default") ?? ""}
              options={[{ value: "", label: "(none: no match fails)" }, ...targetOptions(props.targets)]}
              onChange={(target) => onChange(applyDefault(state, target))} />
          )}
          {type === "Parallel" && <p className="inspector__summary">{branchesSummary(state)}</p>}
          {type === "Map" && <ProcessorControls {...props} />}
          {allowed.has("Next") && <TransitionControl {...props} />}
          {fields("Configuration", (spec) => spec.key === "Comment")}
          <QueryLanguageControl {...props} />
        </>
      ))}
      {input.length > 0 && group("Input", input)}
      {output.length > 0 && group("Output", output)}
      {handlesErrors && group("Error handling", (
        <>
          <Subgroup title="Retry"><RetryList {...props} /></Subgroup>
          <Subgroup title="Catch"><CatchList {...props} /></Subgroup>
        </>
      ))}
      {group("Raw JSON", <RawJson label="State JSON" value={state} onApply={onChange} />)}
    </>
  );
}

/** A titled part of a group: the rules helper's editors (ChoiceRules, RetryList, CatchList), labelled by themselves. */
function Subgroup({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="inspector__subgroup">
      <h4 className="inspector__subheading" aria-hidden="true">{title}</h4>
      {children}
    </div>
  );
}

function FieldRow({ spec, state, queryLanguage, onChange, resources }: StateInspectorProps & { spec: FieldSpec }) {
  const listId = useId();
  if (spec.key !== "Resource") {
    return <FieldControl spec={spec} obj={state} language={queryLanguage} onChange={onChange} problem={fieldProblems(state).get(spec.key)} />;
  }
  // Resource: free text with the known resources as suggestions, and what it runs in words.
  const resource = stringField(state, "Resource") ?? "";
  return (
    <>
      <FieldControl spec={spec} obj={state} language={queryLanguage} onChange={onChange} list={listId}
        hint={resource ? describeResource(resource) ?? "A resource Flowdeck does not describe" : "Pick a known resource or type an ARN"} />
      <datalist id={listId}>
        {resources.map((known) => <option key={known.resource} value={known.resource} label={known.label} />)}
      </datalist>
    </>
  );
}

function targetOptions(targets: readonly string[]): Option[] {
  return targets.map((target) => ({ value: target, label: target }));
}

function TransitionControl({ state, targets, onChange }: StateInspectorProps) {
  const current = transitionOf(state);
  const options: Option[] = [
    ...(current === null ? [{ value: "?", label: "(choose)" }] : []),
    ...targetOptions(targets),
    { value: "", label: "End (the workflow or branch ends)" },
  ];
  return (
    <SelectControl label="Next state" value={current ?? "?"} options={options}
      onChange={(target) => target !== "?" && onChange(applyTransition(state, target))} />
  );
}

/**
 * Which kind of duration the Wait has. The kind the user picked is kept here, so it stays chosen while its
 * value is still to be typed (the state then has none, which the field marks); a kind found in the state
 * (an undo, the code view) takes over.
 */
function WaitControl({ state, queryLanguage, onChange }: StateInspectorProps) {
  const kinds = waitKinds(queryLanguage);
  const stored = waitKeyOf(state);
  const [chosen, setChosen] = useState(stored ?? kinds[0].key);
  const [seen, setSeen] = useState(stored);
  if (stored !== seen) {
    setSeen(stored);
    if (stored !== undefined) setChosen(stored);
  }
  const kind = kinds.find((k) => k.key === chosen) ?? kinds[0];
  const text = stored === kind.key ? waitOf(state, queryLanguage).text : "";
  const commit = (value: string) => {
    const result = applyWait(state, kind.key, value, queryLanguage);
    if ("error" in result) return result.error;
    if (result.next !== state) onChange(result.next);
    return undefined;
  };
  const onKind = (key: string) => {
    const to = key as WaitKind["key"];
    setChosen(to);
    const next = switchWait(state, to);
    if (next !== state) onChange(next);
  };
  return (
    <div className="inspector__pair">
      <SelectControl label="Wait for" value={kind.key} options={kinds.map((k) => ({ value: k.key, label: k.label }))} onChange={onKind} />
      <TextControl label={kind.key} text={text} mono onCommit={commit}
        problem={stored === undefined ? `A Wait needs a duration: enter a value for ${kind.key}.` : undefined}
        hint={kind.key === "Timestamp" ? "e.g. 2026-01-01T00:00:00Z" : kind.kind === "path" ? "e.g. $.delay" : undefined} />
    </div>
  );
}

function QueryLanguageControl({ state, machineLanguage, onChange }: StateInspectorProps) {
  const stored = getField(state, "QueryLanguage");
  const options = queryLanguageChoices(stored, machineLanguage);
  const value = stored === undefined ? "" : typeof stored === "string" ? stored : options[options.length - 1].value;
  const allowed = stored === undefined || stored === "JSONata" || (stored === "JSONPath" && machineLanguage === "JSONPath");
  return (
    <SelectControl label="QueryLanguage" value={value} options={options}
      hint={allowed ? undefined : machineLanguage === "JSONata" ? "A state of a JSONata machine can only be JSONata." : "Choose JSONPath or JSONata."}
      onChange={(language) => onChange(setChoice(state, "QueryLanguage", language))} />
  );
}

/** Fields the state has but may not (another language's, unknown ones): the forms leave them out, so they are listed here. */
function MisplacedFields({ state, queryLanguage, onChange }: StateInspectorProps) {
  const misplaced = misplacedFields(state, queryLanguage);
  if (misplaced.length === 0) return null;
  return (
    <ul className="inspector__misplaced" aria-label="Fields not allowed here">
      {misplaced.map(({ key, reason }) => (
        <li key={key}>
          Not allowed here: <code>{key}</code> ({reason}){" "}
          <button type="button" aria-label={`Remove ${key}`} onClick={() => onChange(removeField(state, key))}>Remove</button>
        </li>
      ))}
    </ul>
  );
}

function ProcessorControls({ state, onChange }: StateInspectorProps) {
  const processor = processorOf(state);
  if (!processor.field) return <p className="inspector__hint">No ItemProcessor: add one in Raw JSON.</p>;
  return (
    <div className="inspector__pair">
      <SelectControl label="Processing mode" value={processor.Mode}
        options={[{ value: "", label: "(default: INLINE)" }, { value: "INLINE", label: "INLINE" }, { value: "DISTRIBUTED", label: "DISTRIBUTED" }]}
        onChange={(mode) => onChange(applyProcessor(state, "Mode", mode))} />
      {processor.Mode === "DISTRIBUTED" && (
        <SelectControl label="Execution type" value={processor.ExecutionType}
          options={[...(processor.ExecutionType === "" ? [{ value: "", label: "(choose: required)" }] : []),
            { value: "STANDARD", label: "STANDARD" }, { value: "EXPRESS", label: "EXPRESS" }]}
          hint={processor.ExecutionType === "" ? "A DISTRIBUTED Map needs the type of its child workflows." : undefined}
          onChange={(executionType) => executionType !== "" && onChange(applyProcessor(state, "ExecutionType", executionType))} />
      )}
    </div>
  );
}
