/**
 * A provisional layout, computed in a few milliseconds on the main thread, for the canvas to draw while ELK
 * lays out a large machine (seconds for thousands of nodes): the page is usable at once, and ELK's answer
 * replaces this one when it comes.
 *
 * The same boxes ELK would be asked for (leaf sizes, group paddings, spacings; layout.ts), so that handles and
 * edges render as they will, placed by a simple scheme: each group (and the top level) is laid out on its own,
 * which is exact for ASL since every transition joins two states of the same scope (the graph's markers are per
 * scope). In a scope, a node's layer is its longest path from the scope's roots along transitions, walked in
 * document order with loops cut where they close (a Choice looping back, a Catch retrying); layers stack top-down,
 * each centred, its nodes in document order. Groups are sized bottom-up from what they hold. The result is
 * deterministic and has no overlaps among siblings; it is not ELK's picture, and not meant to be kept.
 */
import type { AslGraph, GraphNode } from "./graph";
import { defaultSize, GROUP_PADDINGS, LAYER_SPACING, NODE_SIZES, NODE_SPACING, type Box, type Size } from "./layout";

/** Every node's box, relative to its parent group (as readElkLayout gives ELK's), group sizes included. */
export function provisionalLayout(graph: AslGraph, sizeOf: (node: GraphNode) => Size = defaultSize): Map<string, Box> {
  const children = new Map<string | undefined, GraphNode[]>();
  const parentOf = new Map<string, string | undefined>();
  for (const node of graph.nodes) {
    parentOf.set(node.id, node.parentId);
    const list = children.get(node.parentId);
    if (list) list.push(node);
    else children.set(node.parentId, [node]);
  }
  const successors = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (parentOf.get(edge.source) !== parentOf.get(edge.target)) continue; // none in ASL's graph; ELK's business
    const list = successors.get(edge.source);
    if (list) list.push(edge.target);
    else successors.set(edge.source, [edge.target]);
  }

  const sizes = new Map<string, Size>();
  const boxes = new Map<string, Box>();
  // graph.nodes come parents first (graph.ts), so in reverse every group comes after everything it holds.
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.isGroup) sizes.set(node.id, sizeOf(node));
    else if (!children.has(node.id)) sizes.set(node.id, NODE_SIZES.state); // an empty branch, as toElkGraph sizes it
    else {
      const padding = node.kind === "state" ? GROUP_PADDINGS.state : GROUP_PADDINGS.scope;
      const content = placeScope(children.get(node.id)!, successors, sizes, boxes, padding.left, padding.top);
      sizes.set(node.id, { width: padding.left + content.width + padding.right, height: padding.top + content.height + padding.bottom });
    }
  }
  placeScope(children.get(undefined) ?? [], successors, sizes, boxes, 0, 0);
  return boxes;
}

/** Places one scope's nodes (sizes known) from (left, top); returns the size of what they cover. */
function placeScope(
  nodes: readonly GraphNode[],
  successors: ReadonlyMap<string, readonly string[]>,
  sizes: ReadonlyMap<string, Size>,
  boxes: Map<string, Box>,
  left: number,
  top: number,
): Size {
  const layerOf = layers(nodes, successors);
  const rows: GraphNode[][] = [];
  for (const node of nodes) (rows[layerOf.get(node.id)!] ??= []).push(node);
  const filled = rows.filter((row) => row !== undefined);
  const rowWidth = (row: GraphNode[]) => row.reduce((sum, node) => sum + sizes.get(node.id)!.width, 0) + NODE_SPACING * (row.length - 1);
  const width = Math.max(0, ...filled.map(rowWidth));
  let y = 0;
  for (const row of filled) {
    const height = Math.max(...row.map((node) => sizes.get(node.id)!.height));
    let x = (width - rowWidth(row)) / 2;
    for (const node of row) {
      const size = sizes.get(node.id)!;
      boxes.set(node.id, { x: left + x, y: top + y + (height - size.height) / 2, width: size.width, height: size.height });
      x += size.width + NODE_SPACING;
    }
    y += height + LAYER_SPACING;
  }
  return { width, height: Math.max(0, y - LAYER_SPACING) };
}

/**
 * Longest-path layers: a depth-first walk from each not yet visited node in document order (the scope's Start
 * marker first) cuts the edges that close a loop; along the rest, a node is one layer below its lowest
 * predecessor. Iterative: a top-level chain can be thousands of states long.
 */
function layers(nodes: readonly GraphNode[], successors: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const inScope = new Set(nodes.map((node) => node.id));
  const state = new Map<string, "open" | "done">();
  const finished: string[] = []; // reverse topological order
  const forward = new Map<string, string[]>();
  for (const root of nodes) {
    if (state.has(root.id)) continue;
    const stack: [string, number][] = [[root.id, 0]];
    state.set(root.id, "open");
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = (successors.get(top[0]) ?? [])[top[1]++];
      if (next === undefined) {
        stack.pop();
        state.set(top[0], "done");
        finished.push(top[0]);
      } else if (inScope.has(next) && state.get(next) !== "open") {
        (forward.get(top[0]) ?? forward.set(top[0], []).get(top[0])!).push(next);
        if (!state.has(next)) {
          state.set(next, "open");
          stack.push([next, 0]);
        }
      }
    }
  }
  const layer = new Map<string, number>(nodes.map((node) => [node.id, 0]));
  for (let i = finished.length - 1; i >= 0; i--) {
    const id = finished[i];
    for (const next of forward.get(id) ?? []) layer.set(next, Math.max(layer.get(next)!, layer.get(id)! + 1));
  }
  return layer;
}
