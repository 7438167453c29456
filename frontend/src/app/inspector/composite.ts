/**
 * Form controls that stand for more than one key, or for a key inside a nested object: a Wait's duration
 * (one of Seconds / SecondsPath / Timestamp / TimestampPath), Next-or-End, a Choice's Default, a Map's
 * ProcessorConfig, a Parallel's branches. Pure, like fields.ts, and with the same rules: existing keys keep
 * their place, an emptied value removes its key, invalid text changes nothing.
 */
import {
  arrayField,
  getField,
  hasField,
  isObject,
  makeObject,
  objectField,
  removeField,
  replaceField,
  setField,
  stringField,
  withTransition,
  type JsonObject,
} from "../../asl";
import { fieldText, MAX_SECONDS, parseFieldText, type Applied, type FieldKind, type QueryLanguage, type Range } from "./fields";

// ---------------------------------------------------------------------------------------------------------
// Wait: ASL wants exactly one of these (JSONata: Seconds or Timestamp, each a value or an expression).

export interface WaitKind {
  readonly key: "Seconds" | "SecondsPath" | "Timestamp" | "TimestampPath";
  readonly label: string;
  readonly kind: FieldKind;
  readonly range?: Range;
}

const WAIT_KINDS: Record<QueryLanguage, readonly WaitKind[]> = {
  JSONPath: [
    { key: "Seconds", label: "Seconds", kind: "integer", range: { min: 0, max: MAX_SECONDS } },
    { key: "SecondsPath", label: "Seconds from a path", kind: "path" },
    { key: "Timestamp", label: "Until a timestamp", kind: "string" },
    { key: "TimestampPath", label: "Timestamp from a path", kind: "path" },
  ],
  JSONata: [
    { key: "Seconds", label: "Seconds", kind: "integer", range: { min: 0, max: MAX_SECONDS } },
    { key: "Timestamp", label: "Until a timestamp", kind: "string" },
  ],
};

export function waitKinds(language: QueryLanguage): readonly WaitKind[] {
  return WAIT_KINDS[language];
}

/** The Wait's duration key in use (the first there is; Seconds for a new one) and its text. */
export function waitOf(state: JsonObject, language: QueryLanguage): { kind: WaitKind; text: string } {
  const kinds = WAIT_KINDS[language];
  const present = WAIT_KINDS.JSONPath.find((kind) => hasField(state, kind.key));
  const kind = kinds.find((candidate) => candidate.key === present?.key) ?? kinds[0];
  return { kind, text: present ? fieldText(getField(state, present.key), kind.kind) : "" };
}

/** The duration key the Wait has (the first of them, should it hold several), or undefined. */
export function waitKeyOf(state: JsonObject): WaitKind["key"] | undefined {
  return WAIT_KINDS.JSONPath.find((kind) => hasField(state, kind.key))?.key;
}

// The validator's timestamp (values.py _TIMESTAMP; it also checks the date is a real one).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isExpression = (text: string) => /^\{%[\s\S]*%\}$/.test(text.trim());

const isPathKey = (key: string) => key.endsWith("Path");

/**
 * The Wait after the user picked another kind of duration: the value moves to the new key where it still
 * means something (a path from SecondsPath to TimestampPath, a JSONata expression between Seconds and
 * Timestamp), else the old key goes and the new one waits for a value (10 seconds are no timestamp).
 */
export function switchWait(state: JsonObject, to: WaitKind["key"]): JsonObject {
  const from = waitKeyOf(state);
  if (from === undefined || from === to) return state;
  const value = getField(state, from);
  const keeps = typeof value === "string" && (isPathKey(from) && isPathKey(to)
    ? true
    : !isPathKey(from) && !isPathKey(to) && isExpression(value));
  return keeps ? replaceField(state, from, to, value) : removeField(state, from);
}

