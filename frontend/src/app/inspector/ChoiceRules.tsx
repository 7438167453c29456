/**
 * A Choice state's rules: each with its target, its condition and its optional Comment, Assign and (JSONata)
 * Output; rules added, deleted and reordered. A JSONPath condition is built from comparisons (Variable,
 * operator, a value typed for the operator) combined with And / Or / Not to any depth; a JSONata one is a
 * Condition expression. Each finished edit is one `onChange` of the whole state (rules.ts does the JSON).
 */
import { useId } from "react";
import { arrayField, getField, makeObject, ruleSummary, splitStatePointer, stringField, setField, type JsonObject, type JsonValue } from "../../asl";
import { itemLabel, ItemList, JsonField, SelectField, TargetSelect, TextField } from "./listControls";
import {
  addOperand,
  conditionAt,
  conditionFromText,
  conditionKind,
  conditionKinds,
  conditionProblem,
  conditionText,
  convertCondition,
  firstOtherTarget,
  insertItem,
  operandProblem,
  operandText,
  operands,
  operandType,
  OPERATOR_GROUPS,
  newCondition,
  removeOperand,
  replaceItem,
  ruleOperator,
  setList,
  setOperand,
  setOperator,
  setOptional,
  updateConditionAt,
  variableProblem,
  type ConditionKind,
  type RulePath,
} from "./rules";
import type { StateEditorProps } from "./types";

const KIND_LABELS: Record<ConditionKind, string> = {
  comparison: "Comparison",
  And: "And (all of)",
  Or: "Or (any of)",
  Not: "Not",
};

const PLACEHOLDERS: Record<string, string> = {
  string: "text",
  pattern: "pattern, * for any text",
  number: "e.g. 1000",
  timestamp: "2016-03-14T01:59:00Z",
  path: "$.limit",
};

type Edit = (path: RulePath, fn: (condition: JsonObject) => JsonObject) => void;

export function ChoiceRules({ pointer, state, queryLanguage, targets, onChange, readOnly }: StateEditorProps) {
  const rules = arrayField(state, "Choices") ?? [];
  const commit = (items: readonly JsonValue[]) => onChange(setList(state, "Choices", items, { required: true }));
  const jsonata = queryLanguage === "JSONata";
  const addRule = () => {
    const target = firstOtherTarget(targets, splitStatePointer(pointer)?.name);
    const condition: JsonObject = jsonata ? makeObject([["Condition", "{% true %}"]]) : newCondition();
    commit(insertItem(rules, rules.length, target === undefined ? condition : setField(condition, "Next", target)));
  };

  return (
    <ItemList
      label="Choice rules"
      hint="Rules are tried from the top; the first that matches picks the next state, otherwise Default does. Moving a rule changes that order."
      note={rules.length === 0 ? "A Choice state needs at least one rule." : undefined}
      itemName="rule"
      items={rules}
      summary={(rule) => <><code>{ruleSummary(rule)}</code> → {stringField(rule, "Next") ?? "?"}</>}
      form={(rule, index) => (
        <RuleForm rule={rule} label={`Rule ${index + 1}`} jsonata={jsonata} targets={targets} onRule={(next) => next !== rule && commit(replaceItem(rules, index, next))} />
      )}
      onItems={commit}
      addLabel="Add rule"
      onAdd={addRule}
      readOnly={readOnly}
    />
  );
}

function RuleForm({ rule, label, jsonata, targets, onRule }: {
  rule: JsonObject; label: string; jsonata: boolean; targets: readonly string[]; onRule: (next: JsonObject) => void;
}) {
  const edit: Edit = (path, fn) => onRule(updateConditionAt(rule, path, fn));
  return (
    <div className="ilist__grid">
      <TargetSelect context={label} value={stringField(rule, "Next")} targets={targets} onChange={(target) => onRule(setField(rule, "Next", target))} />
      {jsonata ? (
        <TextField
          label="Condition"
          context={label}
          text={conditionText(getField(rule, "Condition"))}
          mono
          wide
          placeholder="{% $states.input.amount > 1000 %}"
          hint="A JSONata expression (the {% %} are added if left out), or true / false."
          problems={getField(rule, "Condition") === undefined ? ["Enter a condition."] : []}
          onCommit={(text) => {
            onRule(text.trim() === "" ? rule : setField(rule, "Condition", conditionFromText(text)));
            return text.trim() === "" ? "Enter a condition." : undefined;
          }}
        />
      ) : (
        <ConditionForm rule={rule} path={[]} label={label} edit={edit} />
      )}
      <TextField label="Comment" context={label} text={stringField(rule, "Comment") ?? ""} wide onCommit={(text) => void onRule(setOptional(rule, "Comment", text || undefined))} />
      <JsonField label="Assign" context={label} object value={getField(rule, "Assign")} onCommit={(value) => onRule(setOptional(rule, "Assign", value))}
        hint="Variables set when this rule matches." />
      {jsonata && <JsonField label="Output" context={label} template value={getField(rule, "Output")} onCommit={(value) => onRule(setOptional(rule, "Output", value))} />}
    </div>
  );
}

