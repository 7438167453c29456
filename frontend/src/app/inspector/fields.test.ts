import { describe, expect, it } from "vitest";
import { importAsl, keys, stringify, type JsonObject } from "../../asl";
import {
  allowedFields,
  applyFieldText,
  effectiveLanguage,
  fieldProblems,
  fieldText,
  misplacedFields,
  parseFieldText,
  queryLanguageChoices,
  queryLanguageOf,
  sameJson,
  sectionFields,
  setChoice,
  STATE_TYPES,
  type QueryLanguage,
  type Section,
} from "./fields";

const state = (text: string): JsonObject => importAsl(text);
const shown = (obj: JsonObject, language: QueryLanguage, section: Section) =>
  sectionFields(obj, language, section).map((spec) => spec.key);

function applied(obj: JsonObject, key: string, text: string, kind: Parameters<typeof applyFieldText>[3], language: QueryLanguage = "JSONPath") {
  const result = applyFieldText(obj, key, text, kind, language);
  if ("error" in result) throw new Error(result.error);
  return result.next;
}

describe("which fields each state type has", () => {
  it("follows the ASL field lists of each type", () => {
    const task = state('{"Type": "Task"}');
    expect(shown(task, "JSONPath", "Input")).toEqual(["InputPath", "Parameters"]);
    expect(shown(task, "JSONPath", "Output")).toEqual(["ResultSelector", "ResultPath", "OutputPath", "Assign"]);
    expect(shown(task, "JSONPath", "Configuration")).toEqual([
      "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Comment"]);
    // Succeed and Fail have no ResultPath; Fail has no InputPath/OutputPath either.
    expect(shown(state('{"Type": "Succeed"}'), "JSONPath", "Output")).toEqual(["OutputPath"]);
    expect(shown(state('{"Type": "Fail"}'), "JSONPath", "Output")).toEqual([]);
    expect(shown(state('{"Type": "Fail"}'), "JSONPath", "Configuration")).toEqual(["Error", "ErrorPath", "Cause", "CausePath", "Comment"]);
    // A Pass has Result and Parameters, not ResultSelector.
    expect(shown(state('{"Type": "Pass"}'), "JSONPath", "Output")).toEqual(["ResultPath", "OutputPath", "Assign"]);
    expect(shown(state('{"Type": "Pass"}'), "JSONPath", "Configuration")).toEqual(["Result", "Comment"]);
  });

  it("has JSONata's fields for JSONata states: Arguments and Output, no paths", () => {
    const task = state('{"Type": "Task"}');
    expect(shown(task, "JSONata", "Input")).toEqual(["Arguments"]);
    expect(shown(task, "JSONata", "Output")).toEqual(["Output", "Assign"]);
    expect(shown(task, "JSONata", "Configuration")).toEqual(["Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", "Comment"]);
    expect(shown(state('{"Type": "Fail"}'), "JSONata", "Configuration")).toEqual(["Error", "Cause", "Comment"]);
    expect(shown(state('{"Type": "Succeed"}'), "JSONata", "Output")).toEqual(["Output"]);
    expect(shown(state('{"Type": "Map"}'), "JSONata", "Input")).toEqual([]);
    expect(shown(state('{"Type": "Pass"}'), "JSONata", "Configuration")).toEqual(["Comment"]);
    // A JSONata ItemSelector is a template: a bare {% %} expression will do.
    const kindOf = (language: QueryLanguage) => sectionFields(state('{"Type": "Map"}'), language, "Configuration").find((spec) => spec.key === "ItemSelector")?.kind;
    expect(kindOf("JSONata")).toBe("template");
    expect(kindOf("JSONPath")).toBe("json");
  });

  it("has Retry and Catch only where ASL allows them", () => {
    const withErrors = STATE_TYPES.filter((type) => allowedFields(type, "JSONPath").has("Catch"));
    expect(withErrors).toEqual(["Task", "Parallel", "Map"]);
    expect(STATE_TYPES.filter((type) => allowedFields(type, "JSONata").has("Retry"))).toEqual(["Task", "Parallel", "Map"]);
    expect(allowedFields("Choice", "JSONPath").has("Next")).toBe(false);
    expect(allowedFields("Nonsense", "JSONPath").size).toBe(0);
    // Names of Object.prototype's members are unknown types too, not its functions.
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(allowedFields(type, "JSONPath").size).toBe(0);
      expect(shown(state(`{"Type": "${type}"}`), "JSONata", "Configuration")).toEqual([]);
    }
  });

  it("shows a Map's legacy Parameters only when it has one, in Configuration", () => {
    const map = state('{"Type": "Map", "ItemSelector": {}}');
    expect(shown(map, "JSONPath", "Configuration")).not.toContain("Parameters");
    expect(shown(map, "JSONPath", "Input")).toEqual(["InputPath"]);
    const legacy = state('{"Type": "Map", "Parameters": {"a.$": "$$.Map.Item.Value"}}');
    expect(shown(legacy, "JSONPath", "Configuration")).toContain("Parameters");
    expect(shown(map, "JSONPath", "Configuration")).toEqual([
      "ItemsPath", "ItemSelector", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
      "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader", "ItemBatcher", "ResultWriter", "Label", "Comment"]);
    expect(shown(map, "JSONata", "Configuration")).toEqual([
      "Items", "ItemSelector", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "ItemReader",
      "ItemBatcher", "ResultWriter", "Label", "Comment"]);
  });
});

