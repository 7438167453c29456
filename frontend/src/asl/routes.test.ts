import ELK from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { importAsl } from "./document";
import { buildGraph, type AslGraph, type GraphEdge } from "./graph";
import { absoluteBoxes, readElkLayout, toElkGraph, type Box } from "./layout";
import { fitRoute, labelPoint, readElkRoutes, roundedPath, type Point } from "./routes";
import { corpus, corpusFile } from "./testing";

const elk = new ELK();

async function layOut(graph: AslGraph) {
  const laidOut = await elk.layout(toElkGraph(graph));
  return { boxes: absoluteBoxes(graph, readElkLayout(laidOut)), routes: readElkRoutes(laidOut) };
}

/** The canvas's handles (nodes/StateNode.tsx), near enough: a Catch on the right, the rest bottom centre. */
function fitted(edge: GraphEdge, route: Point[], boxes: Map<string, Box>): Point[] | undefined {
  const from = boxes.get(edge.source)!;
  const to = boxes.get(edge.target)!;
  const target = { x: to.x + to.width / 2, y: to.y };
  return edge.kind === "catch"
    ? fitRoute(route, { x: from.x + from.width, y: from.y + from.height / 2 }, "right", target)
    : fitRoute(route, { x: from.x + from.width / 2, y: from.y + from.height }, "bottom", target);
}

function ancestors(graph: AslGraph, id: string): Set<string> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const out = new Set<string>([id]);
  for (let node = byId.get(id); node?.parentId !== undefined; node = byId.get(node.parentId)) out.add(node.parentId);
  return out;
}

/** Whether an axis-parallel segment passes through the inside of a box (touching its border does not count). */
function crosses(a: Point, b: Point, box: Box): boolean {
  const [left, right, top, bottom] = [box.x + 1, box.x + box.width - 1, box.y + 1, box.y + box.height - 1];
  return Math.max(a.x, b.x) > left && Math.min(a.x, b.x) < right && Math.max(a.y, b.y) > top && Math.min(a.y, b.y) < bottom;
}

describe("edge routes", () => {
  it("reads ELK's routes in canvas coordinates: they start on the source's border and end on the target's", async () => {
    const graph = buildGraph(importAsl(corpusFile("093-order-processing.asl.json")));
    const { boxes, routes } = await layOut(graph);
    expect(routes.size).toBe(graph.edges.length);
    for (const edge of graph.edges) {
      const route = routes.get(edge.id)!;
      const [from, to] = [boxes.get(edge.source)!, boxes.get(edge.target)!];
      expect(route[0].y).toBeCloseTo(from.y + from.height); // down from the bottom…
      expect(route[route.length - 1].y).toBeCloseTo(to.y); // …into the top
      expect(route[0].x).toBeGreaterThanOrEqual(from.x);
      expect(route[0].x).toBeLessThanOrEqual(from.x + from.width);
    }
  });

  it("takes no edge fitted to the handles through a state or group it does not belong to, in the whole corpus", async () => {
    let routed = 0;
    for (const [name, text] of Object.entries(corpus)) {
      const graph = buildGraph(importAsl(text));
      const { boxes, routes } = await layOut(graph);
      for (const edge of graph.edges) {
        const points = fitted(edge, routes.get(edge.id)!, boxes);
        if (!points) continue;
        routed++;
        const own = new Set([...ancestors(graph, edge.source), ...ancestors(graph, edge.target)]);
        for (const node of graph.nodes) {
          if (own.has(node.id)) continue;
          for (let i = 0; i < points.length - 1; i++) {
            expect(crosses(points[i], points[i + 1], boxes.get(node.id)!), `${name}: ${edge.id} through ${node.id}`).toBe(false);
          }
        }
      }
    }
    expect(routed).toBeGreaterThan(300); // (the rest are straight lines between neighbours, drawn as they were)
  }, 120_000);

  it("the order-processing machine's Default and Catch go around the states between, not behind them", async () => {
    const graph = buildGraph(importAsl(corpusFile("093-order-processing.asl.json")));
    const { boxes, routes } = await layOut(graph);
    const charge = boxes.get("/States/Charge payment")!;
    const defaultEdge = graph.edges.find((edge) => edge.kind === "default")!;
    const points = fitted(defaultEdge, routes.get(defaultEdge.id)!, boxes)!;
    expect(points).toBeDefined();
    // A straight line from the Choice's handle down to "Order rejected" would run through "Charge payment".
    for (let i = 0; i < points.length - 1; i++) expect(crosses(points[i], points[i + 1], charge)).toBe(false);
  });
});

describe("fitRoute", () => {
  const route = [{ x: 50, y: 100 }, { x: 50, y: 110 }, { x: 300, y: 110 }, { x: 300, y: 200 }];

  it("moves the first and last legs onto the handles", () => {
    expect(fitRoute(route, { x: 40, y: 100 }, "bottom", { x: 310, y: 200 })).toEqual([
      { x: 40, y: 100 }, { x: 40, y: 110 }, { x: 310, y: 110 }, { x: 310, y: 200 },
    ]);
  });

  it("leaves a right-hand handle sideways, then turns down", () => {
    expect(fitRoute(route, { x: 120, y: 68 }, "right", { x: 300, y: 200 })).toEqual([
      { x: 120, y: 68 }, { x: 136, y: 68 }, { x: 136, y: 110 }, { x: 300, y: 110 }, { x: 300, y: 200 },
    ]);
  });

  it("refuses routes of other shapes: straight, or with a leg that is not vertical at either end", () => {
    expect(fitRoute([{ x: 50, y: 100 }, { x: 50, y: 200 }], { x: 50, y: 100 }, "bottom", { x: 50, y: 200 })).toBeUndefined();
    const sideways = [{ x: 50, y: 100 }, { x: 60, y: 100 }, { x: 60, y: 150 }, { x: 300, y: 150 }, { x: 300, y: 200 }];
    expect(fitRoute(sideways, { x: 50, y: 100 }, "bottom", { x: 300, y: 200 })).toBeUndefined();
    // A target above the route's last bend (the node was dragged up): not this route any more.
    expect(fitRoute(route, { x: 50, y: 100 }, "bottom", { x: 300, y: 90 })).toBeUndefined();
  });
});

describe("drawing a route", () => {
  it("rounds the corners, less where a leg is short", () => {
    const points = [{ x: 0, y: 0 }, { x: 0, y: 100 }, { x: 6, y: 100 }, { x: 6, y: 200 }];
    expect(roundedPath(points)).toBe("M0 0 L0 97 Q0 100 3 100 L3 100 Q6 100 6 103 L6 200");
  });

  it("puts the label in the middle of the longest leg", () => {
    expect(labelPoint([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 200, y: 10 }, { x: 200, y: 30 }])).toEqual({ x: 100, y: 10 });
  });
});
