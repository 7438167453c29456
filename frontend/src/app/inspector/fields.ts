/**
 * The inspector's forms as data: which fields each state type has in each query language, which section
 * they go in, and how a field's text maps to its JSON value and back. Pure, so vitest checks it.
 *
 * A form shows each field as text; committing the text sets the field (an existing key keeps its place, a
 * new one is appended), an empty text removes it, text that does not parse changes nothing and comes back
 * with a message. Text equal to what the field showed changes nothing either, so a number written `10.0` or
 * `1e3` keeps its text unless the user edits it.
 */
import {
  getField,
  isNumber,
  JsonSyntaxError,
  numberValue,
  parseJson,
  removeField,
  setField,
  stringify,
  type JsonObject,
  type JsonValue,
} from "../../asl";

export type QueryLanguage = "JSONPath" | "JSONata";
export type Section = "Configuration" | "Input" | "Output";

/**
 * How a field's text becomes its value:
 * - `string`: the text as a string (Comment, Resource, Error...).
 * - `path`: a JSONPath (or reference path) as a string.
 * - `nullablePath`: the same, or `null` for JSON null: only InputPath / OutputPath (null means `{}`) and
 *   ResultPath (null discards the result) may be null.
 * - `integer` / `number`: a JSON number (its text kept); in JSONata also a `{% %}` expression string.
 * - `json`: any JSON value (Result, Parameters, ResultSelector, Credentials, ItemReader...).
 * - `template`: JSONata's Output / Arguments / Items: JSON, or a bare `{% %}` expression taken as its string.
 */
export type FieldKind = "string" | "path" | "nullablePath" | "integer" | "number" | "json" | "template";

export interface FieldSpec {
  readonly key: string;
  readonly kind: FieldKind;
  readonly section: Section;
  /** Shown under the control. */
  readonly hint?: string;
  /** Shown only when the state already has the field (Map's legacy Parameters). */
  readonly legacy?: boolean;
  /** An integer or number field's range, as the validator checks it. */
  readonly range?: Range;
}

export interface Range {
  readonly min?: number;
  readonly max?: number;
}

/** ASLS common.json `seconds` (designer/asl/validation/values.py MAX_SECONDS). */
export const MAX_SECONDS = 99_999_999;
const SECONDS: Range = { min: 1, max: MAX_SECONDS };

