import { describe, expect, it } from "vitest";
import { parseJson, type JsonValue } from "../../asl";
import { ALL, ERROR_NAMES, errorEqualsProblems, errorNames, insertionIndex, notNames, parseErrorNames, withErrorNames } from "./errorNames";

describe("error names", () => {
  it("suggests the predefined names, States.ALL first, each once", () => {
    const names = ERROR_NAMES.map(([name]) => name);
    expect(names[0]).toBe(ALL);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["States.Timeout", "States.TaskFailed", "States.Http.Socket", "States.QueryEvaluationError"]));
  });

  it("splits typed or pasted names on commas and new lines, not on spaces", () => {
    expect(parseErrorNames(" States.Timeout, States.TaskFailed\nMy Error,, States.Timeout ")).toEqual([
      "States.Timeout",
      "States.TaskFailed",
      "My Error",
    ]);
    expect(parseErrorNames(" , ")).toEqual([]);
    expect(errorNames(["A", 1, "B"])).toEqual(["A", "B"]);
  });

  it("says, as the validator does, that States.ALL stands alone and last, and that a list is never empty", () => {
    expect(errorEqualsProblems([ALL], 1, 2, "Catcher")).toEqual([]);
    expect(errorEqualsProblems([], 0, 1, "Retrier")).toEqual(["Add at least one error name."]);
    expect(errorEqualsProblems([ALL, "States.Timeout"], 1, 2, "Retrier")).toEqual(["States.ALL must be the only error name of its Retrier."]);
    expect(errorEqualsProblems([ALL], 0, 2, "Catcher")).toEqual([
      "A Catcher with States.ALL must be the last one: the ones after it are never reached.",
    ]);
    expect(errorEqualsProblems(["States.Timeout"], 0, 2, "Catcher")).toEqual([]);
  });

  it("puts a new entry before a last catch-all, which must stay last", () => {
    expect(insertionIndex([])).toBe(0);
    expect(insertionIndex([["States.Timeout"]])).toBe(1);
    expect(insertionIndex([["States.Timeout"], [ALL]])).toBe(1);
  });

  it("keeps ErrorEquals' entries that are not names through an edit of the chips, and says so", () => {
    const stored = parseJson('["A", 7, "B", {"x": 1}]') as JsonValue;
    expect(withErrorNames(stored, ["B", "C"])).toEqual([7, "B", parseJson('{"x": 1}'), "C"]);
    expect(withErrorNames(undefined, ["A"])).toEqual(["A"]);
    expect(withErrorNames("States.ALL", ["A"])).toEqual(["A"]);
    expect(notNames(stored)).toEqual(['Not error names: 7, {"x":1}; edit them in the code view.']);
    expect(notNames(["A"])).toEqual([]);
  });
});
