import { describe, expect, it } from "vitest";
import { importAsl, stringify, type JsonObject } from "../../asl";
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
  waitOf,
} from "./composite";
import { describeResource, knownResources } from "./resources";

const state = (text: string): JsonObject => importAsl(text);
const text = (obj: JsonObject) => stringify(obj, 0);

function waited(obj: JsonObject, key: Parameters<typeof applyWait>[1], value: string, language: "JSONPath" | "JSONata" = "JSONPath") {
  const result = applyWait(obj, key, value, language);
  if ("error" in result) throw new Error(result.error);
  return result.next;
}

describe("a Wait's duration", () => {
  const wait = state('{"Type": "Wait", "Seconds": 10, "Next": "B"}');

  it("is one of four keys, switched in place", () => {
    expect(waitOf(wait, "JSONPath")).toMatchObject({ kind: { key: "Seconds" }, text: "10" });
    expect(text(waited(wait, "SecondsPath", "$.delay"))).toBe('{"Type":"Wait","SecondsPath":"$.delay","Next":"B"}');
    expect(text(waited(wait, "Timestamp", "2026-01-01T00:00:00Z"))).toBe('{"Type":"Wait","Timestamp":"2026-01-01T00:00:00Z","Next":"B"}');
    expect(text(waited(wait, "Seconds", ""))).toBe('{"Type":"Wait","Next":"B"}');
    expect(waited(wait, "Seconds", "10")).toBe(wait);
  });

  it("refuses a value of the wrong kind and changes nothing", () => {
    expect(applyWait(wait, "Seconds", "$.delay", "JSONPath")).toEqual({ error: "Expected a number" });
    expect(applyWait(wait, "Seconds", "5.0", "JSONPath")).toEqual({ error: "Expected a whole number, written without a point or exponent" });
    expect(applyWait(wait, "Seconds", "-1", "JSONPath")).toEqual({ error: "Expected 0 to 99999999" });
  });

  it("takes expressions in JSONata", () => {
    expect(text(waited(wait, "Seconds", "{% $states.input.delay %}", "JSONata"))).toBe(
      '{"Type":"Wait","Seconds":"{% $states.input.delay %}","Next":"B"}');
    expect(waitOf(state('{"Type": "Wait"}'), "JSONata")).toMatchObject({ kind: { key: "Seconds" }, text: "" });
  });

  it("switches the kind of duration, converting only what keeps its meaning", () => {
    // 10 seconds are no timestamp: Seconds goes, and Timestamp waits for its value (never "10").
    const toTimestamp = switchWait(wait, "Timestamp");
    expect(text(toTimestamp)).toBe('{"Type":"Wait","Next":"B"}');
    expect(waitKeyOf(toTimestamp)).toBeUndefined();
    // Then a timestamp typed goes where Seconds stood... at the end (the old key is gone), and back again.
    const until = waited(toTimestamp, "Timestamp", " 2026-01-01T00:00:00Z ");
    expect(text(until)).toBe('{"Type":"Wait","Next":"B","Timestamp":"2026-01-01T00:00:00Z"}');
    expect(text(waited(switchWait(until, "Seconds"), "Seconds", "5"))).toBe('{"Type":"Wait","Next":"B","Seconds":5}');
    // A path stays a path; a JSONata expression stays an expression.
    const path = state('{"Type": "Wait", "SecondsPath": "$.delay", "Next": "B"}');
    expect(text(switchWait(path, "TimestampPath"))).toBe('{"Type":"Wait","TimestampPath":"$.delay","Next":"B"}');
    expect(text(switchWait(path, "Seconds"))).toBe('{"Type":"Wait","Next":"B"}');
    const expression = state('{"Type": "Wait", "Seconds": "{% $states.input.t %}", "Next": "B"}');
    expect(text(switchWait(expression, "Timestamp"))).toBe('{"Type":"Wait","Timestamp":"{% $states.input.t %}","Next":"B"}');
    // Nothing to switch: the same object.
    expect(switchWait(wait, "Seconds")).toBe(wait);
    const none = state('{"Type": "Wait", "Next": "B"}');
    expect(switchWait(none, "Timestamp")).toBe(none);
  });

  it("refuses a timestamp that is not RFC 3339 (JSONata: unless it is an expression)", () => {
    const none = state('{"Type": "Wait", "Next": "B"}');
    expect(applyWait(none, "Timestamp", "10", "JSONPath")).toEqual({ error: "Expected an RFC 3339 timestamp such as 2026-01-01T00:00:00Z" });
    expect(applyWait(none, "Timestamp", "tomorrow", "JSONata")).toMatchObject({ error: expect.stringContaining("{% %} expression") });
    expect(text(waited(none, "Timestamp", "{% $states.input.at %}", "JSONata"))).toContain('"Timestamp":"{% $states.input.at %}"');
  });
});

