/**
 * Layout: the elkjs input for a graph, reading elkjs's answer back, and the layout record.
 *
 * The ELK graph is hierarchical (a Parallel or Map node contains its branches, which contain their states)
 * and laid out in one pass with `hierarchyHandling: INCLUDE_CHILDREN`, layered and top-down, in document
 * order, so edges that cross group borders (into a group, out of it to the next state) are routed with
 * everything else. Each edge is declared in the innermost group holding both its ends, which is where ELK
 * expects it. This module only builds and reads plain objects (`import type` from elkjs): running ELK, which is
 * large and best loaded lazily or in a worker, is the caller's business.
 *
 * The layout record holds positions the user chose by dragging, keyed by node id (a state's pointer), and
 * lives beside the ASL, never inside it. Positions are relative to the node's parent group, as ELK returns
 * them and as @xyflow/react wants them for nodes with a `parentId`.
 */
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { AslGraph, GraphNode } from "./graph";

export interface Size {
  readonly width: number;
  readonly height: number;
}
export interface Position {
  readonly x: number;
  readonly y: number;
}
export interface Box extends Position, Size {}

/** Leaf sizes the layout reserves; the canvas must draw nodes at these sizes. Groups are sized by ELK. */
export const NODE_SIZES: Readonly<Record<"state" | "marker" | "missing", Size>> = {
  state: { width: 220, height: 64 },
  marker: { width: 44, height: 44 },
  missing: { width: 180, height: 44 },
};

export interface Padding {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/**
 * Room inside a group around what it holds, with room at the top for its header (a Parallel or Map state's
 * name, type and resource; a branch's label). Numbers for provisional.ts, ELK's text form for ELK.
 */
export const GROUP_PADDINGS: Readonly<Record<"state" | "scope", Padding>> = {
  state: { top: 72, left: 20, bottom: 20, right: 20 },
  scope: { top: 36, left: 16, bottom: 16, right: 16 },
};
const elkPadding = ({ top, left, bottom, right }: Padding) => `[top=${top},left=${left},bottom=${bottom},right=${right}]`;
export const GROUP_PADDING = { state: elkPadding(GROUP_PADDINGS.state), scope: elkPadding(GROUP_PADDINGS.scope) };

/** Gaps between neighbours in a layer and between layers (ELK's spacing options, and provisional.ts's). */
export const NODE_SPACING = 40;
export const LAYER_SPACING = 56;

export const LAYOUT_OPTIONS: Readonly<Record<string, string>> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.spacing.nodeNode": String(NODE_SPACING),
  "elk.layered.spacing.nodeNodeBetweenLayers": String(LAYER_SPACING),
  "elk.spacing.edgeLabel": "6",
  "elk.json.edgeCoords": "ROOT", // edge routes in canvas coordinates (routes.ts); node boxes stay parent-relative
};

export interface ElkGraphOptions {
  /** The size of a leaf node (default: NODE_SIZES by kind). */
  readonly sizeOf?: (node: GraphNode) => Size;
  /** Edge label sizes, so ELK leaves room for them; default: none (labels drawn over the edge by the canvas). */
  readonly labelSize?: (label: string) => Size;
  /** Extra layout options for the root (override LAYOUT_OPTIONS). */
  readonly layoutOptions?: Readonly<Record<string, string>>;
}

export function defaultSize(node: GraphNode): Size {
  if (node.kind === "start" || node.kind === "end") return NODE_SIZES.marker;
  if (node.kind === "missing") return NODE_SIZES.missing;
  return NODE_SIZES.state;
}

/** The graph as an ELK graph: nested children for groups, each edge in the innermost group holding both ends. */
export function toElkGraph(graph: AslGraph, options: ElkGraphOptions = {}): ElkNode {
  const sizeOf = options.sizeOf ?? defaultSize;
  const root: ElkNode = { id: "root", layoutOptions: { ...LAYOUT_OPTIONS, ...options.layoutOptions }, children: [], edges: [] };
  const elkNodes = new Map<string, ElkNode>();
  const parents = new Map<string, string | undefined>();
  for (const node of graph.nodes) {
    const elkNode: ElkNode = node.isGroup
      ? { id: node.id, layoutOptions: { "elk.padding": node.kind === "state" ? GROUP_PADDING.state : GROUP_PADDING.scope }, children: [], edges: [] }
      : { id: node.id, ...sizeOf(node) };
    elkNodes.set(node.id, elkNode);
    parents.set(node.id, node.parentId);
    const parent = node.parentId === undefined ? root : elkNodes.get(node.parentId);
    if (!parent) throw new Error(`Node ${node.id} comes before its parent ${node.parentId}`);
    parent.children!.push(elkNode);
  }
  // A group that ends up empty (a branch with no states) still needs a size.
  for (const elkNode of elkNodes.values()) {
    if (elkNode.children && elkNode.children.length === 0) {
      delete elkNode.children;
      delete elkNode.edges;
      Object.assign(elkNode, NODE_SIZES.state);
    }
  }
  for (const edge of graph.edges) {
    const container = commonAncestor(edge.source, edge.target, parents);
    const owner = container === undefined ? root : elkNodes.get(container)!;
    const elkEdge: ElkExtendedEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
    if (edge.label !== undefined && options.labelSize) elkEdge.labels = [{ text: edge.label, ...options.labelSize(edge.label) }];
    (owner.edges ??= []).push(elkEdge);
  }
  return root;
}

