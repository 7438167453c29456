import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { CanvasNode } from "../canvasGraph";

/**
 * The Start and End markers of a scope (the machine, each branch, each item processor): where an execution
 * enters and leaves it. Dragging from Start sets StartAt; dropping a Next on End ends the workflow there.
 */
export const MarkerNode = memo(function MarkerNode({ data }: NodeProps<CanvasNode>) {
  const start = data.node.kind === "start";
  return (
    <div className={`marker-node marker-${start ? "start" : "end"}`}>
      {!start && <Handle type="target" position={Position.Top} isConnectable={data.canEdit} />}
      <span aria-hidden="true">{start ? "Start" : "End"}</span>
      {start && <Handle id="start" type="source" position={Position.Bottom} isConnectable={data.canEdit} aria-label="Start handle" />}
    </div>
  );
});
