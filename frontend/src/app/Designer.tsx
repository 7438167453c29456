import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useEdgesState,
  useNodesState,
} from "@xyflow/react";
import { useEffect, useState } from "react";
import { toPlain } from "../asl";
import { api } from "./code/api";
import { CodeView } from "./code/CodeView";
import { DefinitionStore, useDefinition } from "./code/definitionStore";
import { ProblemsPanel } from "./code/ProblemsPanel";
import { SplitPane } from "./code/SplitPane";
import { Toolbar } from "./toolbar/Toolbar";
import { useServerValidation } from "./code/useServerValidation";
import { definitionToGraph, type AslDefinition, type DesignEdge, type DesignNode } from "./definitionGraph";
import { layoutGraph, loadLayoutEngine } from "./layout";
import type { MachineRef } from "./machine";
import { nodeTypes } from "./nodeTypes";

type Status = { phase: "loading" } | { phase: "ready"; store: DefinitionStore } | { phase: "failed"; message: string };

/** The designer: the graph and the code view side by side, both showing the definition being edited. */
export function Designer({ machine }: { machine: MachineRef }) {
  const [status, setStatus] = useState<Status>({ phase: "loading" });

  useEffect(() => {
    let current = true;
    void loadLayoutEngine(); // in parallel with the request
    api
      .machine(machine)
      .then((state) => {
        if (current) setStatus({ phase: "ready", store: new DefinitionStore(state.definition, state.revision_id) });
      })
      .catch((error: unknown) => {
        if (current) setStatus({ phase: "failed", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      current = false;
    };
  }, [machine]);

  if (status.phase !== "ready") {
    return (
      <div className="designer">
        <div className="designer__bar">
          {status.phase === "loading" && <span role="status">Loading {machine.name}…</span>}
          {status.phase === "failed" && <span role="alert" className="designer__error">{status.message}</span>}
        </div>
      </div>
    );
  }
  return <Workspace machine={machine} store={status.store} />;
}

function Workspace({ machine, store }: { machine: MachineRef; store: DefinitionStore }) {
  const snapshot = useDefinition(store);
  useServerValidation(store);
  return (
    <div className="designer">
      <div className="designer__bar">
        {!machine.canEdit && <span className="designer__badge">View only</span>}
      </div>
      <Toolbar machine={machine} store={store} />
      <SplitPane
        left={<Canvas machine={machine} definition={snapshot.document} />}
        right={
          <div className="code-pane">
            <CodeView store={store} readOnly={!machine.canEdit} />
            <ProblemsPanel snapshot={snapshot} />
          </div>
        }
      />
    </div>
  );
}

/** The graph of the last definition that parsed, laid out again whenever it changes. */
function Canvas({ machine, definition }: { machine: MachineRef; definition: ReturnType<typeof useDefinition>["document"] }) {
  const [nodes, setNodes, onNodesChange] = useNodesState<DesignNode>([]);
  const [edges, setEdges] = useEdgesState<DesignEdge>([]);
  const [problems, setProblems] = useState<string[] | null>(null);

  useEffect(() => {
    if (definition === null) return;
    let current = true;
    layoutGraph(definitionToGraph(toPlain(definition) as AslDefinition))
      .then((graph) => {
        if (!current) return;
        setNodes(graph.nodes);
        setEdges(graph.edges);
        setProblems(graph.problems);
      })
      .catch((error: unknown) => {
        if (current) setProblems([error instanceof Error ? error.message : String(error)]);
      });
    return () => {
      current = false;
    };
  }, [definition, setNodes, setEdges]);

  return (
    <>
      <div className="designer__bar">
        {problems !== null && (
          <span role="status">{nodes.filter((node) => node.type === "state").length} states</span>
        )}
        {problems !== null && problems.length > 0 && (
          <span role="alert" className="designer__error">{problems.join("; ")}</span>
        )}
      </div>
      <div className="designer__canvas">
        {problems !== null && (
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
    </>
  );
}
