import { describe, expect, it } from "vitest";
import { absoluteBoxes, buildGraph, importAsl, provisionalLayout } from "../asl";
import { corpusFile } from "../asl/testing";
import { anchorNode, viewportKeeping } from "./layoutSwitch";

const graph = buildGraph(importAsl(corpusFile("062-parallel-in-map-in-parallel.asl.json")));
const boxes = provisionalLayout(graph);

describe("layout switch", () => {
  it("adds the parents' positions, and a manual position replaces the layout's", () => {
    const nested = graph.nodes.find((node) => node.depth >= 2)!;
    const abs = absoluteBoxes(graph, boxes, {});
    let x = 0;
    for (let id: string | undefined = nested.id; id !== undefined; id = graph.nodes.find((n) => n.id === id)!.parentId) x += boxes.get(id)!.x;
    expect(abs.get(nested.id)!.x).toBe(x);
    const moved = absoluteBoxes(graph, boxes, { [nested.parentId!]: { x: 1000, y: 0 } });
    expect(moved.get(nested.id)!.x - abs.get(nested.id)!.x).toBe(1000 - boxes.get(nested.parentId!)!.x);
  });

  it("anchors the selection, else the leaf nearest the centre", () => {
    const abs = absoluteBoxes(graph, boxes, {});
    expect(anchorNode(abs, ["gone", "/States/Finish"], { x: 0, y: 0 }, graph)).toBe("/States/Finish");
    const start = abs.get("start:")!;
    expect(anchorNode(abs, [], { x: start.x + 1, y: start.y + 1 }, graph)).toBe("start:");
  });

  it("shifts the view by the anchor's move, scaled by the zoom", () => {
    const before = { x: 100, y: 200, width: 10, height: 10 };
    const after = { x: 150, y: 100, width: 10, height: 10 };
    const viewport = viewportKeeping({ x: 10, y: 20, zoom: 0.5 }, before, after);
    expect(viewport).toEqual({ x: 10 - 25, y: 20 + 50, zoom: 0.5 });
    // The anchor's screen position: canvas * zoom + offset, the same before and after.
    expect(after.x * viewport.zoom + viewport.x).toBe(before.x * 0.5 + 10);
    expect(after.y * viewport.zoom + viewport.y).toBe(before.y * 0.5 + 20);
  });
});
