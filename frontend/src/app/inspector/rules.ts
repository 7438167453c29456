/**
 * The model behind the Choice rule builder and the Retry and Catch lists: pure functions from JSON to JSON,
 * so every edit the forms make is testable without a DOM.
 *
 * Edits keep what they do not know: a rule's unknown keys, a number's text (`2.0` stays `2.0`), the position
 * of every existing key (an operator replaced by another takes its place; new keys are appended). A JSONPath
 * condition is addressed inside its top-level rule by a path of keys and indices (`["And", 1, "Not"]`), so a
 * nested editor hands its edit up as `(path, fn)` and the rule is rebuilt once.
 */
import {
  fieldIndex,
  getField,
  isArray,
  isNumber,
  isObject,
  jsonEquals,
  makeObject,
  parseJson,
  removeField,
  replaceField,
  setField,
  stringify,
  type JsonArray,
  type JsonEntry,
  type JsonNumber,
  type JsonObject,
  type JsonValue,
} from "../../asl";

// ---------------------------------------------------------------------------------------------------------
// Lists (Choices, Retry, Catch)

export function moveItem(items: JsonArray, from: number, to: number): JsonArray {
  if (to < 0 || to >= items.length || from === to) return items;
  const out = items.slice();
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

export function removeItem(items: JsonArray, index: number): JsonArray {
  return items.filter((_, i) => i !== index);
}

export function insertItem(items: JsonArray, index: number, item: JsonValue): JsonArray {
  const out = items.slice();
  out.splice(index, 0, item);
  return out;
}

export function replaceItem(items: JsonArray, index: number, item: JsonValue): JsonArray {
  if (items[index] === item) return items;
  const out = items.slice();
  out[index] = item;
  return out;
}

/**
 * The target a new rule or Catcher starts with: the scope's first state other than the one being edited
 * (a Choice rule pointing at its own state loops forever once it matches), or none to choose yet.
 */
export function firstOtherTarget(targets: readonly string[], self: string | undefined): string | undefined {
  return targets.find((target) => target !== self);
}

/** Sets `key` to a list; an empty optional list (Retry, Catch) removes the key instead. */
export function setList(state: JsonObject, key: string, items: JsonArray, { required = false } = {}): JsonObject {
  return items.length === 0 && !required ? removeField(state, key) : setField(state, key, items);
}

/** Sets a field, or removes it when `value` is undefined (an emptied form field). */
export function setOptional(obj: JsonObject, key: string, value: JsonValue | undefined): JsonObject {
  return value === undefined ? removeField(obj, key) : setField(obj, key, value);
}

// ---------------------------------------------------------------------------------------------------------
// Field texts

export type Parsed = { readonly ok: true; readonly value: JsonValue | undefined } | { readonly ok: false; readonly error: string };

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** A number as the user typed it: a plain number when JS prints it the same way, else its text is kept. */
export function numberFromText(text: string): number | JsonNumber | undefined {
  const trimmed = text.trim();
  if (!JSON_NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return String(value) === trimmed ? value : { kind: "number", value, text: trimmed };
}

export function numberText(value: JsonValue | undefined): string {
  if (typeof value === "number") return String(value);
  if (isNumber(value)) return (value as JsonNumber).text;
  return value === undefined ? "" : stringify(value, 0);
}

export interface NumberSpec {
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
}

/** A number field's text: empty removes the key (the default applies); otherwise a number within the spec's range. */
export function parseNumberField(text: string, spec: NumberSpec): Parsed {
  if (text.trim() === "") return { ok: true, value: undefined };
  const value = numberFromText(text);
  if (value === undefined) return { ok: false, error: spec.integer ? "Enter a whole number." : "Enter a number." };
  const n = typeof value === "number" ? value : value.value;
  // (the validator reads `5.0` and `1e2` as floats, which an integer field refuses)
  if (spec.integer && !/^-?(0|[1-9]\d*)$/.test(text.trim())) return { ok: false, error: "Enter a whole number (no point or exponent)." };
  if (n < spec.min || n > spec.max) return { ok: false, error: `Enter a number from ${spec.min} to ${spec.max}.` };
  return { ok: true, value };
}

/** The text a JSON field (Assign, Output) shows. */
export function jsonFieldText(value: JsonValue | undefined): string {
  return value === undefined ? "" : stringify(value, 2);
}

/** A JSON field's text: empty removes the key; Assign must be an object. */
export function parseJsonField(text: string, { object = false } = {}): Parsed {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    const value = parseJson(text);
    if (object && !isObject(value)) return { ok: false, error: "Enter a JSON object, e.g. {\"total\": \"$.total\"}." };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Choice operators (ASL §Choice Rules)

export type OperandType = "string" | "pattern" | "number" | "boolean" | "timestamp" | "path" | "test";

const RELATIONS = ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"];
const withPaths = (names: string[]) => [...names, ...names.map((name) => `${name}Path`)];

/** The operators by the kind of value they compare, in the order the operator select lists them. */
export const OPERATOR_GROUPS: readonly { readonly label: string; readonly operators: readonly string[] }[] = [
  { label: "String", operators: [...withPaths(RELATIONS.map((r) => `String${r}`)), "StringMatches"] },
  { label: "Number", operators: withPaths(RELATIONS.map((r) => `Numeric${r}`)) },
  { label: "Boolean", operators: withPaths(["BooleanEquals"]) },
  { label: "Timestamp", operators: withPaths(RELATIONS.map((r) => `Timestamp${r}`)) },
  { label: "Type test", operators: ["IsPresent", "IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"] },
];

const OPERATORS = new Set(OPERATOR_GROUPS.flatMap((group) => group.operators));

export function isOperator(key: string): boolean {
  return OPERATORS.has(key);
}

export function operandType(operator: string): OperandType {
  if (operator.endsWith("Path")) return "path";
  if (operator === "StringMatches") return "pattern";
  if (operator.startsWith("String")) return "string";
  if (operator.startsWith("Numeric")) return "number";
  if (operator.startsWith("Boolean")) return "boolean";
  if (operator.startsWith("Timestamp")) return "timestamp";
  return "test";
}

/** The text the value input shows for an operand. */
export function operandText(value: JsonValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return numberText(value);
}

/** An operand from the value input's text; only a number can fail (any text is a string, a path or a timestamp). */
export function operandFromText(operator: string, text: string): Parsed {
  const type = operandType(operator);
  if (type === "number") {
    const value = numberFromText(text);
    return value === undefined ? { ok: false, error: "Enter a number, e.g. 1000 or 2.5." } : { ok: true, value };
  }
  if (type === "boolean" || type === "test") return { ok: true, value: text === "true" };
  // A path or a timestamp has no spaces at its ends; a string keeps its own (they are compared).
  return { ok: true, value: type === "path" || type === "timestamp" ? text.trim() : text };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const looksLikePath = (value: string) => value === "$" || /^(\$\.|\$\[|\$\$)/.test(value);

/** What the validator would say about an operand (its messages in short), or undefined when it is fine. */
export function operandProblem(operator: string, value: JsonValue | undefined): string | undefined {
  const type = operandType(operator);
  switch (type) {
    case "number":
      return isNumber(value) ? undefined : "Enter a number.";
    case "boolean":
    case "test":
      return typeof value === "boolean" ? undefined : "Choose true or false.";
    case "path":
      return typeof value === "string" && value.startsWith("$") ? undefined : "A path starts with $ (e.g. $.limit, $$.Execution.Id, $var).";
    case "timestamp":
      if (typeof value !== "string" || !TIMESTAMP.test(value)) return "Use an RFC 3339 timestamp, e.g. 2016-03-14T01:59:00Z.";
      return undefined;
    default:
      if (typeof value !== "string") return "Enter a text value.";
      if (looksLikePath(value) && OPERATORS.has(`${operator}Path`)) {
        return `Compared as literal text; to compare with the value at this path use ${operator}Path.`;
      }
      return undefined;
  }
}

export function variableProblem(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value.startsWith("$") ? undefined : "A path such as $.amount (or $var for a variable).";
}

/** An operand for `operator`, keeping what it can of the old one (a text stays a text, a number a number). */
function convertOperand(operator: string, old: JsonValue | undefined): JsonValue {
  switch (operandType(operator)) {
    case "number":
      return isNumber(old) ? old : (typeof old === "string" ? numberFromText(old) : undefined) ?? 0;
    case "boolean":
    case "test":
      return typeof old === "boolean" ? old : true;
    case "path":
      return typeof old === "string" && old.startsWith("$") ? old : "$.value";
    default:
      return typeof old === "string" ? old : isNumber(old) ? numberText(old) : "";
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSONPath conditions

export type ConditionKind = "comparison" | "And" | "Or" | "Not";
export type RulePath = readonly (string | number)[];

const COMBINATORS = ["And", "Or", "Not"] as const;

/** What a rule tests: a comparison (Variable and one operator) or a combinator; a rule with neither is a comparison to fill in. */
export function conditionKind(rule: JsonObject): ConditionKind {
  return COMBINATORS.find((key) => getField(rule, key) !== undefined) ?? "comparison";
}

/** The comparison operator a rule uses (the first, should hand-written JSON hold several). */
export function ruleOperator(rule: JsonObject): string | undefined {
  return rule.entries.find(([key]) => OPERATORS.has(key))?.[0];
}

/** The operands of an And / Or (a Not's one operand as a list of one). */
export function operands(rule: JsonObject): JsonValue[] {
  const kind = conditionKind(rule);
  if (kind === "comparison") return [];
  const value = getField(rule, kind);
  return kind === "Not" ? [value ?? null] : isArray(value) ? value.slice() : [];
}

/** The placeholder a new condition starts as (the canvas's own: see app/edits.ts). */
export function newCondition(): JsonObject {
  return makeObject([["Variable", "$.value"], ["IsPresent", true]]);
}

const isConditionKey = (key: string) => key === "Variable" || OPERATORS.has(key) || (COMBINATORS as readonly string[]).includes(key);

/** Replaces the condition keys of `rule` by `entries`, where the first of them stood (appended if none was there). */
function replaceCondition(rule: JsonObject, entries: readonly JsonEntry[]): JsonObject {
  const at = rule.entries.findIndex(([key]) => isConditionKey(key));
  const kept = rule.entries.filter(([key]) => !isConditionKey(key));
  const index = at < 0 ? kept.length : rule.entries.slice(0, at).filter(([key]) => !isConditionKey(key)).length;
  return makeObject([...kept.slice(0, index), ...entries.filter(([key]) => !hasKey(kept, key)), ...kept.slice(index)]);
}

const hasKey = (entries: readonly JsonEntry[], key: string) => entries.some(([k]) => k === key);

/** The rule's condition alone (its Variable, operator or combinator), as a rule of its own. */
function conditionOf(rule: JsonObject): JsonObject {
  const entries = rule.entries.filter(([key]) => isConditionKey(key));
  return entries.length ? makeObject(entries) : newCondition();
}

/**
 * The kinds a rule's condition can be turned into without losing a test: a comparison can be wrapped in
 * And / Or / Not; an And / Or becomes the other freely, or a Not (of its one operand, or of the whole group);
 * a combinator turns back into a comparison only when it holds exactly one, which then stands alone.
 */
export function conditionKinds(rule: JsonObject): ConditionKind[] {
  const kind = conditionKind(rule);
  if (kind === "comparison") return ["comparison", "And", "Or", "Not"];
  const items = operands(rule);
  const single = items.length === 1 && isObject(items[0]) && conditionKind(items[0]) === "comparison" && !unwrapLoses(rule, items[0]);
  return single ? ["comparison", "And", "Or", "Not"] : ["And", "Or", "Not"];
}

/** Whether the operand, put in the rule's place, would lose one of its own keys (a Comment) to the rule's. */
function unwrapLoses(rule: JsonObject, operand: JsonObject): boolean {
  return operand.entries.some(([key, value]) => {
    if (isConditionKey(key)) return false;
    const theirs = getField(rule, key);
    return theirs !== undefined && !jsonEquals(theirs, value);
  });
}

/** Turns the rule's condition into `to` (see conditionKinds); the rule's other keys (Next, Comment, ...) stay put. */
export function convertCondition(rule: JsonObject, to: ConditionKind): JsonObject {
  const from = conditionKind(rule);
  if (from === to || !conditionKinds(rule).includes(to)) return rule;
  if (from === "comparison") return replaceCondition(rule, [[to, to === "Not" ? conditionOf(rule) : [conditionOf(rule)]]]);
  const items = operands(rule);
  if (to === "comparison") return replaceCondition(rule, (items[0] as JsonObject).entries);
  if (to === "Not") {
    const inner = items.length === 1 ? items[0] : makeObject([[from, items]]);
    return replaceField(rule, from, "Not", inner);
  }
  return replaceField(rule, from, to, items); // And <-> Or, or Not -> And / Or of its one operand
}

/** The sub-rule at `path` (undefined when the path leads nowhere). */
export function conditionAt(rule: JsonObject, path: RulePath): JsonObject | undefined {
  let current: JsonValue | undefined = rule;
  for (const step of path) {
    if (typeof step === "number") current = isArray(current) ? current[step] : undefined;
    else current = isObject(current) ? getField(current, step) : undefined;
  }
  return isObject(current) ? current : undefined;
}

/** Replaces the sub-rule at `path` by `fn` of it; the rule is returned unchanged when the path leads nowhere. */
export function updateConditionAt(rule: JsonObject, path: RulePath, fn: (sub: JsonObject) => JsonObject): JsonObject {
  if (path.length === 0) return fn(rule);
  const [key, index, ...rest] = path;
  if (typeof key !== "string") return rule;
  const value = getField(rule, key);
  if (typeof index === "number") {
    const item = isArray(value) ? value[index] : undefined;
    if (!isArray(value) || !isObject(item)) return rule;
    return setField(rule, key, replaceItem(value, index, updateConditionAt(item, rest, fn)));
  }
  if (!isObject(value)) return rule;
  return setField(rule, key, updateConditionAt(value, index === undefined ? [] : [index, ...rest], fn));
}

/** Sets the comparison operator, keeping the operand where it still makes sense (see convertOperand). */
export function setOperator(rule: JsonObject, operator: string): JsonObject {
  const current = ruleOperator(rule);
  const value = convertOperand(operator, current === undefined ? undefined : getField(rule, current));
  if (current === undefined) {
    const at = fieldIndex(rule, "Variable");
    return setField(rule, operator, value, at < 0 ? undefined : at + 1);
  }
  return replaceField(rule, current, operator, value);
}

/** Sets the comparison's operand from the value input's text. */
export function setOperand(rule: JsonObject, text: string): { ok: true; rule: JsonObject } | { ok: false; error: string } {
  const operator = ruleOperator(rule) ?? "StringEquals";
  const parsed = operandFromText(operator, text);
  if (!parsed.ok) return parsed;
  return { ok: true, rule: setField(rule, operator, parsed.value!) };
}

/** Appends a new comparison to an And / Or. */
export function addOperand(rule: JsonObject): JsonObject {
  const kind = conditionKind(rule);
  if (kind !== "And" && kind !== "Or") return rule;
  return setField(rule, kind, [...operands(rule), newCondition()]);
}

/** Removes operand `index` of an And / Or (never the last one: an empty And is invalid ASL). */
export function removeOperand(rule: JsonObject, index: number): JsonObject {
  const kind = conditionKind(rule);
  const items = operands(rule);
  if ((kind !== "And" && kind !== "Or") || items.length <= 1) return rule;
  return setField(rule, kind, removeItem(items, index));
}

/** What is wrong with a condition's own shape (not its children's), or undefined. */
export function conditionProblem(rule: JsonObject): string | undefined {
  const kind = conditionKind(rule);
  if (kind === "And" || kind === "Or") {
    if (!isArray(getField(rule, kind))) return `${kind} must be a list of conditions; fix it in the code view.`;
    return operands(rule).length ? undefined : `${kind} needs at least one condition.`;
  }
  if (kind === "Not") return isObject(getField(rule, "Not")) ? undefined : "Not needs a condition.";
  const count = rule.entries.filter(([key]) => OPERATORS.has(key)).length;
  if (count === 0) return "Choose an operator.";
  if (count > 1) return "A comparison has exactly one operator; edit the extra ones in the code view.";
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// JSONata conditions

/** The Condition input's text: the string as written, or `true` / `false` for a literal. */
export function conditionText(value: JsonValue | undefined): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return "";
}

/**
 * A Condition from its input's text: `true` / `false` are the literals ASL allows; any other text is a JSONata
 * expression, wrapped in `{% %}` when the user left the delimiters out.
 */
export function conditionFromText(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (/^\{%[\s\S]*%\}$/.test(trimmed)) return trimmed;
  return `{% ${trimmed} %}`;
}

// ---------------------------------------------------------------------------------------------------------
// Retriers (ASL §Retrying after error; ranges as in designer/asl/validation/error_handling.py)

const MAX_SECONDS = 99_999_999;

export const RETRIER_NUMBERS: readonly { key: string; label: string; placeholder: string; spec: NumberSpec }[] = [
  { key: "IntervalSeconds", label: "Interval (s)", placeholder: "1", spec: { integer: true, min: 1, max: MAX_SECONDS } },
  { key: "MaxAttempts", label: "Max attempts", placeholder: "3", spec: { integer: true, min: 0, max: MAX_SECONDS } },
  { key: "BackoffRate", label: "Backoff rate", placeholder: "2.0", spec: { integer: false, min: 1, max: MAX_SECONDS } },
  { key: "MaxDelaySeconds", label: "Max delay (s)", placeholder: "none", spec: { integer: true, min: 1, max: 31_622_400 } },
];
