/**
 * Swapping the provisional layout (src/asl/provisional.ts) for ELK's without moving what the user looks at.
 *
 * A large machine is drawn at once with the provisional layout and redrawn when ELK's answer comes, seconds
 * later; every node may move. If the user has not moved the view since it was fitted, Canvas fits the new
 * picture; otherwise the view is shifted so that one node stays where it is on screen: the first selected node
 * (what the inspector shows), else the node nearest the centre of the view. Pure: vitest runs it without a DOM.
 */
import type { Viewport } from "@xyflow/react";
import type { AslGraph, Box } from "../asl";

/** The node to keep in place: the first selected one that is laid out, else the one nearest `centre` (canvas coordinates). */
export function anchorNode(
  boxes: ReadonlyMap<string, Box>,
  selected: readonly string[],
  centre: { x: number; y: number },
  graph: AslGraph,
): string | undefined {
  const chosen = selected.find((id) => boxes.has(id));
  if (chosen) return chosen;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const node of graph.nodes) {
    const box = boxes.get(node.id);
    if (!box || node.isGroup) continue; // a group's centre may be far from anything the user sees in it
    const distance = Math.hypot(box.x + box.width / 2 - centre.x, box.y + box.height / 2 - centre.y);
    if (distance < bestDistance) {
      best = node.id;
      bestDistance = distance;
    }
  }
  return best;
}

/** The viewport that shows the anchor, moved from `before` to `after` (canvas coordinates), at the same place on screen. */
export function viewportKeeping(viewport: Viewport, before: Box, after: Box): Viewport {
  return {
    x: viewport.x - (after.x - before.x) * viewport.zoom,
    y: viewport.y - (after.y - before.y) * viewport.zoom,
    zoom: viewport.zoom,
  };
}
