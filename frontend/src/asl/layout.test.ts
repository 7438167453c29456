import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { describe, expect, it } from "vitest";
import { importAsl, statePointer } from "./document";
import { renameState } from "./edit";
import { buildGraph } from "./graph";
import {
  absoluteBoxes,
  applyLayoutRecord,
  moveNode,
  parseLayoutRecord,
  pruneLayout,
  readElkLayout,
  renameInLayout,
  toElkGraph,
  NODE_SIZES,
  type Box,
} from "./layout";
import { corpusFile } from "./testing";

const graphOf = (name: string) => buildGraph(importAsl(corpusFile(name)));
const elk = new ELK();

function findElk(root: ElkNode, id: string): ElkNode | undefined {
  if (root.id === id) return root;
  for (const child of root.children ?? []) {
    const found = findElk(child, id);
    if (found) return found;
  }
  return undefined;
}

describe("toElkGraph", () => {
  it("nests groups and puts each edge in the group that holds both ends", () => {
    const graph = graphOf("062-parallel-in-map-in-parallel.asl.json");
    const root = toElkGraph(graph);
    expect(root.layoutOptions).toMatchObject({ "elk.algorithm": "layered", "elk.direction": "DOWN", "elk.hierarchyHandling": "INCLUDE_CHILDREN" });
    const top = findElk(root, "/States/Top fan-out")!;
    expect(top.children!.map((c) => c.id)).toEqual(["/States/Top fan-out/Branches/0", "/States/Top fan-out/Branches/1"]);
    expect(top.width).toBeUndefined(); // groups are sized by ELK
    const branch = findElk(root, "/States/Top fan-out/Branches/0")!;
    expect(branch.edges!.map((e) => e.id)).toEqual(["/States/Top fan-out/Branches/0/StartAt", "end:/States/Top fan-out/Branches/0/States/For each order"]);
    expect(root.edges!.map((e) => e.id)).toEqual(["/StartAt", "/States/Top fan-out/Next", "end:/States/Finish"]);
    expect(findElk(root, "/States/Finish")).toMatchObject(NODE_SIZES.state);
    expect(findElk(root, "start:")).toMatchObject(NODE_SIZES.marker);
    const edgeCount = (n: ElkNode): number => (n.edges?.length ?? 0) + (n.children ?? []).reduce((s, c) => s + edgeCount(c), 0);
    expect(edgeCount(root)).toBe(graph.edges.length);
  });

  it.each(["062-parallel-in-map-in-parallel.asl.json", "064-deep-nesting-five.asl.json", "065-parallel-branch-with-choice-loop.asl.json", "132-generated-50-branch-parallel.asl.json"])(
    "%s: elkjs lays it out, children inside their groups, top-down",
    async (name) => {
      const graph = graphOf(name);
      const boxes = readElkLayout(await elk.layout(toElkGraph(graph)));
      expect(boxes.size).toBe(graph.nodes.length);
      const abs = absoluteBoxes(graph, boxes);
      for (const node of graph.nodes) {
        const box = abs.get(node.id)!;
        expect(box.width, node.id).toBeGreaterThan(0);
        if (node.parentId === undefined) continue;
        const parent = abs.get(node.parentId)!;
        expect(box.x, node.id).toBeGreaterThanOrEqual(parent.x);
        expect(box.y, node.id).toBeGreaterThanOrEqual(parent.y);
        expect(box.x + box.width, node.id).toBeLessThanOrEqual(parent.x + parent.width + 0.001);
        expect(box.y + box.height, node.id).toBeLessThanOrEqual(parent.y + parent.height + 0.001);
      }
      // Top-down in every scope, nested ones included: each Start marker is wholly above the state it
      // starts, and each End marker below the states that end there.
      for (const edge of graph.edges.filter((e) => e.kind === "start" || e.kind === "end")) {
        const source = abs.get(edge.source)!;
        expect(source.y + source.height, edge.id).toBeLessThan(abs.get(edge.target)!.y);
      }
    },
  );
});

describe("markers and states of the same name", () => {
  it("gives a state named Start or End its own node, apart from the Start and End markers, at every level", async () => {
    const graph = buildGraph(importAsl(JSON.stringify({
      StartAt: "Start",
      States: {
        Start: { Type: "Pass", Next: "P" },
        P: { Type: "Parallel", Branches: [{ StartAt: "End", States: { End: { Type: "Pass", End: true } } }], Next: "Done" },
        Done: { Type: "Succeed" },
      },
    })));
    const ids = graph.nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["start:", "/States/Start", "end:", "start:/States/P/Branches/0", "/States/P/Branches/0/States/End", "end:/States/P/Branches/0"]));
    const abs = absoluteBoxes(graph, readElkLayout(await elk.layout(toElkGraph(graph))));
    const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const leaves = graph.nodes.filter((node) => !node.isGroup);
    for (const a of leaves) {
      for (const b of leaves) if (a !== b) expect(overlap(abs.get(a.id)!, abs.get(b.id)!), `${a.id} / ${b.id}`).toBe(false);
    }
  });
});

describe("layout record", () => {
  const boxes = new Map<string, Box>([
    ["/States/A", { x: 0, y: 0, width: 220, height: 64 }],
    ["/States/P", { x: 0, y: 100, width: 400, height: 300 }],
  ]);

  it("overrides automatic positions with the user's, keeping sizes", () => {
    const record = moveNode({}, "/States/P", { x: 50, y: 60 });
    const placed = applyLayoutRecord(boxes, record);
    expect(placed.get("/States/P")).toEqual({ x: 50, y: 60, width: 400, height: 300 });
    expect(placed.get("/States/A")).toBe(boxes.get("/States/A"));
  });

  it("follows a rename of a group into everything nested in it", () => {
    const doc = importAsl(corpusFile("062-parallel-in-map-in-parallel.asl.json"));
    const graph = buildGraph(doc);
    const record = Object.fromEntries(graph.nodes.map((n, i) => [n.id, { x: i, y: i }]));
    const renamed = renameState(doc, "/States/Top fan-out", "Split");
    const moved = renameInLayout(record, "/States/Top fan-out", "/States/Split");
    const newGraph = buildGraph(renamed);
    expect(Object.keys(moved).sort()).toEqual(newGraph.nodes.map((n) => n.id).sort());
    const map = statePointer("/States/Split/Branches/0", "For each order");
    expect(moved[`start:${map}/ItemProcessor`]).toEqual(record[`start:${statePointer("/States/Top fan-out/Branches/0", "For each order")}/ItemProcessor`]);
    expect(moved["/States/Finish"]).toEqual(record["/States/Finish"]);
  });

  it("drops entries for nodes that are gone and reads stored records defensively", () => {
    const graph = buildGraph(importAsl('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}'));
    const record = { "/States/A": { x: 1, y: 2 }, "/States/Gone": { x: 3, y: 4 } };
    expect(pruneLayout(record, graph)).toEqual({ "/States/A": { x: 1, y: 2 } });
    expect(parseLayoutRecord({ "/States/A": { x: 1, y: 2 }, bad: { x: "1" }, worse: null })).toEqual({ "/States/A": { x: 1, y: 2 } });
    expect(parseLayoutRecord([1])).toEqual({});
  });
});