/** The innermost group containing both nodes (undefined: the root). A group never contains itself here. */
function commonAncestor(a: string, b: string, parents: ReadonlyMap<string, string | undefined>): string | undefined {
  const chain = new Set<string>();
  for (let p = parents.get(a); p !== undefined; p = parents.get(p)) chain.add(p);
  for (let p = parents.get(b); p !== undefined; p = parents.get(p)) if (chain.has(p)) return p;
  return undefined;
}

/** Every node's box from ELK's answer, relative to its parent group (ELK's and React Flow's convention). */
export function readElkLayout(laidOut: ElkNode): Map<string, Box> {
  const boxes = new Map<string, Box>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      boxes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
  };
  visit(laidOut);
  return boxes;
}

// ---------------------------------------------------------------------------------------------------------
// The layout record

/** Positions the user chose, by node id (relative to the parent group). Kept beside the ASL, never in it. */
export type LayoutRecord = Readonly<Record<string, Position>>;

/** The automatic boxes with the record's positions applied (sizes stay ELK's). */
export function applyLayoutRecord(boxes: ReadonlyMap<string, Box>, record: LayoutRecord): Map<string, Box> {
  const out = new Map(boxes);
  for (const [id, box] of boxes) {
    const manual = Object.hasOwn(record, id) ? record[id] : undefined;
    if (manual) out.set(id, { ...box, x: manual.x, y: manual.y });
  }
  return out;
}

/** Every node's box in canvas coordinates (the layout's positions, and the record's, are relative to the parent group). */
export function absoluteBoxes(graph: AslGraph, boxes: ReadonlyMap<string, Box>, record: LayoutRecord = {}): Map<string, Box> {
  const out = new Map<string, Box>();
  for (const node of graph.nodes) {
    // graph.nodes come parents first, so a parent's absolute box is known before its children's.
    const box = boxes.get(node.id);
    if (!box) continue;
    const manual = Object.hasOwn(record, node.id) ? record[node.id] : undefined;
    const parent = node.parentId === undefined ? { x: 0, y: 0 } : out.get(node.parentId);
    if (!parent) continue;
    out.set(node.id, { ...box, x: parent.x + (manual ?? box).x, y: parent.y + (manual ?? box).y });
  }
  return out;
}

export function moveNode(record: LayoutRecord, id: string, position: Position): LayoutRecord {
  return { ...record, [id]: { x: position.x, y: position.y } };
}

const ID_PREFIXES = ["start:", "end:", "missing:"];

/**
 * Follows a rename (or any move of a state to a new pointer): the state's own entry and those of everything
 * nested in it (its branches, their states and markers) move to the new pointer.
 */
export function renameInLayout(record: LayoutRecord, oldPointer: string, newPointer: string): LayoutRecord {
  if (oldPointer === newPointer) return record;
  const remap = (pointer: string) =>
    pointer === oldPointer || pointer.startsWith(oldPointer + "/") ? newPointer + pointer.slice(oldPointer.length) : pointer;
  const out: Record<string, Position> = {};
  for (const [id, position] of Object.entries(record)) {
    const prefix = ID_PREFIXES.find((p) => id.startsWith(p)) ?? "";
    out[prefix + remap(id.slice(prefix.length))] = position;
  }
  return out;
}

/** The record without entries for nodes the graph no longer has (after a delete). */
export function pruneLayout(record: LayoutRecord, graph: AslGraph): LayoutRecord {
  const ids = new Set(graph.nodes.map((node) => node.id));
  const out: Record<string, Position> = {};
  let dropped = false;
  for (const [id, position] of Object.entries(record)) {
    if (ids.has(id)) out[id] = position;
    else dropped = true;
  }
  return dropped ? out : record;
}

/** Reads a stored layout record, keeping only well-formed entries (a record is a convenience, not data to fail on). */
export function parseLayoutRecord(value: unknown): LayoutRecord {
  const out: Record<string, Position> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return out;
  for (const [id, position] of Object.entries(value as Record<string, unknown>)) {
    const { x, y } = (position ?? {}) as { x?: unknown; y?: unknown };
    if (typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)) out[id] = { x, y };
  }
  return out;
}
