import { describe, expect, it } from "vitest";
import { importAsl, statePointer } from "./document";
import { buildGraph, ruleSummary, type AslGraph } from "./graph";
import { parseJson, type JsonObject } from "./json";
import { corpus, corpusFile } from "./testing";

const graphOf = (name: string) => buildGraph(importAsl(corpusFile(name)));
const node = (graph: AslGraph, id: string) => graph.nodes.find((n) => n.id === id);
const edgesFrom = (graph: AslGraph, source: string) => graph.edges.filter((e) => e.source === source);
const count = <T extends { kind: string }>(items: readonly T[]) =>
  items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [item.kind]: (acc[item.kind] ?? 0) + 1 }), {});

describe("buildGraph", () => {
  it("draws a Task with Catch: nodes, Start and End, a Catch edge per entry labelled with its errors", () => {
    const graph = graphOf("022-task-catch-resultpath.asl.json");
    expect(count(graph.nodes)).toEqual({ start: 1, state: 5, end: 1 });
    expect(count(graph.edges)).toEqual({ start: 1, next: 2, catch: 3, end: 3 });
    const charge = node(graph, "/States/Charge card")!;
    expect(charge).toMatchObject({ kind: "state", label: "Charge card", stateType: "Task", resource: "function:Charge", isGroup: false, scope: "" });
    expect(charge.parentId).toBeUndefined();
    expect(edgesFrom(graph, charge.id).map((e) => [e.id, e.kind, e.target, e.label])).toEqual([
      ["/States/Charge card/Next", "next", "/States/Receipt", undefined],
      ["/States/Charge card/Catch/0/Next", "catch", "/States/Notify customer", "Card.Declined"],
      ["/States/Charge card/Catch/1/Next", "catch", "/States/Retry later", "States.Timeout, States.HeartbeatTimeout"],
      ["/States/Charge card/Catch/2/Next", "catch", "/States/Give up", "States.ALL"],
    ]);
    expect(graph.edges.find((e) => e.kind === "start")).toMatchObject({ id: "/StartAt", source: "start:", target: "/States/Charge card" });
    expect(edgesFrom(graph, "/States/Give up")).toEqual([
      { id: "end:/States/Give up", kind: "end", source: "/States/Give up", target: "end:", scope: "" },
    ]);
    expect(node(graph, "/States/Give up")!.detail).toBe("Payment.Failed");
    expect(node(graph, "/States/Retry later")!.detail).toBe("300 s");
  });

  it("labels Choice rules with readable summaries, numbers as written, and the Default", () => {
    const graph = graphOf("012-choice-numeric-operators.asl.json");
    const labels = edgesFrom(graph, "/States/Classify amount").map((e) => `${e.kind}: ${e.label}`);
    expect(labels).toEqual([
      "choice: $.amount == 0",
      "choice: $.amount == $.limits.exact",
      "choice: $.amount < -0.5",
      "choice: $.amount < $.limits.low",
      "choice: $.amount <= 10",
      "choice: $.amount <= $.limits.low",
      "choice: $.amount > 1000",
      "choice: $.amount > $.limits.high",
      "choice: $.amount >= 1e6",
      "choice: $.amount >= $.limits.huge",
      "default: Default",
    ]);
  });

  it("summarises And / Or / Not, type tests and JSONata conditions", () => {
    const rules = edgesFrom(graphOf("016-choice-and-or-not.asl.json"), "/States/Gate").filter((e) => e.kind === "choice");
    expect(rules.map((e) => e.label)).toEqual([
      'Not($.type == "Private")',
      "And($.value is present, $.value is numeric, $.value >= 20, $.value < 30)",
      'Or($.tier == "gold", $.tier == "platinum", And($.spend > 5000, Not($.flagged == true)))',
    ]);
    const jsonata = graphOf("068-jsonata-choice-condition.asl.json").edges.filter((e) => e.kind === "choice");
    expect(jsonata.map((e) => e.label)).toContain("$states.input.amount > 1000");
    const rule = (text: string) => ruleSummary(parseJson(text) as JsonObject);
    expect(rule('{"Variable":"$.s","StringMatches":"log-*.txt"}')).toBe('$.s matches "log-*.txt"');
    expect(rule('{"Variable":"$.x","IsNull":false}')).toBe("$.x is not null");
    expect(rule('{"Variable":"$.t","TimestampLessThanPath":"$.deadline"}')).toBe("$.t < $.deadline");
  });

  it("nests Parallel in Map in Parallel: groups with parentId, a Start per scope, pointer ids", () => {
    const graph = graphOf("062-parallel-in-map-in-parallel.asl.json");
    const top = "/States/Top fan-out";
    const branch0 = `${top}/Branches/0`;
    const map = statePointer(branch0, "For each order");
    const processor = `${map}/ItemProcessor`;
    const checks = statePointer(processor, "Order checks");
    expect(node(graph, top)).toMatchObject({ kind: "state", stateType: "Parallel", isGroup: true, detail: "2 branches", depth: 0 });
    expect(node(graph, branch0)).toMatchObject({ kind: "branch", parentId: top, label: "Branch 1", isGroup: true, depth: 1 });
    expect(node(graph, `${top}/Branches/1`)).toMatchObject({ kind: "branch", parentId: top, label: "Branch 2" });
    expect(node(graph, map)).toMatchObject({ kind: "state", parentId: branch0, stateType: "Map", detail: "Inline", scope: branch0, depth: 2 });
    expect(node(graph, processor)).toMatchObject({ kind: "processor", parentId: map, label: "Item processor" });
    expect(node(graph, checks)).toMatchObject({ parentId: processor, depth: 4 });
    expect(node(graph, `${checks}/Branches/1/States/Check address`)).toMatchObject({ parentId: `${checks}/Branches/1`, depth: 6, resource: "function:Address" });
    // Each scope has its own Start marker and StartAt edge: the machine, 2 + 2 branches, 1 processor.
    expect(graph.nodes.filter((n) => n.kind === "start").map((n) => n.id)).toHaveLength(6);
    expect(graph.edges.find((e) => e.id === `${processor}/StartAt`)).toMatchObject({ source: `start:${processor}`, target: checks, scope: processor });
    expect(node(graph, `start:${processor}`)!.parentId).toBe(processor);
    expect(count(graph.nodes)).toEqual({ state: 8, start: 6, end: 6, branch: 4, processor: 1 });
    expect(edgesFrom(graph, top).map((e) => e.target)).toEqual(["/States/Finish"]);
  });

  it("draws the legacy Iterator as a processor group", () => {
    const graph = graphOf("048-map-legacy-iterator-parameters.asl.json");
    expect(node(graph, "/States/Legacy map/Iterator")).toMatchObject({ kind: "processor", label: "Iterator", parentId: "/States/Legacy map" });
  });

  it("shows a transition to a state that does not exist as a missing node", () => {
    const graph = buildGraph(importAsl('{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}'));
    expect(node(graph, "missing:/States/Nowhere")).toMatchObject({ kind: "missing", label: "Nowhere" });
    expect(graph.edges.find((e) => e.id === "/States/A/Next")!.target).toBe("missing:/States/Nowhere");
  });

  it("keeps integer-like state names and ids apart", () => {
    const graph = buildGraph(importAsl('{"StartAt":"2","States":{"2":{"Type":"Pass","Next":"1"},"1":{"Type":"Succeed"}}}'));
    expect(graph.nodes.filter((n) => n.kind === "state").map((n) => n.label)).toEqual(["2", "1"]);
  });

  it.each(Object.keys(corpus).sort())("%s: unique ids, parents first, every edge between known nodes", (name) => {
    const graph = graphOf(name);
    const seen = new Set<string>();
    for (const n of graph.nodes) {
      expect(seen.has(n.id), `duplicate ${n.id}`).toBe(false);
      if (n.parentId !== undefined) expect(seen.has(n.parentId), `${n.id} before its parent`).toBe(true);
      seen.add(n.id);
    }
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
    for (const e of graph.edges) {
      expect(seen.has(e.source) && seen.has(e.target), e.id).toBe(true);
    }
    expect(graph.nodes.some((n) => n.kind === "missing")).toBe(false); // the corpus is valid
  });
});
