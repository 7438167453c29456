import { describe, expect, it } from "vitest";
import { parseJson, ruleSummary, stringify, type JsonObject } from "../../asl";
import {
  addOperand,
  conditionAt,
  conditionFromText,
  conditionKind,
  conditionKinds,
  firstOtherTarget,
  conditionProblem,
  conditionText,
  convertCondition,
  insertItem,
  moveItem,
  numberFromText,
  numberText,
  OPERATOR_GROUPS,
  operandFromText,
  operandProblem,
  operandText,
  operandType,
  parseJsonField,
  parseNumberField,
  RETRIER_NUMBERS,
  removeItem,
  removeOperand,
  setList,
  setOperand,
  setOperator,
  setOptional,
  updateConditionAt,
  variableProblem,
} from "./rules";

const obj = (text: string) => parseJson(text) as JsonObject;
const text = (value: JsonObject) => stringify(value, 0);

describe("operators", () => {
  it("lists every ASL comparison operator once, Path variants included, StringMatches without one", () => {
    const all = OPERATOR_GROUPS.flatMap((g) => g.operators);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(39); // 16 comparisons (5 String, 5 Numeric, 1 Boolean, 5 Timestamp), each with Path; StringMatches; 6 tests
    expect(all).toContain("BooleanEqualsPath");
    expect(all).toContain("TimestampGreaterThanEqualsPath");
    expect(all).not.toContain("StringMatchesPath");
    expect(all).not.toContain("BooleanLessThan");
  });

  it("types each operator's operand", () => {
    expect(operandType("StringEquals")).toBe("string");
    expect(operandType("StringMatches")).toBe("pattern");
    expect(operandType("NumericLessThanEquals")).toBe("number");
    expect(operandType("NumericEqualsPath")).toBe("path");
    expect(operandType("BooleanEquals")).toBe("boolean");
    expect(operandType("TimestampLessThan")).toBe("timestamp");
    expect(operandType("IsPresent")).toBe("test");
  });

  it("keeps a number's text exactly as typed", () => {
    expect(numberFromText("1000")).toBe(1000);
    expect(numberFromText(" 2.50 ")).toEqual({ kind: "number", value: 2.5, text: "2.50" });
    expect(numberFromText("1e3")).toEqual({ kind: "number", value: 1000, text: "1e3" });
    expect(numberFromText("1,5")).toBeUndefined();
    expect(numberFromText("0x10")).toBeUndefined();
    expect(numberFromText("")).toBeUndefined();
    expect(numberText(obj(`{"a": 2.0}`).entries[0][1])).toBe("2.0");
  });

  it("reads operands from the value input by the operator's type", () => {
    expect(operandFromText("NumericGreaterThan", "2.0")).toEqual({ ok: true, value: { kind: "number", value: 2, text: "2.0" } });
    expect(operandFromText("NumericGreaterThan", "abc")).toMatchObject({ ok: false });
    expect(operandFromText("BooleanEquals", "false")).toEqual({ ok: true, value: false });
    // Paths and timestamps are trimmed; a string compared keeps its spaces.
    expect(operandFromText("NumericGreaterThanPath", " $.limit ")).toEqual({ ok: true, value: "$.limit" });
    expect(operandFromText("TimestampLessThan", " 2016-03-14T01:59:00Z\t")).toEqual({ ok: true, value: "2016-03-14T01:59:00Z" });
    expect(operandFromText("StringEquals", " a ")).toEqual({ ok: true, value: " a " });
    expect(operandFromText("IsNull", "true")).toEqual({ ok: true, value: true });
    expect(operandFromText("StringEquals", "42")).toEqual({ ok: true, value: "42" });
    expect(operandText(false)).toBe("false");
    expect(operandText(obj(`{"a": 1.50}`).entries[0][1])).toBe("1.50");
  });

  it("says what the validator would about an operand", () => {
    expect(operandProblem("TimestampEquals", "2016-03-14T01:59:00Z")).toBeUndefined();
    expect(operandProblem("TimestampEquals", "yesterday")).toMatch(/RFC 3339/);
    expect(operandProblem("StringEquals", "$.other")).toMatch(/StringEqualsPath/);
    expect(operandProblem("StringMatches", "$.other")).toBeUndefined(); // no StringMatchesPath to suggest
    expect(operandProblem("NumericEqualsPath", "limit")).toMatch(/starts with \$/);
    expect(operandProblem("NumericEquals", "1")).toMatch(/number/);
    expect(operandProblem("IsPresent", true)).toBeUndefined();
    expect(variableProblem("$.amount")).toBeUndefined();
    expect(variableProblem("amount")).toBeDefined();
  });
});