/** The condition at `path` inside `rule`: its kind, then a comparison's fields or a combinator's operands. */
function ConditionForm({ rule, path, label, edit }: { rule: JsonObject; path: RulePath; label: string; edit: Edit }) {
  const condition = conditionAt(rule, path);
  if (!condition) return <p className="ilist__problems">This condition is not a JSON object; edit it in the code view.</p>;
  const kind = conditionKind(condition);
  const top = path.length === 0;
  const problem = conditionProblem(condition);
  return (
    <>
      <SelectField
        label="Condition type"
        context={label}
        value={kind}
        options={conditionKinds(condition).map((k) => ({ value: k, label: KIND_LABELS[k] }))}
        onChange={(to) => edit(path, (c) => convertCondition(c, to as ConditionKind))}
      />
      {kind === "comparison" ? (
        <Comparison condition={condition} problem={problem} context={label} onEdit={(fn) => edit(path, fn)} />
      ) : (
        <div className="ilist__field ilist__field--wide">
          {problem && <p className="ilist__problems">{problem}</p>}
          <ol className="ilist__conditions">
            {kind === "Not" ? (
              <li className="ilist__condition">
                <div className="ilist__grid" role="group" aria-label={`${label}${top ? ", negated condition" : ", negated"}`}>
                  <ConditionForm rule={rule} path={[...path, "Not"]} label={`${label}${top ? ", negated condition" : ", negated"}`} edit={edit} />
                </div>
              </li>
            ) : (
              operands(condition).map((_, j, all) => {
                const childLabel = top ? `${label}, condition ${j + 1}` : `${label}.${j + 1}`;
                return (
                  <li key={j} className="ilist__condition">
                    <div role="group" aria-label={childLabel}>
                      <div className="ilist__condition-head">
                        <span>{j === 0 ? "" : kind === "And" ? "and" : "or"}</span>
                        <button type="button" aria-label={`Remove ${childLabel.toLowerCase()}`} title="Remove" disabled={all.length <= 1}
                          onClick={() => edit(path, (c) => removeOperand(c, j))}>✕</button>
                      </div>
                      <div className="ilist__grid">
                        <ConditionForm rule={rule} path={[...path, kind, j]} label={childLabel} edit={edit} />
                      </div>
                    </div>
                  </li>
                );
              })
            )}
          </ol>
          {kind !== "Not" && (
            <button type="button" className="ilist__add" onClick={() => edit(path, addOperand)}>
              Add condition{top ? ` to ${label.toLowerCase()}` : ` to ${label}`}
            </button>
          )}
        </div>
      )}
    </>
  );
}

function Comparison({ condition, problem, context, onEdit }: {
  condition: JsonObject; problem: string | undefined; context: string; onEdit: (fn: (c: JsonObject) => JsonObject) => void;
}) {
  const operator = ruleOperator(condition);
  const value = operator === undefined ? undefined : getField(condition, operator);
  const type = operator === undefined ? undefined : operandType(operator);
  const valueProblem = operator === undefined ? undefined : operandProblem(operator, value);
  return (
    <>
      <TextField
        label="Variable"
        context={context}
        text={stringField(condition, "Variable") ?? ""}
        mono
        placeholder="$.amount"
        problems={[variableProblem(getField(condition, "Variable"))].filter((p): p is string => p !== undefined)}
        onCommit={(text) => void onEdit((c) => setField(c, "Variable", text.trim()))}
      />
      <OperatorSelect operator={operator} problem={problem} context={context} onChange={(op) => onEdit((c) => setOperator(c, op))} />
      {operator !== undefined && (type === "boolean" || type === "test") ? (
        <SelectField
          label="Value"
          context={context}
          value={operandText(value)}
          options={[{ value: "true", label: "true" }, { value: "false", label: type === "test" ? "false (is not)" : "false" }]}
          onChange={(text) => onEdit((c) => { const r = setOperand(c, text); return r.ok ? r.rule : c; })}
        />
      ) : operator !== undefined ? (
        <TextField
          label="Value"
          context={context}
          text={operandText(value)}
          mono={type !== "string"}
          inputMode={type === "number" ? "decimal" : undefined}
          placeholder={PLACEHOLDERS[type ?? "string"]}
          problems={valueProblem ? [valueProblem] : []}
          onCommit={(text) => {
            const result = setOperand(condition, text);
            if (!result.ok) return result.error;
            onEdit(() => result.rule);
            return undefined;
          }}
        />
      ) : null}
    </>
  );
}

function OperatorSelect({ operator, problem, context, onChange }: {
  operator: string | undefined; problem: string | undefined; context: string; onChange: (operator: string) => void;
}) {
  const id = useId();
  return (
    <div className="ilist__field">
      <label htmlFor={id}>Operator</label>
      <select
        id={id}
        className="inspector__control ilist__control"
        value={operator ?? ""}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        aria-label={itemLabel(context, "Operator")}
        onChange={(event) => onChange(event.target.value)}
      >
        {operator === undefined && <option value="" disabled>Choose…</option>}
        {OPERATOR_GROUPS.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.operators.map((op) => <option key={op} value={op}>{op}</option>)}
          </optgroup>
        ))}
      </select>
      {problem && <p id={`${id}-problem`} className="ilist__problems">{problem}</p>}
    </div>
  );
}
