/**
 * Where each node's handles are, computed instead of measured, so that React Flow can draw a large machine
 * without first rendering every node.
 *
 * React Flow places an edge's ends on its nodes' handles, which it normally measures in the DOM once each node
 * has rendered; with `onlyRenderVisibleElements` it still renders every node once for that. A node that comes
 * with its handles (and its measured size) needs no such first render, so only the nodes in view are drawn.
 * The figures mirror what the DOM gives for the handles of nodes/StateNode.tsx and nodes/MarkerNode.tsx under
 * @xyflow/react's stylesheet: a 6 px box (its border included) centred on the node's top, bottom (at 50 %, or
 * 35 % / 65 % for a Choice's rule and Default) or right edge. Once a node is drawn, React Flow measures it as
 * usual and its measurement replaces these.
 */
import { Position, type NodeHandle } from "@xyflow/react";
import type { GraphNode, Size } from "../asl";
import { sourceHandles, type SourceHandle } from "./nodes/StateNode";

const HANDLE = 6;
const HALF = HANDLE / 2;

/** Fraction of the width along the bottom edge, for bottom handles (nodes/StateNode.tsx's HANDLE_PLACES). */
const ALONG_BOTTOM: Partial<Record<SourceHandle | "end" | "start", number>> = { choice: 0.35, default: 0.65 };

function top(size: Size): NodeHandle {
  return { id: null, type: "target", position: Position.Top, x: size.width / 2 - HALF, y: -HALF, width: HANDLE, height: HANDLE };
}

function bottom(id: SourceHandle | "end" | "start", size: Size): NodeHandle {
  const along = ALONG_BOTTOM[id] ?? 0.5;
  return { id, type: "source", position: Position.Bottom, x: size.width * along - HALF, y: size.height - HALF, width: HANDLE, height: HANDLE };
}

function right(id: SourceHandle, size: Size): NodeHandle {
  return { id, type: "source", position: Position.Right, x: size.width - HALF, y: size.height / 2 - HALF, width: HANDLE, height: HANDLE };
}

/** The handles a node of the canvas draws, in its own coordinates. */
export function nodeHandles(node: GraphNode, size: Size): NodeHandle[] {
  switch (node.kind) {
    case "state": {
      const handles = [top(size)];
      for (const kind of sourceHandles(node.stateType)) handles.push(kind === "catch" ? right(kind, size) : bottom(kind, size));
      if (node.stateType === "Succeed" || node.stateType === "Fail") handles.push(bottom("end", size));
      return handles;
    }
    case "start":
      return [bottom("start", size)];
    case "end":
    case "missing":
      return [top(size)];
    case "branch":
    case "processor":
      return [];
  }
}