describe("field text and JSON", () => {
  const task = state('{"Type": "Task", "Resource": "r", "TimeoutSeconds": 1e2, "x-owner": {"team": 7}, "End": true}');

  it("sets an existing key in its place and appends a new one; unknown fields survive", () => {
    const next = applied(applied(task, "TimeoutSeconds", "30", "integer"), "ResultPath", "$.out", "path");
    expect(keys(next)).toEqual(["Type", "Resource", "TimeoutSeconds", "x-owner", "End", "ResultPath"]);
    expect(stringify(next, 0)).toBe('{"Type":"Task","Resource":"r","TimeoutSeconds":30,"x-owner":{"team":7},"End":true,"ResultPath":"$.out"}');
  });

  it("removes the key when the text is emptied", () => {
    const next = applied(task, "Resource", "", "string");
    expect(keys(next)).toEqual(["Type", "TimeoutSeconds", "x-owner", "End"]);
    expect(applied(task, "Comment", "  ", "string")).toBe(task); // (absent and empty: nothing to do)
  });

  it("keeps a number's text when it is committed unchanged, and the text of a new one", () => {
    expect(fieldText(task.entries[2][1], "integer")).toBe("1e2");
    expect(applied(task, "TimeoutSeconds", "1e2", "integer")).toBe(task);
    expect(stringify(applied(task, "ToleratedFailurePercentage", "10.0", "number"), 0)).toContain('"ToleratedFailurePercentage":10.0');
  });

  it("takes only whole numbers written as such in integer fields, within the validator's range", () => {
    for (const text of ["1e2", "5.0", "3.0", "1E1", "2.5"]) {
      expect(applyFieldText(task, "HeartbeatSeconds", text, "integer", "JSONPath")).toEqual({ error: "Expected a whole number, written without a point or exponent" });
    }
    const seconds = { min: 1, max: 99_999_999 };
    expect(applyFieldText(task, "HeartbeatSeconds", "0", "integer", "JSONPath", seconds)).toEqual({ error: "Expected 1 to 99999999" });
    expect(applyFieldText(task, "HeartbeatSeconds", "100000000", "integer", "JSONPath", seconds)).toEqual({ error: "Expected 1 to 99999999" });
    expect(applyFieldText(task, "MaxConcurrency", "-1", "integer", "JSONPath", { min: 0 })).toEqual({ error: "Expected 0 or more" });
    expect(applyFieldText(task, "P", "101", "number", "JSONPath", { min: 0, max: 100 })).toEqual({ error: "Expected 0 to 100" });
    expect(stringify(applied(task, "HeartbeatSeconds", " 10 ", "integer"), 0)).toContain('"HeartbeatSeconds":10');
    // The forms' specs carry those ranges.
    const map = state('{"Type": "Map"}');
    const range = (obj: JsonObject, key: string) => sectionFields(obj, "JSONPath", "Configuration").find((spec) => spec.key === key)?.range;
    expect(range(task, "TimeoutSeconds")).toEqual(seconds);
    expect(range(task, "HeartbeatSeconds")).toEqual(seconds);
    expect(range(map, "MaxConcurrency")).toEqual({ min: 0 });
    expect(range(map, "ToleratedFailureCount")).toEqual({ min: 0 });
    expect(range(map, "ToleratedFailurePercentage")).toEqual({ min: 0, max: 100 });
  });

  it("refuses text that is not a value of the field's kind, with the reason", () => {
    expect(applyFieldText(task, "TimeoutSeconds", "soon", "integer", "JSONPath")).toEqual({ error: "Expected a number" });
    expect(applyFieldText(task, "TimeoutSeconds", "2.5", "integer", "JSONPath")).toEqual({ error: "Expected a whole number, written without a point or exponent" });
    const bad = applyFieldText(task, "Parameters", '{"a": }', "json", "JSONPath");
    expect(bad).toEqual({ error: 'Invalid JSON: Unexpected character "}", expected a value at line 1, column 7' });
  });

  it("takes a JSONata expression for numbers and templates in JSONata only", () => {
    expect(parseFieldText("{% $states.input.t %}", "integer", "JSONata")).toEqual({ value: "{% $states.input.t %}" });
    expect(parseFieldText("{% $states.input.t %}", "integer", "JSONPath")).toEqual({ error: "Expected a number" });
    expect(parseFieldText("{% $states.result %}", "template", "JSONata")).toEqual({ value: "{% $states.result %}" });
    expect(fieldText("{% $x %}", "template")).toBe("{% $x %}");
    expect(fieldText("plain", "template")).toBe('"plain"');
  });

  it("shows JSON indented, keeping key order and number texts", () => {
    const value = importAsl('{"Parameters": {"2": "b", "10": "a", "limit": 2.50}}').entries[0][1];
    expect(fieldText(value, "json")).toBe('{\n  "2": "b",\n  "10": "a",\n  "limit": 2.50\n}');
    const next = applied(task, "Parameters", '{"z": 1, "2": 2.50}', "json");
    expect(stringify(next, 0)).toContain('"Parameters":{"z":1,"2":2.50}');
  });

  it("changes nothing when a JSON field's text differs only in layout", () => {
    const withParameters = applied(task, "Parameters", '{"a": 1, "b": [2.50, "x"]}', "json");
    expect(applied(withParameters, "Parameters", '{\n"a":1,   "b":[ 2.50 , "x" ]}', "json")).toBe(withParameters);
    expect(applied(withParameters, "Parameters", '{"b": [2.50, "x"], "a": 1}', "json")).not.toBe(withParameters); // (key order is kept)
    expect(applied(withParameters, "Parameters", '{"a": 1, "b": [2.5, "x"]}', "json")).not.toBe(withParameters); // (and a number's text)
    expect(applied(task, "Comment", "", "string")).toBe(task);
    expect(applied(task, "TimeoutSeconds", " 1e2", "number")).toBe(task);
    expect(sameJson(undefined, undefined)).toBe(true);
    expect(sameJson(null, undefined)).toBe(false);
  });

  it("reads null as JSON null only in InputPath, OutputPath and ResultPath", () => {
    expect(parseFieldText("null", "nullablePath", "JSONPath")).toEqual({ value: null });
    expect(fieldText(null, "nullablePath")).toBe("null");
    expect(parseFieldText(" null ", "path", "JSONPath")).toEqual({ error: "Expected a path such as $.value (null is not allowed here)" });
    expect(parseFieldText(" $.a ", "path", "JSONPath")).toEqual({ value: "$.a" });
    const kinds = (type: string) => Object.fromEntries((["Configuration", "Input", "Output"] as const)
      .flatMap((section) => sectionFields(state(`{"Type": "${type}"}`), "JSONPath", section))
      .filter((spec) => spec.kind === "path" || spec.kind === "nullablePath").map((spec) => [spec.key, spec.kind]));
    expect(kinds("Task")).toEqual({ TimeoutSecondsPath: "path", HeartbeatSecondsPath: "path", InputPath: "nullablePath",
      ResultPath: "nullablePath", OutputPath: "nullablePath" });
    expect(kinds("Fail")).toEqual({ ErrorPath: "path", CausePath: "path" });
    expect(kinds("Map")).toMatchObject({ ItemsPath: "path", MaxConcurrencyPath: "path" });
  });

  it("sets or removes a select's choice", () => {
    const next = setChoice(task, "QueryLanguage", "JSONata");
    expect(keys(next).at(-1)).toBe("QueryLanguage");
    expect(setChoice(next, "QueryLanguage", "")).toEqual(task);
  });

  it("finds the query language in force", () => {
    const machine = state('{"QueryLanguage": "JSONata"}');
    expect(queryLanguageOf(task, machine)).toBe("JSONata");
    expect(queryLanguageOf(state('{"QueryLanguage": "JSONPath"}'), machine)).toBe("JSONPath");
    expect(queryLanguageOf(task, state("{}"))).toBe("JSONPath");
  });

  it("reads QueryLanguage as the validator does: only exactly \"JSONPath\" is JSONPath once it is there", () => {
    const jsonpath = state("{}");
    for (const odd of ['"jsonpath"', '"JSONPATH"', "null", "1", '""']) {
      expect(queryLanguageOf(state(`{"QueryLanguage": ${odd}}`), jsonpath)).toBe("JSONata");
      expect(queryLanguageOf(task, state(`{"QueryLanguage": ${odd}}`))).toBe("JSONata");
    }
    expect(effectiveLanguage(undefined, "JSONata")).toBe("JSONata");
    expect(effectiveLanguage("JSONPath", "JSONata")).toBe("JSONPath"); // (the validator's downgrade error is its own)
  });

  it("offers JSONPath for a state only in a JSONPath machine, and shows a stored value that is not allowed", () => {
    const values = (stored: Parameters<typeof queryLanguageChoices>[0], machine: QueryLanguage) =>
      queryLanguageChoices(stored, machine).map((choice) => choice.value);
    expect(values(undefined, "JSONPath")).toEqual(["", "JSONPath", "JSONata"]);
    expect(values(undefined, "JSONata")).toEqual(["", "JSONata"]);
    expect(queryLanguageChoices("JSONPath", "JSONata").at(-1)).toEqual({ value: "JSONPath", label: "JSONPath (not allowed in a JSONata machine)" });
    expect(queryLanguageChoices("jsonata", "JSONPath").at(-1)).toEqual({ value: "jsonata", label: "jsonata (not allowed)" });
  });

  it("lists the fields a state has but may not, with why", () => {
    const switched = state('{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "r", "InputPath": "$.a", "Output": {}, "x-owner": 1, "End": true}');
    expect(misplacedFields(switched, "JSONata")).toEqual([
      { key: "InputPath", reason: "a JSONPath field" },
      { key: "x-owner", reason: "not a field of a Task" },
    ]);
    expect(misplacedFields(switched, "JSONPath").map((field) => field.key)).toEqual(["Output", "x-owner"]);
    expect(misplacedFields(state('{"Type": "Fail", "Result": 1}'), "JSONPath")).toEqual([{ key: "Result", reason: "not a field of a Fail" }]);
    expect(misplacedFields(state('{"Type": "constructor", "Result": 1}'), "JSONPath")).toEqual([]);
  });
});