// Which fields each state type accepts, per query language: the same table as the server's validator
// (designer/asl/validation/fields.py ALLOWED, after the ASL spec's per-type field lists).
const COMMON = ["Type", "Comment", "QueryLanguage"];
const PATH_IO = ["InputPath", "OutputPath"];
const TRANSITION = ["Next", "End"];
const RESULT = ["ResultPath", "Parameters", "ResultSelector"];
const ERRORS = ["Retry", "Catch"];
const MAP_COMMON = ["Assign", "ItemProcessor", "Iterator", "ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter",
  "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "Label"];

const ALLOWED: Record<QueryLanguage, Record<string, readonly string[]>> = {
  JSONPath: {
    Pass: [...COMMON, ...PATH_IO, ...TRANSITION, "Assign", "ResultPath", "Parameters", "Result"],
    Task: [...COMMON, ...PATH_IO, ...TRANSITION, ...RESULT, ...ERRORS, "Assign", "Resource", "TimeoutSeconds",
      "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"],
    Choice: [...COMMON, ...PATH_IO, "Assign", "Choices", "Default"],
    Wait: [...COMMON, ...PATH_IO, ...TRANSITION, "Assign", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"],
    Succeed: [...COMMON, ...PATH_IO],
    Fail: [...COMMON, "Error", "ErrorPath", "Cause", "CausePath"],
    Parallel: [...COMMON, ...PATH_IO, ...TRANSITION, ...RESULT, ...ERRORS, "Assign", "Branches"],
    Map: [...COMMON, ...PATH_IO, ...TRANSITION, ...RESULT, ...ERRORS, ...MAP_COMMON, "ItemsPath", "MaxConcurrencyPath",
      "ToleratedFailurePercentagePath", "ToleratedFailureCountPath"],
  },
  JSONata: {
    Pass: [...COMMON, ...TRANSITION, "Output", "Assign"],
    Task: [...COMMON, ...TRANSITION, ...ERRORS, "Output", "Assign", "Arguments", "Resource", "TimeoutSeconds",
      "HeartbeatSeconds", "Credentials"],
    Choice: [...COMMON, "Output", "Assign", "Choices", "Default"],
    Wait: [...COMMON, ...TRANSITION, "Output", "Assign", "Seconds", "Timestamp"],
    Succeed: [...COMMON, "Output"],
    Fail: [...COMMON, "Error", "Cause"],
    Parallel: [...COMMON, ...TRANSITION, ...ERRORS, "Output", "Assign", "Arguments", "Branches"],
    Map: [...COMMON, ...TRANSITION, ...ERRORS, ...MAP_COMMON, "Output", "Items"],
  },
};

export const STATE_TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"] as const;

/** The fields a state of `type` may have in `language` (empty for an unknown type). */
export function allowedFields(type: string | undefined, language: QueryLanguage): ReadonlySet<string> {
  // (Object.hasOwn: a Type such as "constructor" or "__proto__" must not find Object.prototype's members)
  const table = ALLOWED[language];
  return new Set(type !== undefined && Object.hasOwn(table, type) ? table[type] : []);
}

/**
 * The plain fields the forms show, in the order they appear. The other allowed fields have their own
 * controls (Type, Next/End, QueryLanguage, the Wait choice, Default, Choices, Branches, the Map processor)
 * or editors of their own (Retry, Catch).
 */
const FIELDS: readonly FieldSpec[] = [
  // Configuration
  { key: "Resource", kind: "string", section: "Configuration" },
  { key: "Result", kind: "json", section: "Configuration", hint: "The state's result, replacing the input" },
  { key: "Error", kind: "string", section: "Configuration" },
  { key: "ErrorPath", kind: "path", section: "Configuration" },
  { key: "Cause", kind: "string", section: "Configuration" },
  { key: "CausePath", kind: "path", section: "Configuration" },
  { key: "ItemsPath", kind: "path", section: "Configuration", hint: "Where the items are in the input" },
  { key: "Items", kind: "template", section: "Configuration", hint: "A JSON array or a {% %} expression" },
  { key: "ItemSelector", kind: "json", section: "Configuration", hint: "Each item's input" },
  { key: "Parameters", kind: "json", section: "Configuration", legacy: true, hint: "Legacy name of ItemSelector" },
  { key: "MaxConcurrency", kind: "integer", section: "Configuration", range: { min: 0 }, hint: "0: no limit" },
  { key: "MaxConcurrencyPath", kind: "path", section: "Configuration" },
  { key: "ToleratedFailureCount", kind: "integer", section: "Configuration", range: { min: 0 } },
  { key: "ToleratedFailureCountPath", kind: "path", section: "Configuration" },
  { key: "ToleratedFailurePercentage", kind: "number", section: "Configuration", range: { min: 0, max: 100 } },
  { key: "ToleratedFailurePercentagePath", kind: "path", section: "Configuration" },
  { key: "ItemReader", kind: "json", section: "Configuration" },
  { key: "ItemBatcher", kind: "json", section: "Configuration" },
  { key: "ResultWriter", kind: "json", section: "Configuration" },
  { key: "Label", kind: "string", section: "Configuration" },
  { key: "TimeoutSeconds", kind: "integer", section: "Configuration", range: SECONDS },
  { key: "TimeoutSecondsPath", kind: "path", section: "Configuration" },
  { key: "HeartbeatSeconds", kind: "integer", section: "Configuration", range: SECONDS },
  { key: "HeartbeatSecondsPath", kind: "path", section: "Configuration" },
  { key: "Credentials", kind: "json", section: "Configuration", hint: "e.g. {\"RoleArn\": \"...\"}" },
  { key: "Comment", kind: "string", section: "Configuration" },
  // Input
  { key: "InputPath", kind: "nullablePath", section: "Input" },
  { key: "Parameters", kind: "json", section: "Input", hint: "The task's input: a JSON object (\"key.$\": \"$.path\" selects)" },
  { key: "Arguments", kind: "template", section: "Input", hint: "A JSON object or a {% %} expression" },
  // Output
  { key: "ResultSelector", kind: "json", section: "Output" },
  { key: "ResultPath", kind: "nullablePath", section: "Output", hint: "Where the result goes in the input; null discards it" },
  { key: "OutputPath", kind: "nullablePath", section: "Output" },
  { key: "Output", kind: "template", section: "Output", hint: "JSON or a {% %} expression" },
  { key: "Assign", kind: "json", section: "Output", hint: "Variables: {\"name\": value, ...}" },
];

// maps.py: a JSONata ItemSelector is a template, so a bare {% %} expression will do.
const JSONATA_ITEM_SELECTOR: FieldSpec = { key: "ItemSelector", kind: "template", section: "Configuration", hint: "Each item's input: JSON or a {% %} expression" };

/** The plain fields a state shows in a section, in form order. */
export function sectionFields(state: JsonObject, language: QueryLanguage, section: Section): FieldSpec[] {
  const type = stringValue(getField(state, "Type"));
  const allowed = allowedFields(type, language);
  return FIELDS.filter((spec) => {
    if (spec.section !== section || !allowed.has(spec.key)) return false;
    // Map: Parameters is ItemSelector's legacy name, shown in Configuration only when it is there.
    if (spec.key === "Parameters") return type === "Map" ? spec.legacy === true && getField(state, "Parameters") !== undefined : !spec.legacy;
    return true;
  }).map((spec) => (spec.key === "ItemSelector" && language === "JSONata" ? JSONATA_ITEM_SELECTOR : spec));
}

function stringValue(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Text <-> value

/** What a field shows for its value ("" when it is absent). */
export function fieldText(value: JsonValue | undefined, kind: FieldKind): string {
  if (value === undefined) return "";
  if (typeof value === "string" && kind !== "json" && kind !== "template") return value;
  if (typeof value === "string" && kind === "template" && isExpression(value)) return value;
  return stringify(value, kind === "json" || kind === "template" ? 2 : 0);
}

export type Parsed = { readonly value: JsonValue | undefined } | { readonly error: string };

const isExpression = (text: string) => text.startsWith("{%") && text.endsWith("%}");

// The validator reads integers with Python's json: `5.0` and `1e2` are floats there, and refused.
const INTEGER = /^-?(0|[1-9]\d*)$/;

/** The value for a field's text (undefined: remove the field), or why the text is not one. */
export function parseFieldText(text: string, kind: FieldKind, language: QueryLanguage, range: Range = {}): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { value: undefined };
  switch (kind) {
    case "string":
      return { value: text };
    case "path":
      return trimmed === "null" ? { error: "Expected a path such as $.value (null is not allowed here)" } : { value: trimmed };
    case "nullablePath":
      return { value: trimmed === "null" ? null : trimmed };
    case "integer":
    case "number": {
      // JSONata: numeric fields take an expression instead ("{% $states.input.timeout %}").
      if (language === "JSONata" && isExpression(trimmed)) return { value: trimmed };
      const value = parseQuietly(trimmed);
      if (value === undefined || !isNumber(value)) {
        return { error: language === "JSONata" ? "Expected a number or a {% %} expression" : "Expected a number" };
      }
      const number = typeof value === "number" ? value : value.value;
      if (kind === "integer" && !INTEGER.test(trimmed)) return { error: "Expected a whole number, written without a point or exponent" };
      return rangeProblem(number, range) ?? { value };
    }
    case "template":
      if (isExpression(trimmed)) return { value: trimmed };
      return parseJsonText(trimmed);
    case "json":
      return parseJsonText(trimmed);
  }
}

function rangeProblem(number: number, { min, max }: Range): { error: string } | undefined {
  if (min !== undefined && number < min) return { error: max !== undefined ? `Expected ${min} to ${max}` : `Expected ${min} or more` };
  if (max !== undefined && number > max) return { error: min !== undefined ? `Expected ${min} to ${max}` : `Expected ${max} or less` };
  return undefined;
}

function parseQuietly(text: string): JsonValue | undefined {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

/** JSON text as a value, or the parser's message (with its line and column). */
export function parseJsonText(text: string): Parsed {
  try {
    return { value: parseJson(text) };
  } catch (error) {
    return { error: error instanceof JsonSyntaxError ? `Invalid JSON: ${error.message}` : String(error) };
  }
}

export type Applied = { readonly next: JsonObject } | { readonly error: string };

/**
 * `obj` with `key` set from `text` (removed when empty). The same object when the text is what the field
 * already shows, or the same JSON laid out otherwise, so an untouched number keeps its text and nothing
 * is committed.
 */
export function applyFieldText(obj: JsonObject, key: string, text: string, kind: FieldKind, language: QueryLanguage, range?: Range): Applied {
  if (text === fieldText(getField(obj, key), kind)) return { next: obj };
  const parsed = parseFieldText(text, kind, language, range);
  if ("error" in parsed) return parsed;
  if (sameJson(parsed.value, getField(obj, key))) return { next: obj }; // (only the layout of the text changed)
  return { next: parsed.value === undefined ? removeField(obj, key) : setField(obj, key, parsed.value) };
}

/**
 * The same JSON, key order and number texts included (`2.50` is not `2.5` here: the text is what is saved),
 * whatever the whitespace of the text it came from.
 */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || stringify(a, 0) === stringify(b, 0);
}

/** `obj` with `key` = `value` (a select's choice), removed when `value` is "". */
export function setChoice(obj: JsonObject, key: string, value: string): JsonObject {
  if (value === "") return removeField(obj, key);
  return getField(obj, key) === value ? obj : setField(obj, key, value);
}

/**
 * A query language as the validator reads it (context.py effective_language): absent, the inherited one;
 * exactly "JSONPath", JSONPath; any other value (wrong case, wrong type, null) JSONata, reported apart.
 */
export function effectiveLanguage(declared: JsonValue | undefined, inherited: QueryLanguage): QueryLanguage {
  if (declared === undefined) return inherited;
  return declared === "JSONPath" ? "JSONPath" : "JSONata";
}

/** The query language in force for a state: its own, else the machine's, else JSONPath. */
export function queryLanguageOf(state: JsonObject, machine: JsonObject): QueryLanguage {
  return effectiveLanguage(getField(state, "QueryLanguage"), effectiveLanguage(getField(machine, "QueryLanguage"), "JSONPath"));
}

/**
 * What a state's QueryLanguage select offers. ASL: a state may only move from JSONPath to JSONata, never
 * back, so a JSONata machine's states get JSONata alone. A stored value that is not offered is listed as
 * not allowed, so the select shows the truth until the user picks another.
 */
export function queryLanguageChoices(stored: JsonValue | undefined, machine: QueryLanguage): { value: string; label: string }[] {
  const choices = [{ value: "", label: `(the machine's: ${machine})` }];
  if (machine === "JSONPath") choices.push({ value: "JSONPath", label: "JSONPath" });
  choices.push({ value: "JSONata", label: "JSONata" });
  if (stored !== undefined && !choices.some((choice) => choice.value === stored)) {
    const text = typeof stored === "string" ? stored : stringify(stored, 0);
    choices.push({ value: text, label: `${text} (not allowed${stored === "JSONPath" ? " in a JSONata machine" : ""})` });
  }
  return choices;
}

/**
 * The fields a state has that its type does not allow in its query language (say InputPath after a switch
 * to JSONata): the forms show none of them, so the inspector lists them to be removed. Nothing for a state
 * of an unknown type, whose every field would be listed.
 */
export function misplacedFields(state: JsonObject, language: QueryLanguage): { key: string; reason: string }[] {
  const type = stringValue(getField(state, "Type"));
  const allowed = allowedFields(type, language);
  if (allowed.size === 0) return [];
  const other = allowedFields(type, language === "JSONPath" ? "JSONata" : "JSONPath");
  return state.entries
    .filter(([key]) => !allowed.has(key))
    .map(([key]) => ({ key, reason: other.has(key) ? `a ${language === "JSONPath" ? "JSONata" : "JSONPath"} field` : `not a field of a ${type}` }));
}

// Pairs of which a state may have one field only (a value, or the path it is read from), as the validator's
// `exclusive` checks them (states.py Fail, task.py, maps.py); in JSONata the second of each is not allowed at all.
const EXCLUSIVE: readonly (readonly [type: string, a: string, b: string])[] = [
  ["Fail", "Error", "ErrorPath"],
  ["Fail", "Cause", "CausePath"],
  ["Task", "TimeoutSeconds", "TimeoutSecondsPath"],
  ["Task", "HeartbeatSeconds", "HeartbeatSecondsPath"],
  ["Map", "MaxConcurrency", "MaxConcurrencyPath"],
  ["Map", "ToleratedFailureCount", "ToleratedFailureCountPath"],
  ["Map", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"],
  ["Map", "ItemSelector", "Parameters"],
];

/** What the validator would say about the state's fields taken together, by field: both of a pair, a heartbeat not under the timeout. */
export function fieldProblems(state: JsonObject): Map<string, string> {
  const type = stringValue(getField(state, "Type"));
  const problems = new Map<string, string>();
  for (const [pairType, a, b] of EXCLUSIVE) {
    if (pairType !== type || getField(state, a) === undefined || getField(state, b) === undefined) continue;
    const message = `Set ${a} or ${b}, not both: empty one of them.`;
    problems.set(a, message);
    problems.set(b, message);
  }
  const timeout = numberValue(getField(state, "TimeoutSeconds"));
  const heartbeat = numberValue(getField(state, "HeartbeatSeconds"));
  if (type === "Task" && timeout !== undefined && heartbeat !== undefined && heartbeat >= timeout && !problems.has("HeartbeatSeconds")) {
    problems.set("HeartbeatSeconds", `HeartbeatSeconds must be smaller than TimeoutSeconds (${timeout}).`);
  }
  return problems;
}
