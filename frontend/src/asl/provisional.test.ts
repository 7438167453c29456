import { describe, expect, it } from "vitest";
import { importAsl } from "./document";
import { buildGraph, type AslGraph } from "./graph";
import { defaultSize, GROUP_PADDINGS, NODE_SIZES, type Box } from "./layout";
import { provisionalLayout } from "./provisional";
import { corpus, corpusFile } from "./testing";

const graphs: [string, AslGraph][] = Object.entries(corpus).map(([name, text]) => [name, buildGraph(importAsl(text))]);
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("provisionalLayout", () => {
  it.each(graphs)("%s: a box for every node, inside its group, siblings apart", (_name, graph) => {
    const boxes = provisionalLayout(graph);
    expect(boxes.size).toBe(graph.nodes.length);
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    const siblings = new Map<string | undefined, Box[]>();
    for (const node of graph.nodes) {
      const box = boxes.get(node.id)!;
      for (const value of [box.x, box.y, box.width, box.height]) expect(Number.isFinite(value), node.id).toBe(true);
      if (!node.isGroup) expect({ width: box.width, height: box.height }).toEqual(defaultSize(node));
      if (node.parentId !== undefined) {
        // Relative to the parent: within its padding, header room included.
        const parent = boxes.get(node.parentId)!;
        const padding = byId.get(node.parentId)!.kind === "state" ? GROUP_PADDINGS.state : GROUP_PADDINGS.scope;
        expect(box.x, node.id).toBeGreaterThanOrEqual(padding.left);
        expect(box.y, node.id).toBeGreaterThanOrEqual(padding.top);
        expect(box.x + box.width, node.id).toBeLessThanOrEqual(parent.width - padding.right + 1e-9);
        expect(box.y + box.height, node.id).toBeLessThanOrEqual(parent.height - padding.bottom + 1e-9);
      }
      const list = siblings.get(node.parentId) ?? [];
      for (const other of list) expect(overlap(box, other), node.id).toBe(false);
      siblings.set(node.parentId, [...list, box]);
    }
  });

  it("is deterministic", () => {
    for (const [name, graph] of graphs) {
      expect([...provisionalLayout(graph)], name).toEqual([...provisionalLayout(buildGraph(importAsl(corpus[name])))]);
    }
  });

  it("layers each scope top-down from its Start, loops cut where they close", () => {
    const graph = buildGraph(importAsl(corpusFile("065-parallel-branch-with-choice-loop.asl.json")));
    const boxes = provisionalLayout(graph);
    // Every Start marker above what it starts, every End marker below what ends there.
    for (const edge of graph.edges.filter((e) => e.kind === "start" || e.kind === "end")) {
      const source = boxes.get(edge.source)!;
      expect(source.y + source.height, edge.id).toBeLessThan(boxes.get(edge.target)!.y);
    }
  });

  it("stacks a chain, puts a Choice's targets side by side, sizes groups from what they hold", () => {
    const graph = buildGraph(importAsl(JSON.stringify({
      StartAt: "A",
      States: {
        A: { Type: "Choice", Choices: [{ Variable: "$.x", BooleanEquals: true, Next: "B" }], Default: "C" },
        B: { Type: "Pass", Next: "A" },
        C: { Type: "Parallel", Branches: [{ StartAt: "D", States: { D: { Type: "Succeed" } } }, { States: {} }], End: true },
      },
    })));
    const boxes = provisionalLayout(graph);
    const [a, b, c] = ["/States/A", "/States/B", "/States/C"].map((id) => boxes.get(id)!);
    expect(b.y + b.height / 2).toBe(c.y + c.height / 2); // the loop back to A is cut: B and C share a layer, centred
    expect(a.y).toBeLessThan(b.y);
    expect(b.x).toBeLessThan(c.x); // document order
    // A branch without states holds its Start marker only.
    const { top, left, bottom, right } = GROUP_PADDINGS.scope;
    expect(boxes.get("/States/C/Branches/1")).toMatchObject({ width: left + NODE_SIZES.marker.width + right, height: top + NODE_SIZES.marker.height + bottom });
    expect(boxes.get("/States/C/Branches/0")!.height).toBeGreaterThan(NODE_SIZES.state.height);
  });
});