describe("comparisons", () => {
  it("changes the operator in place, keeping the operand where its type allows", () => {
    const rule = obj(`{"Variable": "$.amount", "NumericGreaterThan": 1000, "Next": "Big", "x-note": 1}`);
    expect(text(setOperator(rule, "NumericLessThan"))).toBe(`{"Variable":"$.amount","NumericLessThan":1000,"Next":"Big","x-note":1}`);
    expect(text(setOperator(rule, "StringEquals"))).toBe(`{"Variable":"$.amount","StringEquals":"1000","Next":"Big","x-note":1}`);
    expect(text(setOperator(rule, "IsNull"))).toBe(`{"Variable":"$.amount","IsNull":true,"Next":"Big","x-note":1}`);
    expect(text(setOperator(rule, "NumericGreaterThanPath"))).toBe(`{"Variable":"$.amount","NumericGreaterThanPath":"$.value","Next":"Big","x-note":1}`);
    const texty = obj(`{"Variable": "$.n", "StringEquals": "2.50"}`);
    expect(text(setOperator(texty, "NumericEquals"))).toBe(`{"Variable":"$.n","NumericEquals":2.50}`);
    expect(text(setOperator(obj(`{"Variable": "$.n", "StringEquals": "many"}`), "NumericEquals"))).toBe(`{"Variable":"$.n","NumericEquals":0}`);
  });

  it("adds an operator after the Variable when the rule has none", () => {
    expect(text(setOperator(obj(`{"Variable": "$.x", "Next": "A"}`), "IsPresent"))).toBe(`{"Variable":"$.x","IsPresent":true,"Next":"A"}`);
  });

  it("sets the operand from text, refusing a number that is not one", () => {
    const rule = obj(`{"Variable": "$.amount", "NumericGreaterThan": 1000, "Next": "Big"}`);
    const done = setOperand(rule, "1000.00");
    expect(done.ok && text(done.rule)).toBe(`{"Variable":"$.amount","NumericGreaterThan":1000.00,"Next":"Big"}`);
    expect(setOperand(rule, "lots")).toMatchObject({ ok: false });
    const flag = setOperand(obj(`{"Variable": "$.ok", "BooleanEquals": true}`), "false");
    expect(flag.ok && ruleSummary(flag.rule)).toBe("$.ok == false");
  });

  it("reports a comparison's shape problems", () => {
    expect(conditionProblem(obj(`{"Variable": "$.x"}`))).toMatch(/operator/);
    expect(conditionProblem(obj(`{"Variable": "$.x", "IsNull": true, "IsString": true}`))).toMatch(/exactly one/);
    expect(conditionProblem(obj(`{"And": []}`))).toMatch(/at least one/);
    expect(conditionProblem(obj(`{"Variable": "$.x", "IsNull": true}`))).toBeUndefined();
  });
});

