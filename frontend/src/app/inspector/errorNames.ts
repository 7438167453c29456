/**
 * Error names for Retry and Catch: the predefined ones the editors suggest, and the ErrorEquals rules the
 * validator enforces (designer/asl/validation/error_handling.py), checked as the user types so the hint sits
 * next to the field rather than in the problems list after a save.
 */
import { isArray, stringify, type JsonArray, type JsonValue } from "../../asl";

export const ALL = "States.ALL";

/** The predefined names (ASL §Error names, plus the HTTP task's), with a short note for the suggestion list. */
export const ERROR_NAMES: readonly (readonly [name: string, note: string])[] = [
  [ALL, "any error (alone, in the last entry)"],
  ["States.TaskFailed", "any task failure except a timeout"],
  ["States.Timeout", "ran longer than TimeoutSeconds, or missed a heartbeat"],
  ["States.HeartbeatTimeout", "no heartbeat within HeartbeatSeconds"],
  ["States.Permissions", "not allowed to run the task"],
  ["States.ResultPathMatchFailure", "ResultPath cannot be applied to the input"],
  ["States.ParameterPathFailure", "a path in Parameters matched nothing"],
  ["States.QueryEvaluationError", "a JSONata expression failed"],
  ["States.BranchFailed", "a Parallel branch failed"],
  ["States.NoChoiceMatched", "no Choice rule matched and there is no Default"],
  ["States.IntrinsicFailure", "an intrinsic function failed"],
  ["States.ExceedToleratedFailureThreshold", "a Map run failed more items than tolerated"],
  ["States.ItemReaderFailed", "a Map's ItemReader failed"],
  ["States.ResultWriterFailed", "a Map's ResultWriter failed"],
  ["States.Runtime", "terminal: never retried or caught"],
  ["States.DataLimitExceeded", "a payload over the size limit"],
  ["States.Http.Socket", "an HTTP task's connection failed or timed out"],
];

/**
 * Names from a typed or pasted text: comma or newline separated, trimmed, empties and repeats dropped.
 * Error names may contain spaces (they are free text), so a space does not separate.
 */
export function parseErrorNames(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const name = part.trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** ErrorEquals' names (non-strings, which only hand-written JSON can hold, are left out). */
export function errorNames(value: JsonArray | undefined): string[] {
  return (value ?? []).filter((name): name is string => typeof name === "string");
}

/**
 * What is wrong with entry `index` of `count` Retriers or Catchers whose ErrorEquals is `names`, in the
 * validator's words: ASL requires a non-empty list, and States.ALL alone and only in the last entry (an entry
 * after it could never be reached).
 */
export function errorEqualsProblems(names: readonly string[], index: number, count: number, what: "Retrier" | "Catcher"): string[] {
  const problems: string[] = [];
  if (names.length === 0) problems.push("Add at least one error name.");
  if (names.includes(ALL)) {
    if (names.length > 1) problems.push(`${ALL} must be the only error name of its ${what}.`);
    if (index !== count - 1) problems.push(`A ${what} with ${ALL} must be the last one: the ones after it are never reached.`);
  }
  return problems;
}

/**
 * Where a new Retrier or Catcher goes: before a last entry that catches States.ALL (which must stay last),
 * else at the end.
 */
export function insertionIndex(entries: readonly (readonly string[])[]): number {
  const last = entries[entries.length - 1];
  return last?.includes(ALL) ? entries.length - 1 : entries.length;
}

/**
 * ErrorEquals after the chips changed the names to `names`: the names that stay keep their places, new ones
 * are appended, and entries that are no names (hand-written JSON) stay where they were, for the validator to
 * report and the user to fix, rather than vanishing with an unrelated edit.
 */
export function withErrorNames(stored: JsonValue | undefined, names: readonly string[]): JsonValue[] {
  const kept = (isArray(stored) ? stored : []).filter((entry) => typeof entry !== "string" || names.includes(entry));
  return [...kept, ...names.filter((name) => !kept.includes(name))];
}

/** The entries of ErrorEquals that are not names, as a problem for the chips' field (or none). */
export function notNames(stored: JsonValue | undefined): string[] {
  const odd = (isArray(stored) ? stored : []).filter((entry) => typeof entry !== "string");
  return odd.length ? [`Not error names: ${odd.map((entry) => stringify(entry, 0)).join(", ")}; edit them in the code view.`] : [];
}
