import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { MarkerNode as MarkerNodeType } from "../definitionGraph";

/** The Start and End markers: where an execution enters and leaves the graph. */
export const MarkerNode = memo(function MarkerNode({ data }: NodeProps<MarkerNodeType>) {
  const start = data.marker === "start";
  return (
    <div className={`marker-node marker-${data.marker}`}>
      {!start && <Handle type="target" position={Position.Top} isConnectable={false} />}
      <span aria-hidden="true">{start ? "Start" : "End"}</span>
      {start && <Handle type="source" position={Position.Bottom} isConnectable={false} />}
    </div>
  );
});