describe("And / Or / Not", () => {
  const simple = obj(`{"Comment": "big", "Variable": "$.amount", "NumericGreaterThan": 1000, "Next": "Big", "x-keep": [1]}`);

  it("wraps a comparison in And / Or / Not where it stood, the rule's own keys staying put", () => {
    expect(text(convertCondition(simple, "And"))).toBe(
      `{"Comment":"big","And":[{"Variable":"$.amount","NumericGreaterThan":1000}],"Next":"Big","x-keep":[1]}`,
    );
    expect(text(convertCondition(simple, "Not"))).toBe(
      `{"Comment":"big","Not":{"Variable":"$.amount","NumericGreaterThan":1000},"Next":"Big","x-keep":[1]}`,
    );
    expect(ruleSummary(convertCondition(simple, "Not"))).toBe("Not($.amount > 1000)");
  });

  it("turns a one-operand combinator back into its comparison, and refuses when that would lose tests", () => {
    for (const kind of ["And", "Or", "Not"] as const) {
      expect(text(convertCondition(convertCondition(simple, kind), "comparison"))).toBe(text(simple));
    }
    const two = addOperand(convertCondition(simple, "And"));
    expect(conditionKinds(two)).toEqual(["And", "Or", "Not"]);
    expect(convertCondition(two, "comparison")).toBe(two);
    expect(conditionKinds(simple)).toEqual(["comparison", "And", "Or", "Not"]);
  });

  it("offers no unwrapping that would drop the operand's own Comment for the rule's", () => {
    const rule = (inner: string) => parseJson(`{"Not": {"Variable": "$.a", "IsNull": true${inner}}, "Next": "B", "Comment": "rule"}`) as JsonObject;
    expect(conditionKinds(rule(', "Comment": "inner"'))).toEqual(["And", "Or", "Not"]);
    expect(convertCondition(rule(', "Comment": "inner"'), "comparison")).toEqual(rule(', "Comment": "inner"'));
    expect(conditionKinds(rule(', "Comment": "rule"'))).toContain("comparison"); // (the same Comment: nothing lost)
    expect(text(convertCondition(rule(""), "comparison"))).toBe('{"Variable":"$.a","IsNull":true,"Next":"B","Comment":"rule"}');
    const bare = parseJson('{"And": [{"Variable": "$.a", "IsNull": true, "Comment": "inner"}], "Next": "B"}') as JsonObject;
    expect(text(convertCondition(bare, "comparison"))).toBe('{"Variable":"$.a","IsNull":true,"Comment":"inner","Next":"B"}');
  });

  it("starts a new rule or Catcher at another state than its own", () => {
    expect(firstOtherTarget(["Check", "Big"], "Check")).toBe("Big");
    expect(firstOtherTarget(["Big", "Check"], "Check")).toBe("Big");
    expect(firstOtherTarget(["Check"], "Check")).toBeUndefined();
  });

  it("switches And and Or keeping the operands, and makes a Not of a whole group", () => {
    const two = addOperand(convertCondition(simple, "And"));
    const or = convertCondition(two, "Or");
    expect(ruleSummary(or)).toBe("Or($.amount > 1000, $.value is present)");
    const not = convertCondition(or, "Not");
    expect(ruleSummary(not)).toBe("Not(Or($.amount > 1000, $.value is present))");
    expect(ruleSummary(convertCondition(not, "And"))).toBe("And(Or($.amount > 1000, $.value is present))");
    expect(conditionKind(not)).toBe("Not");
  });

  it("adds and removes operands, never the last one", () => {
    let rule = convertCondition(simple, "Or");
    rule = addOperand(rule);
    expect(ruleSummary(rule)).toBe("Or($.amount > 1000, $.value is present)");
    rule = removeOperand(rule, 0);
    expect(ruleSummary(rule)).toBe("Or($.value is present)");
    expect(removeOperand(rule, 0)).toBe(rule);
    expect(addOperand(simple)).toBe(simple);
  });

  it("edits conditions nested at any depth by path, leaving the rest untouched", () => {
    const rule = obj(`{"And": [
      {"Variable": "$.a", "NumericGreaterThan": 1},
      {"Or": [{"Variable": "$.b", "StringEquals": "x"}, {"Not": {"Variable": "$.c", "IsNull": true, "Comment": "deep"}}]}
    ], "Next": "T", "Assign": {"seen": true}}`);
    expect(ruleSummary(conditionAt(rule, ["And", 1, "Or", 1, "Not"])!)).toBe("$.c is null");
    const deeper = updateConditionAt(rule, ["And", 1, "Or", 1, "Not"], (c) => setOperator(c, "IsString"));
    expect(ruleSummary(deeper)).toBe(`And($.a > 1, Or($.b == "x", Not($.c is string)))`);
    expect(text(conditionAt(deeper, ["And", 1, "Or", 1, "Not"])!)).toBe(`{"Variable":"$.c","IsString":true,"Comment":"deep"}`);
    expect(conditionAt(deeper, ["And", 0])).toBe(conditionAt(rule, ["And", 0])); // shared, not copied
    const wrapped = updateConditionAt(deeper, ["And", 0], (c) => convertCondition(c, "Not"));
    expect(ruleSummary(wrapped)).toBe(`And(Not($.a > 1), Or($.b == "x", Not($.c is string)))`);
    const grown = updateConditionAt(wrapped, ["And", 1], addOperand);
    expect(ruleSummary(grown)).toBe(`And(Not($.a > 1), Or($.b == "x", Not($.c is string), $.value is present))`);
    expect(text(grown).endsWith(`"Next":"T","Assign":{"seen":true}}`)).toBe(true);
    expect(updateConditionAt(rule, ["And", 7], addOperand)).toBe(rule);
    expect(conditionAt(rule, ["Or", 0])).toBeUndefined();
  });
});

