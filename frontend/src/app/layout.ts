/**
 * Automatic layout with elkjs: layered, top-down, in the order the states are written (so a definition reads
 * like its JSON). Positions are computed from the sizes the nodes declare; nothing is written back into ASL.
 */
import type { ELK } from "elkjs/lib/elk-api";
import type { DesignGraph } from "./definitionGraph";

let elk: Promise<ELK> | undefined;

// elkjs is large (about 1.5 MB): loaded in its own chunk, while the page and the definition load.
export function loadLayoutEngine(): Promise<ELK> {
  elk ??= import("elkjs/lib/elk.bundled.js").then(({ default: ElkConstructor }) => new ElkConstructor());
  return elk;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.spacing.nodeNode": "40",
  "elk.layered.spacing.nodeNodeBetweenLayers": "56",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.edgeRouting": "ORTHOGONAL",
};

export async function layoutGraph(graph: DesignGraph): Promise<DesignGraph> {
  const laidOut = await (await loadLayoutEngine()).layout({
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: graph.nodes.map((node) => ({ id: node.id, width: node.width, height: node.height })),
    edges: graph.edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  });
  const positions = new Map((laidOut.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
  return { ...graph, nodes: graph.nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position })) };
}
