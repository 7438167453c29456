/**
 * Edge routes: ELK routes every edge orthogonally around the nodes (and around and across group borders); the
 * canvas draws those routes, so that an edge to a state several layers away, a Catch to a handler on the side or
 * a Choice's Default does not run behind the states and groups in between, as a path drawn from handle to
 * handle would.
 *
 * ELK's route starts and ends wherever it chose on the two nodes' borders; the canvas's edges leave from its
 * handles (a Choice's rule and Default handles side by side, a Catch on the right) and enter at the top. So the
 * route's first and last legs are moved onto the handles (`fitRoute`); a route of another shape (a straight
 * line, a leg that is not vertical) is not used, and the caller draws its usual path instead.
 */
import type { ElkNode } from "elkjs/lib/elk-api";

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** ELK's route of every edge, by edge id: start, bend points, end, in canvas coordinates. Requires the layout
 * option `elk.json.edgeCoords: ROOT` (LAYOUT_OPTIONS), which makes ELK give edge points relative to the root. */
export function readElkRoutes(laidOut: ElkNode): Map<string, Point[]> {
  const routes = new Map<string, Point[]>();
  const visit = (node: ElkNode) => {
    for (const edge of node.edges ?? []) {
      const sections = edge.sections ?? [];
      if (sections.length !== 1) continue; // (one section per edge with one source and one target)
      const [section] = sections;
      routes.set(edge.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y })));
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(laidOut);
  return routes;
}

/** Where a handle sits on its node: a source at the bottom or on the right (a Catch), a target at the top. */
export type HandleSide = "bottom" | "right";

const SIDE_STEP = 16; // how far an edge leaving a right-hand handle goes right before turning down

/**
 * The route with its first leg leaving from `source` and its last entering `target`, or undefined when the
 * route is not the down-across(-down…)-down shape whose ends can be moved along their legs: at least two bends,
 * a vertical first leg going down from the source and a vertical last leg going down into the target.
 */
export function fitRoute(route: readonly Point[], source: Point, side: HandleSide, target: Point): Point[] | undefined {
  if (route.length < 4) return undefined;
  const start = route[0];
  const first = route[1];
  const last = route[route.length - 2];
  const end = route[route.length - 1];
  if (!near(first.x, start.x) || first.y <= source.y || !near(last.x, end.x) || target.y <= last.y) return undefined;
  const middle = route.slice(2, -2);
  const head = side === "right"
    ? [source, { x: source.x + SIDE_STEP, y: source.y }, { x: source.x + SIDE_STEP, y: first.y }]
    : [source, { x: source.x, y: first.y }];
  return withoutRepeats([...head, ...middle, { x: target.x, y: last.y }, target]);
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.5; // (ELK's coordinates carry rounding errors: 122 and 122.00000000000001)
}

function withoutRepeats(points: Point[]): Point[] {
  return points.filter((point, i) => i === 0 || point.x !== points[i - 1].x || point.y !== points[i - 1].y);
}

/** An SVG path through the points, its corners rounded (at most `radius`, less where a leg is short). */
export function roundedPath(points: readonly Point[], radius = 8): string {
  let path = `M${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [before, corner, after] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, distance(before, corner) / 2, distance(corner, after) / 2);
    const into = towards(corner, before, r);
    const out = towards(corner, after, r);
    path += ` L${into.x} ${into.y} Q${corner.x} ${corner.y} ${out.x} ${out.y}`;
  }
  const end = points[points.length - 1];
  return `${path} L${end.x} ${end.y}`;
}

/** Where an edge's label goes: the middle of its longest leg. */
export function labelPoint(points: readonly Point[]): Point {
  let best = 0;
  for (let i = 1; i < points.length - 1; i++) {
    if (distance(points[i], points[i + 1]) > distance(points[best], points[best + 1])) best = i;
  }
  return { x: (points[best].x + points[best + 1].x) / 2, y: (points[best].y + points[best + 1].y) / 2 };
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function towards(from: Point, to: Point, length: number): Point {
  const d = distance(from, to);
  return d === 0 ? from : { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}