describe("transitions", () => {
  it("puts End in Next's place and back", () => {
    const pass = state('{"Type": "Pass", "Next": "B", "Comment": "c"}');
    const ended = applyTransition(pass, "");
    expect(text(ended)).toBe('{"Type":"Pass","End":true,"Comment":"c"}');
    expect(transitionOf(ended)).toBe("");
    expect(text(applyTransition(ended, "C"))).toBe('{"Type":"Pass","Next":"C","Comment":"c"}');
    expect(transitionOf(state('{"Type": "Pass"}'))).toBeNull();
  });

  it("sets and removes a Choice's Default", () => {
    const choice = state('{"Type": "Choice", "Choices": [], "Default": "A", "Comment": "c"}');
    expect(text(applyDefault(choice, "B"))).toBe('{"Type":"Choice","Choices":[],"Default":"B","Comment":"c"}');
    expect(text(applyDefault(choice, ""))).toBe('{"Type":"Choice","Choices":[],"Comment":"c"}');
  });
});

describe("a Map's processor config", () => {
  const map = state('{"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "A", "States": {}}, "End": true}');

  it("sets Mode and ExecutionType inside ItemProcessor, keeping the rest", () => {
    const distributed = applyProcessor(applyProcessor(map, "Mode", "DISTRIBUTED"), "ExecutionType", "EXPRESS");
    expect(text(distributed)).toBe(
      '{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"A","States":{}},"End":true}');
    expect(processorOf(distributed)).toEqual({ field: "ItemProcessor", Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" });
    // ASL: ExecutionType only with DISTRIBUTED; an emptied ProcessorConfig goes.
    expect(processorOf(applyProcessor(distributed, "Mode", "INLINE")).ExecutionType).toBe("");
    expect(text(applyProcessor(map, "Mode", ""))).toBe('{"Type":"Map","ItemProcessor":{"StartAt":"A","States":{}},"End":true}');
  });

  it("gives a Map switched to DISTRIBUTED an ExecutionType (STANDARD), keeping one it has", () => {
    expect(processorOf(applyProcessor(map, "Mode", "DISTRIBUTED"))).toEqual({ field: "ItemProcessor", Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
    const express = state('{"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"ExecutionType": "EXPRESS"}, "StartAt": "A", "States": {}}}');
    expect(processorOf(applyProcessor(express, "Mode", "DISTRIBUTED")).ExecutionType).toBe("EXPRESS");
  });

  it("edits a legacy Iterator's config and leaves a Map without a processor alone", () => {
    const legacy = state('{"Type": "Map", "Iterator": {"StartAt": "A", "States": {}}}');
    expect(text(applyProcessor(legacy, "Mode", "INLINE"))).toBe('{"Type":"Map","Iterator":{"StartAt":"A","States":{},"ProcessorConfig":{"Mode":"INLINE"}}}');
    const none = state('{"Type": "Map"}');
    expect(applyProcessor(none, "Mode", "INLINE")).toBe(none);
  });
});

describe("summaries", () => {
  it("counts a Parallel's branches by their StartAt", () => {
    expect(branchesSummary(state('{"Type": "Parallel", "Branches": [{"StartAt": "A"}, {"StartAt": "B"}]}'))).toBe(
      "2 branches, starting at A, B");
    expect(branchesSummary(state('{"Type": "Parallel"}'))).toBe("0 branches");
  });

  it("describes resources and offers the task templates'", () => {
    expect(describeResource("arn:aws:lambda:eu-west-1:123456789012:function:charge")).toBe("Python function charge");
    expect(describeResource("arn:aws:states:::http:invoke")).toBe("Calls an HTTP API through a connection");
    expect(describeResource("arn:example:unknown")).toBeUndefined();
    const known = knownResources({ region: "eu-west-1", account: "111122223333" });
    expect(known.map((item) => item.resource)).toEqual([
      "arn:aws:lambda:eu-west-1:111122223333:function:my-function",
      "arn:aws:states:eu-west-1:111122223333:activity:my-activity",
      "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "arn:aws:states:::http:invoke",
      "arn:flowdeck:states:::xmlrpc:call",
      "arn:aws:states:::states:startExecution.sync:2",
    ]);
    expect(known.every((item) => describeResource(item.resource) !== undefined)).toBe(true);
  });
});
