import type { NodeTypes } from "@xyflow/react";
import { MarkerNode } from "./nodes/MarkerNode";
import { StateNode } from "./nodes/StateNode";

// At module scope: React Flow re-creates every node when this object changes identity.
export const nodeTypes: NodeTypes = { state: StateNode, marker: MarkerNode };
