import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useEdgesState,
  useNodesState,
} from "@xyflow/react";
import { useEffect, useState } from "react";
import { definitionToGraph, type DesignEdge, type DesignNode } from "./definitionGraph";
import { layoutGraph, loadLayoutEngine } from "./layout";
import { fetchDefinition, type MachineRef } from "./machine";
import { nodeTypes } from "./nodeTypes";

type Status = { phase: "loading" } | { phase: "ready"; problems: string[] } | { phase: "failed"; message: string };

/** The canvas: the machine's states laid out top-down; nodes can be moved, nothing is saved yet. */
export function Designer({ machine }: { machine: MachineRef }) {
  const [nodes, setNodes, onNodesChange] = useNodesState<DesignNode>([]);
  const [edges, setEdges] = useEdgesState<DesignEdge>([]);
  const [status, setStatus] = useState<Status>({ phase: "loading" });

  useEffect(() => {
    let current = true;
    void loadLayoutEngine(); // in parallel with the request
    fetchDefinition(machine)
      .then((definition) => layoutGraph(definitionToGraph(definition)))
      .then((graph) => {
        if (!current) return;
        setNodes(graph.nodes);
        setEdges(graph.edges);
        setStatus({ phase: "ready", problems: graph.problems });
      })
      .catch((error: unknown) => {
        if (current) setStatus({ phase: "failed", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      current = false;
    };
  }, [machine, setNodes, setEdges]);

  return (
    <div className="designer">
      <div className="designer__bar">
        {status.phase === "loading" && <span role="status">Loading {machine.name}…</span>}
        {status.phase === "failed" && <span role="alert" className="designer__error">{status.message}</span>}
        {status.phase === "ready" && (
          <span role="status">{nodes.filter((node) => node.type === "state").length} states</span>
        )}
        {status.phase === "ready" && status.problems.length > 0 && (
          <span role="alert" className="designer__error">{status.problems.join("; ")}</span>
        )}
        {!machine.canEdit && <span className="designer__badge">View only</span>}
      </div>
      <div className="designer__canvas">
        {status.phase === "ready" && (
          <ReactFlow
            aria-label={`Graph of ${machine.name}`}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            nodesConnectable={false}
            edgesReconnectable={false}
            deleteKeyCode={null}
            fitView
            minZoom={0.1}
          >
            <Background />
            <MiniMap pannable zoomable />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </div>
    </div>
  );
}
