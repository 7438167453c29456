/**
 * src/asl's graph as React Flow nodes and edges: the one step from plain data to what @xyflow/react draws.
 *
 * Node types: `state` (a leaf state), `container` (a Parallel or Map state holding its branches or processor),
 * `scope` (a branch or an item processor, holding its states and its own Start marker), `marker` (Start, End)
 * and `missing` (a transition's target that does not exist). Groups are parents (`parentId`), so dragging one
 * moves what it holds and edges cross their borders. Sizes are the layout's (ELK's for groups, src/asl's
 * NODE_SIZES for leaves); positions are relative to the parent, a manual position from the layout record
 * replacing ELK's (even before ELK has placed a node that was just added). Pure: vitest runs it without a DOM.
 */
import { MarkerType, type Edge, type Node } from "@xyflow/react";
import {
  defaultSize,
  formatPointer,
  parsePointer,
  splitStatePointer,
  type AslGraph, type Box, type EdgeKind, type GraphNode, type LayoutRecord, type Point } from "../asl";
import { nodeHandles } from "./nodeHandles";

export type CanvasNodeType = "state" | "container" | "scope" | "marker" | "missing";

export interface CanvasNodeData extends Record<string, unknown> {
  readonly node: GraphNode;
  readonly canEdit: boolean;
}
export type CanvasNode = Node<CanvasNodeData, CanvasNodeType>;
export type CanvasEdge = Edge<{ kind: EdgeKind; route?: readonly Point[] }>;

/** What a node is called for people and tests: "State Check, Choice", "Branch 1 of Fan out"... */
export function nodeLabel(node: GraphNode, owner?: GraphNode): string {
  switch (node.kind) {
    case "state":
      return `State ${node.label}, ${node.stateType ?? "no type"}`;
    case "branch":
    case "processor":
      return owner ? `${node.label} of ${owner.label}` : node.label;
    case "start":
      return node.scope === "" ? "Start of the workflow" : `Start of ${scopeName(node.scope)}`;
    case "end":
      return node.scope === "" ? "End of the workflow" : `End of ${scopeName(node.scope)}`;
    case "missing":
      return `Missing state ${node.label}`;
  }
}

function scopeName(scope: string): string {
  const segments = parsePointer(scope);
  const isBranch = segments[segments.length - 2] === "Branches";
  const owner = splitStatePointer(formatPointer(segments.slice(0, isBranch ? -2 : -1)))?.name ?? "?";
  return isBranch ? `branch ${Number(segments[segments.length - 1]) + 1} of ${owner}` : `the item processor of ${owner}`;
}

export function canvasType(node: GraphNode): CanvasNodeType {
  if (node.kind === "state") return node.isGroup ? "container" : "state";
  if (node.kind === "branch" || node.kind === "processor") return "scope";
  if (node.kind === "missing") return "missing";
  return "marker";
}

export function toCanvasNodes(
  graph: AslGraph,
  boxes: ReadonlyMap<string, Box>,
  record: LayoutRecord,
  options: { canEdit: boolean; selected?: ReadonlySet<string> },
): CanvasNode[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return graph.nodes.map((node): CanvasNode => {
    const box = boxes.get(node.id) ?? { x: 0, y: 0, ...defaultSize(node) };
    const manual = Object.hasOwn(record, node.id) ? record[node.id] : undefined;
    const type = canvasType(node);
    const owner = node.parentId === undefined ? undefined : byId.get(node.parentId);
    const isMarker = type === "marker";
    return {
      id: node.id,
      type,
      position: manual ? { x: manual.x, y: manual.y } : { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      // Known before rendering (sizes are the layout's): React Flow can fit and route without measuring first.
      measured: { width: box.width, height: box.height },
      handles: nodeHandles(node, box),
      // A branch or processor is neither selectable nor draggable, so React Flow would let pointer events through
      // it; it takes them, to be a drop target for the palette (Canvas.onDrop finds it under the pointer).
      style: type === "scope" ? { width: box.width, height: box.height, pointerEvents: "all" } : { width: box.width, height: box.height },
      ...(node.parentId === undefined ? {} : { parentId: node.parentId, extent: "parent" as const }),
      data: { node, canEdit: options.canEdit },
      ariaLabel: nodeLabel(node, owner),
      ariaRole: isMarker ? "img" : "group",
      selectable: type === "state" || type === "container",
      // Tab stops for states only: markers, branches and missing targets take no keyboard action.
      focusable: type === "state" || type === "container",
      draggable: options.canEdit && type !== "scope",
      deletable: options.canEdit && (type === "state" || type === "container"),
      connectable: options.canEdit,
      selected: options.selected?.has(node.id) ?? false,
      className: `canvas-node canvas-${type}`,
    };
  });
}

/** The source handle an edge leaves from (nodes/StateNode.tsx): the handle that would create it. */
function sourceHandle(kind: EdgeKind, source: GraphNode | undefined): string {
  if (kind === "end") return source?.stateType === "Succeed" || source?.stateType === "Fail" ? "end" : "next";
  return kind;
}

export interface EdgeOptions {
  readonly canEdit: boolean;
  /** ELK's routes (edges/RoutedEdge.tsx draws them), when ELK's layout of this graph is the one drawn. */
  readonly routes?: ReadonlyMap<string, readonly Point[]>;
  /** Nodes not where ELK put them (the layout record's, and those being dragged): edges at them, or at a node
   * inside them, are drawn from handle to handle (ELK's route would lead to the old place). */
  readonly moved?: ReadonlySet<string>;
}

export function toCanvasEdges(graph: AslGraph, options: EdgeOptions): CanvasEdge[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const moved = options.moved ?? new Set<string>();
  const away = new Map<string, boolean>(); // node id -> it or a group holding it has moved
  const isAway = (id: string): boolean => {
    let known = away.get(id);
    if (known === undefined) {
      const parent = byId.get(id)?.parentId;
      known = moved.has(id) || (parent !== undefined && isAway(parent));
      away.set(id, known);
    }
    return known;
  };
  return graph.edges.map((edge): CanvasEdge => ({
    id: edge.id,
    source: edge.source,
    sourceHandle: sourceHandle(edge.kind, byId.get(edge.source)),
    target: edge.target,
    type: "routed",
    className: `edge-${edge.kind}`,
    data: {
      kind: edge.kind,
      ...(options.routes && !isAway(edge.source) && !isAway(edge.target) ? { route: options.routes.get(edge.id) } : {}),
    },
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    ariaLabel: edgeLabel(edge.kind, edge.label),
    reconnectable: options.canEdit ? "target" : false,
    deletable: false,
    ...(edge.label === undefined ? {} : { label: truncate(edge.label) }),
  }));
}

function edgeLabel(kind: EdgeKind, label?: string): string {
  const names: Record<EdgeKind, string> = {
    start: "Start", next: "Next", default: "Default", choice: "Choice rule", catch: "Catch", end: "End",
  };
  return label && kind !== "default" ? `${names[kind]}: ${label}` : names[kind];
}

function truncate(text: string, limit = 40): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
