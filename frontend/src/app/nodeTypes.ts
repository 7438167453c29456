import type { NodeTypes } from "@xyflow/react";
import { MarkerNode } from "./nodes/MarkerNode";
import { ContainerNode, MissingNode, ScopeNode, StateNode } from "./nodes/StateNode";

// At module scope: React Flow re-creates every node when this object changes identity.
export const nodeTypes: NodeTypes = {
  state: StateNode,
  container: ContainerNode,
  scope: ScopeNode,
  marker: MarkerNode,
  missing: MissingNode,
};
