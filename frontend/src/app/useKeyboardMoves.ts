/**
 * Moving nodes with the keyboard. React Flow's own keyboard support moves the selected nodes with the arrow keys
 * (5 px, 20 with Shift) but only in its node list: without a drag there is no drag-stop to save the positions,
 * and the next redraw from the layout record would put them back. So when an arrow key is released on a node
 * (or on the selection's frame), the selected nodes' positions go to the layout record; presses less than a
 * second apart make one undo step.
 */
import { useReactFlow } from "@xyflow/react";
import { useCallback, type KeyboardEvent } from "react";
import type { DesignerStore } from "./store";

const ARROWS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);

export function useKeyboardMoves(store: DesignerStore): (event: KeyboardEvent) => void {
  const flow = useReactFlow();
  return useCallback(
    (event: KeyboardEvent) => {
      if (!ARROWS.has(event.key)) return;
      const target = event.target as HTMLElement;
      if (!target.closest(".react-flow__node, .react-flow__nodesselection")) return;
      const moved = flow.getNodes().filter((node) => node.selected && node.draggable !== false);
      const changed = moved.filter((node) => {
        const recorded = store.present.layout[node.id];
        return !recorded || recorded.x !== node.position.x || recorded.y !== node.position.y;
      });
      if (changed.length) store.moveAll(changed.map((node) => [node.id, node.position] as const), { group: "keys" });
    },
    [flow, store],
  );
}