/** The Wait with its duration as `key` = `text`, in the place of the one it had (empty text: none). */
export function applyWait(state: JsonObject, key: WaitKind["key"], text: string, language: QueryLanguage): Applied {
  const current = waitOf(state, language);
  const present = WAIT_KINDS.JSONPath.find((kind) => hasField(state, kind.key))?.key;
  if (present === key && current.text === text) return { next: state };
  const kind = WAIT_KINDS[language].find((candidate) => candidate.key === key) ?? WAIT_KINDS.JSONPath.find((k) => k.key === key)!;
  const parsed = parseFieldText(kind.kind === "string" ? text.trim() : text, kind.kind, language, kind.range);
  if ("error" in parsed) return parsed;
  if (key === "Timestamp" && typeof parsed.value === "string" && !(language === "JSONata" && isExpression(parsed.value)) && !TIMESTAMP.test(parsed.value)) {
    return { error: `Expected an RFC 3339 timestamp such as 2026-01-01T00:00:00Z${language === "JSONata" ? ", or a {% %} expression" : ""}` };
  }
  if (parsed.value === undefined) return { next: present ? removeField(state, present) : state };
  return { next: present ? replaceField(state, present, key, parsed.value) : setField(state, key, parsed.value) };
}

// ---------------------------------------------------------------------------------------------------------
// Transitions

/** A state's Next target, "" for End (or neither yet: null). */
export function transitionOf(state: JsonObject): string | null {
  const next = stringField(state, "Next");
  if (next !== undefined) return next;
  return getField(state, "End") === true ? "" : null;
}

/** Next = `target`, or End with "" (Next and End take each other's place). */
export function applyTransition(state: JsonObject, target: string): JsonObject {
  return withTransition(state, target === "" ? null : target);
}

/** A Choice's Default = `target`, removed with "". */
export function applyDefault(state: JsonObject, target: string): JsonObject {
  return target === "" ? removeField(state, "Default") : setField(state, "Default", target);
}

// ---------------------------------------------------------------------------------------------------------
// Map: ItemProcessor.ProcessorConfig (or the legacy Iterator's)

export type ProcessorKey = "Mode" | "ExecutionType";

/** The Map's processor field (ItemProcessor, or legacy Iterator) and its ProcessorConfig values. */
export function processorOf(state: JsonObject): { field?: "ItemProcessor" | "Iterator"; Mode: string; ExecutionType: string } {
  const field = objectField(state, "ItemProcessor") ? "ItemProcessor" : objectField(state, "Iterator") ? "Iterator" : undefined;
  const config = field ? objectField(objectField(state, field), "ProcessorConfig") : undefined;
  return { field, Mode: stringField(config, "Mode") ?? "", ExecutionType: stringField(config, "ExecutionType") ?? "" };
}

/**
 * The Map with ProcessorConfig's `key` = `value` ("" removes it; an emptied ProcessorConfig goes too).
 * ASL: ExecutionType is only for DISTRIBUTED, so choosing INLINE removes it, and DISTRIBUTED needs one.
 */
export function applyProcessor(state: JsonObject, key: ProcessorKey, value: string): JsonObject {
  const { field } = processorOf(state);
  if (!field) return state;
  const processor = objectField(state, field)!;
  let config = objectField(processor, "ProcessorConfig") ?? makeObject();
  config = value === "" ? removeField(config, key) : setField(config, key, value);
  if (key === "Mode" && value !== "DISTRIBUTED") config = removeField(config, "ExecutionType");
  // maps.py: a DISTRIBUTED processor runs child workflows and must name their type; STANDARD is AWS's default pick.
  if (key === "Mode" && value === "DISTRIBUTED" && !hasField(config, "ExecutionType")) config = setField(config, "ExecutionType", "STANDARD");
  const updated = config.entries.length === 0 ? removeField(processor, "ProcessorConfig") : setField(processor, "ProcessorConfig", config);
  return setField(state, field, updated);
}

// ---------------------------------------------------------------------------------------------------------
// Parallel

/** "2 branches: A, B" (each branch by its StartAt). */
export function branchesSummary(state: JsonObject): string {
  const branches = arrayField(state, "Branches") ?? [];
  const starts = branches.map((branch, i) => (isObject(branch) ? stringField(branch, "StartAt") : undefined) ?? `branch ${i + 1}`);
  const count = `${branches.length} ${branches.length === 1 ? "branch" : "branches"}`;
  return starts.length === 0 ? count : `${count}, starting at ${starts.join(", ")}`;
}
