import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { StateNode as StateNodeType } from "../definitionGraph";

/** A state: its name, its type, and what it runs (resource) or holds (branches). */
export const StateNode = memo(function StateNode({ data }: NodeProps<StateNodeType>) {
  return (
    <div className={`state-node state-${data.type}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="state-node__name" title={data.name}>{data.name}</div>
      <div className="state-node__meta">
        <span className="state-node__type">{data.type}</span>
        {data.detail && <span className="state-node__detail" title={data.detail}>{data.detail}</span>}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