describe("fields taken together", () => {
  it("marks both fields of a value-or-path pair the validator allows one of", () => {
    const problems = (text: string) => Object.fromEntries(fieldProblems(state(text)));
    expect(problems('{"Type": "Fail", "Error": "E", "ErrorPath": "$.e", "Cause": "c"}')).toEqual({
      Error: "Set Error or ErrorPath, not both: empty one of them.",
      ErrorPath: "Set Error or ErrorPath, not both: empty one of them.",
    });
    expect(Object.keys(problems('{"Type": "Task", "TimeoutSeconds": 9, "TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h"}')))
      .toEqual(["TimeoutSeconds", "TimeoutSecondsPath"]);
    expect(Object.keys(problems('{"Type": "Map", "MaxConcurrency": 1, "MaxConcurrencyPath": "$.m", "ToleratedFailureCount": 1, '
      + '"ToleratedFailureCountPath": "$.c", "ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.p", "ItemSelector": {}, "Parameters": {}}')))
      .toEqual(["MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemSelector", "Parameters"]);
    // (a Pass's Parameters has no ItemSelector to clash with)
    expect(problems('{"Type": "Pass", "Parameters": {}, "ItemSelector": {}}')).toEqual({});
  });

  it("wants a Task's heartbeat under its timeout", () => {
    const problems = (text: string) => Object.fromEntries(fieldProblems(state(text)));
    expect(problems('{"Type": "Task", "TimeoutSeconds": 30, "HeartbeatSeconds": 30}')).toEqual({
      HeartbeatSeconds: "HeartbeatSeconds must be smaller than TimeoutSeconds (30).",
    });
    expect(problems('{"Type": "Task", "TimeoutSeconds": 30, "HeartbeatSeconds": 29}')).toEqual({});
    expect(problems('{"Type": "Task", "TimeoutSeconds": "{% $t %}", "HeartbeatSeconds": 29}')).toEqual({});
  });
});
