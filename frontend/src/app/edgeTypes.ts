import type { EdgeTypes } from "@xyflow/react";
import { RoutedEdge } from "./edges/RoutedEdge";

// At module scope: React Flow re-creates every edge when this object changes identity.
export const edgeTypes: EdgeTypes = { routed: RoutedEdge };