describe("JSONata conditions", () => {
  it("keeps literals and wraps a bare expression in {% %}", () => {
    expect(conditionFromText("{% $states.input.amount > 1000 %}")).toBe("{% $states.input.amount > 1000 %}");
    expect(conditionFromText("$states.input.ok")).toBe("{% $states.input.ok %}");
    expect(conditionFromText("false")).toBe(false);
    expect(conditionText(true)).toBe("true");
    expect(ruleSummary(obj(`{"Condition": "{% $x > 1 %}", "Next": "A"}`))).toBe("$x > 1");
  });
});

describe("lists and fields", () => {
  const items = ["a", "b", "c"];

  it("moves, inserts and removes items without touching the others", () => {
    expect(moveItem(items, 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveItem(items, 2, 1)).toEqual(["a", "c", "b"]);
    expect(moveItem(items, 0, -1)).toBe(items);
    expect(moveItem(items, 2, 3)).toBe(items);
    expect(removeItem(items, 1)).toEqual(["a", "c"]);
    expect(insertItem(items, 2, "x")).toEqual(["a", "b", "x", "c"]);
  });

  it("removes an emptied optional list but keeps a required one", () => {
    const state = obj(`{"Type": "Task", "Retry": [1], "Next": "A"}`);
    expect(text(setList(state, "Retry", []))).toBe(`{"Type":"Task","Next":"A"}`);
    expect(text(setList(obj(`{"Type": "Choice", "Choices": [1]}`), "Choices", [], { required: true }))).toBe(`{"Type":"Choice","Choices":[]}`);
    expect(text(setOptional(state, "Comment", "c"))).toBe(`{"Type":"Task","Retry":[1],"Next":"A","Comment":"c"}`);
    expect(text(setOptional(state, "Retry", undefined))).toBe(`{"Type":"Task","Next":"A"}`);
  });

  it("reads retrier numbers: empty removes, the range and integrality are checked, the text kept", () => {
    const spec = (key: string) => RETRIER_NUMBERS.find((n) => n.key === key)!.spec;
    expect(parseNumberField("", spec("MaxAttempts"))).toEqual({ ok: true, value: undefined });
    expect(parseNumberField("0", spec("MaxAttempts"))).toEqual({ ok: true, value: 0 });
    expect(parseNumberField("0", spec("IntervalSeconds"))).toMatchObject({ ok: false });
    expect(parseNumberField("1.5", spec("IntervalSeconds"))).toMatchObject({ ok: false, error: "Enter a whole number (no point or exponent)." });
    // Whole numbers written as floats are refused too: the validator (Python's json) reads them as floats.
    for (const key of ["IntervalSeconds", "MaxAttempts", "MaxDelaySeconds"]) {
      for (const text of ["1e2", "5.0", "3.0", "1E1", "-0.0"]) expect(parseNumberField(text, spec(key))).toMatchObject({ ok: false });
      expect(parseNumberField(" 7 ", spec(key))).toEqual({ ok: true, value: 7 });
    }
    expect(parseNumberField("1e2", spec("BackoffRate"))).toEqual({ ok: true, value: { kind: "number", value: 100, text: "1e2" } });
    expect(parseNumberField("2.0", spec("BackoffRate"))).toEqual({ ok: true, value: { kind: "number", value: 2, text: "2.0" } });
    expect(parseNumberField("0.5", spec("BackoffRate"))).toMatchObject({ ok: false });
    expect(parseNumberField("31622401", spec("MaxDelaySeconds"))).toMatchObject({ ok: false });
  });

  it("reads JSON fields keeping key order, and insists on an object for Assign", () => {
    const parsed = parseJsonField(`{"2": 1, "1": 2.0}`, { object: true });
    expect(parsed.ok && stringify(parsed.value!, 0)).toBe(`{"2":1,"1":2.0}`);
    expect(parseJsonField(`[1]`, { object: true })).toMatchObject({ ok: false });
    expect(parseJsonField(`"{% $x %}"`)).toEqual({ ok: true, value: "{% $x %}" });
    expect(parseJsonField(`{"a": }`)).toMatchObject({ ok: false, error: expect.stringMatching(/line 1/) });
    expect(parseJsonField("  ")).toEqual({ ok: true, value: undefined });
  });
});
