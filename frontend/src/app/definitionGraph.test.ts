import { describe, expect, it } from "vitest";
import { definitionToGraph, END_ID, ruleSummary, START_ID, stateId, type AslDefinition } from "./definitionGraph";
import { layoutGraph } from "./layout";

// An order workflow with every kind of edge: StartAt, Next, Choice rules and Default, Catch, End, Succeed, Fail.
const ORDER: AslDefinition = {
  Comment: "Orders",
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [
        { Variable: "$.amount", NumericGreaterThan: 1000, Next: "Approve" },
        { And: [{ Variable: "$.country", StringEquals: "NL" }, { Variable: "$.vip", IsPresent: true }], Next: "Ship" },
      ],
      Default: "Ship",
    },
    Approve: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "Ship",
               Catch: [{ ErrorEquals: ["States.Timeout", "States.TaskFailed"], Next: "Rejected" }] },
    Ship: { Type: "Parallel", Branches: [{}, {}], Next: "Done" },
    Done: { Type: "Succeed" },
    Rejected: { Type: "Fail", Error: "Rejected" },
  },
};

const edgeSummary = (definition: AslDefinition) =>
  definitionToGraph(definition).edges.map((edge) => [edge.data?.kind, edge.source, edge.target, edge.label ?? null]);

describe("definitionToGraph", () => {
  it("makes a node per state, in the definition's order, between Start and End markers", () => {
    const graph = definitionToGraph(ORDER);
    expect(graph.nodes.map((node) => node.id)).toEqual(
      [START_ID, ...["Check", "Approve", "Ship", "Done", "Rejected"].map(stateId), END_ID]);
    expect(graph.nodes.find((node) => node.id === stateId("Approve"))).toMatchObject({
      type: "state", ariaLabel: "Approve", data: { name: "Approve", type: "Task", detail: "lambda:invoke" } });
    expect(graph.nodes.find((node) => node.id === stateId("Ship"))?.data).toMatchObject({ detail: "2 branches" });
    expect(graph.problems).toEqual([]);
  });

  it("draws Next, Choice rules, Default, Catch and the ends of the workflow as edges", () => {
    expect(edgeSummary(ORDER)).toEqual([
      ["start", START_ID, stateId("Check"), null],
      ["choice", stateId("Check"), stateId("Approve"), "$.amount > 1000"],
      ["choice", stateId("Check"), stateId("Ship"), '$.country == "NL" and $.vip is present'],
      ["default", stateId("Check"), stateId("Ship"), "Default"],
      ["next", stateId("Approve"), stateId("Ship"), null],
      ["catch", stateId("Approve"), stateId("Rejected"), "States.Timeout, States.TaskFailed"],
      ["next", stateId("Ship"), stateId("Done"), null],
      ["end", stateId("Done"), END_ID, null],
      ["end", stateId("Rejected"), END_ID, null],
    ]);
    const ids = definitionToGraph(ORDER).edges.map((edge) => edge.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps state names apart from the markers and reports transitions to missing states", () => {
    const graph = definitionToGraph({ StartAt: "Start", States: {
      Start: { Type: "Pass", Next: "Nowhere" }, End: { Type: "Pass", End: true } } });
    expect(graph.nodes.map((node) => node.id)).toEqual([START_ID, stateId("Start"), stateId("End"), END_ID]);
    expect(graph.problems).toEqual(["Start points to a missing state 'Nowhere'"]);
    expect(graph.edges.map((edge) => edge.target)).toEqual([stateId("Start"), END_ID]);
  });

  it("has no End marker when nothing ends (a loop)", () => {
    const graph = definitionToGraph({ StartAt: "A", States: { A: { Type: "Wait", Seconds: 1, Next: "A" } } });
    expect(graph.nodes.map((node) => node.id)).toEqual([START_ID, stateId("A")]);
  });
});

describe("ruleSummary", () => {
  it.each([
    [{ Variable: "$.n", NumericLessThanEqualsPath: "$.max" }, "$.n <= $.max"],
    [{ Variable: "$.ok", BooleanEquals: false }, "$.ok == false"],
    [{ Variable: "$.x", IsNull: false }, "$.x is not null"],
    [{ Not: { Variable: "$.s", StringMatches: "log-*" } }, 'not ($.s matches "log-*")'],
    [{ Or: [{ Variable: "$.a", NumericEquals: 1 }, { And: [{ Variable: "$.b", IsString: true },
      { Variable: "$.c", TimestampGreaterThan: "2026-01-01T00:00:00Z" }] }] },
     '$.a == 1 or ($.b is string and $.c > "2026-01-01T00:00:00Z")'],
    [{ Condition: "{% $states.input.amount > 1000 %}" }, "$states.input.amount > 1000"],
  ])("%j reads %s", (rule, text) => {
    expect(ruleSummary(rule)).toBe(text);
  });
});

describe("layoutGraph", () => {
  it("lays the graph out top-down: every edge goes downwards, no two nodes overlap", async () => {
    const graph = await layoutGraph(definitionToGraph(ORDER));
    const at = new Map(graph.nodes.map((node) => [node.id, node]));
    expect(at.get(START_ID)!.position.y).toBe(Math.min(...graph.nodes.map((node) => node.position.y)));
    expect(at.get(END_ID)!.position.y).toBe(Math.max(...graph.nodes.map((node) => node.position.y)));
    for (const edge of graph.edges) {
      expect(at.get(edge.target)!.position.y, edge.id).toBeGreaterThan(at.get(edge.source)!.position.y);
    }
    for (const a of graph.nodes) {
      for (const b of graph.nodes) {
        if (a === b) continue;
        const apart = a.position.x + a.width! <= b.position.x || b.position.x + b.width! <= a.position.x
          || a.position.y + a.height! <= b.position.y || b.position.y + b.height! <= a.position.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });
});
