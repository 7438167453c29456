import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { CanvasNode } from "../canvasGraph";
import { problemClass, ProblemBadge, useNodeProblems } from "./NodeProblems";

/**
 * Where a state's transitions start: the handle a new connection is dragged from decides which field it sets
 * (Next, a Choice's Default or a new rule, a new Catch). Handle ids are these kinds (Designer.onConnect).
 */
export type SourceHandle = "next" | "choice" | "default" | "catch";

const NO_NEXT = new Set(["Choice", "Succeed", "Fail"]);
const CATCHES = new Set(["Task", "Parallel", "Map"]);

export function sourceHandles(type: string | undefined): SourceHandle[] {
  if (type === "Choice") return ["choice", "default"];
  const handles: SourceHandle[] = [];
  if (!NO_NEXT.has(type ?? "")) handles.push("next");
  if (CATCHES.has(type ?? "")) handles.push("catch");
  return handles;
}

const HANDLE_TITLES: Record<SourceHandle, string> = {
  next: "Next: drag to the next state",
  choice: "Choice rule: drag to the rule's target",
  default: "Default: drag to the state taken when no rule matches",
  catch: "Catch: drag to the state that handles errors",
};

const HANDLE_PLACES: Record<SourceHandle, { position: Position; style?: React.CSSProperties }> = {
  next: { position: Position.Bottom },
  choice: { position: Position.Bottom, style: { left: "35%" } },
  default: { position: Position.Bottom, style: { left: "65%" } },
  catch: { position: Position.Right },
};

export function StateHandles({ type, name, connectable }: { type?: string; name: string; connectable: boolean }) {
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={connectable} aria-label={`Into ${name}`} />
      {sourceHandles(type).map((kind) => (
        <Handle
          key={kind}
          id={kind}
          type="source"
          className={`handle-${kind}`}
          position={HANDLE_PLACES[kind].position}
          style={HANDLE_PLACES[kind].style}
          isConnectable={connectable}
          title={HANDLE_TITLES[kind]}
          aria-label={`${kind[0].toUpperCase()}${kind.slice(1)} of ${name}`}
        />
      ))}
      {(type === "Succeed" || type === "Fail") && (
        <Handle id="end" type="source" position={Position.Bottom} isConnectable={false} className="handle-end" />
      )}
    </>
  );
}

/** A state: its name, its type, and what it runs (resource) or one more detail. */
export const StateNode = memo(function StateNode({ id, data }: NodeProps<CanvasNode>) {
  const { node, canEdit } = data;
  const problems = useNodeProblems(id);
  return (
    <div className={`state-node state-${node.stateType ?? "unknown"} ${problemClass(problems)}`}>
      <StateHandles type={node.stateType} name={node.label} connectable={canEdit} />
      <ProblemBadge problems={problems} />
      <div className="state-node__name" title={node.label}>{node.label}</div>
      <div className="state-node__meta">
        <span className="state-node__type">{node.stateType ?? "?"}</span>
        {(node.resource ?? node.detail) && (
          <span className="state-node__detail" title={node.resource ?? node.detail}>{node.resource ?? node.detail}</span>
        )}
      </div>
    </div>
  );
});

/** A Parallel or Map state: a group with a header, holding its branches or its item processor. */
export const ContainerNode = memo(function ContainerNode({ id, data }: NodeProps<CanvasNode>) {
  const { node, canEdit } = data;
  const problems = useNodeProblems(id);
  return (
    <div className={`container-node state-${node.stateType ?? "unknown"} ${problemClass(problems)}`}>
      <StateHandles type={node.stateType} name={node.label} connectable={canEdit} />
      <ProblemBadge problems={problems} />
      <div className="container-node__header">
        <div className="state-node__name" title={node.label}>{node.label}</div>
        <div className="state-node__meta">
          <span className="state-node__type">{node.stateType}</span>
          {node.detail && <span className="state-node__detail">{node.detail}</span>}
          {node.resource && <span className="state-node__detail" title={node.resource}>{node.resource}</span>}
        </div>
      </div>
    </div>
  );
});

/** A Parallel branch or a Map's item processor: a labelled frame around its own states. */
export const ScopeNode = memo(function ScopeNode({ data }: NodeProps<CanvasNode>) {
  return (
    <div className={`scope-node scope-${data.node.kind}`}>
      <div className="scope-node__label">{data.node.label}</div>
    </div>
  );
});

/** A transition's target that no state of its scope has (drawn so the broken reference shows). */
export const MissingNode = memo(function MissingNode({ data }: NodeProps<CanvasNode>) {
  return (
    <div className="missing-node" title="No state has this name">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span>{data.node.label}</span> <span className="missing-node__note">missing</span>
    </div>
  );
});
