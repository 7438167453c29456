/**
 * The canvas: the store's document drawn by @xyflow/react, laid out by elkjs, with the layout record's
 * manual positions on top; and, when the user may edit, the gestures that change it (drop from the palette,
 * connect, reconnect, delete, drag to move). Every change goes through the store (store.ts, edits.ts).
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesState,
  useReactFlow,
  type Connection,
  type Edge,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState, type DragEvent } from "react";
import { buildGraph, type Box } from "../asl";
import { toCanvasEdges, toCanvasNodes, type CanvasNode } from "./canvasGraph";
import { RENAME_INPUT_ID } from "./EditBar";
import { addFromTemplate, connect, insertTemplateOnEdge, reconnect, remove } from "./edits";
import { autoLayout } from "./layout";
import { nodeTypes } from "./nodeTypes";
import { useDesigner, useDesignerStore } from "./store";
import { TEMPLATE_MIME, templateById, type TemplateEnv } from "./templates";

/** Fit the whole graph, but never magnify a small one beyond its natural size. */
const FIT_VIEW = { maxZoom: 1, padding: 0.1 };

export interface CanvasProps {
  readonly name: string;
  readonly canEdit: boolean;
  readonly env: TemplateEnv;
  readonly onSelect: (ids: string[]) => void;
  readonly selected: readonly string[];
}

export function Canvas({ name, canEdit, env, onSelect, selected }: CanvasProps) {
  const store = useDesignerStore();
  const doc = useDesigner((state) => state.history.present.doc);
  const record = useDesigner((state) => state.history.present.layout);
  const graph = useMemo(() => buildGraph(doc), [doc]);
  const edges = useMemo(() => toCanvasEdges(graph, { canEdit }), [graph, canEdit]);
  const [laidOut, setLaidOut] = useState<{ graph: typeof graph; boxes: Map<string, Box> } | undefined>();
  const [layoutError, setLayoutError] = useState<string | undefined>();
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>([]);
  const flow = useReactFlow<CanvasNode, Edge>();

  useEffect(() => {
    let current = true;
    autoLayout(graph)
      .then((boxes) => current && (setLaidOut({ graph, boxes }), setLayoutError(undefined)))
      .catch((error: unknown) => current && setLayoutError(`Layout failed: ${error instanceof Error ? error.message : String(error)}`));
    return () => {
      current = false;
    };
  }, [graph]);

  useEffect(() => {
    if (!laidOut) return;
    setNodes(toCanvasNodes(laidOut.graph, laidOut.boxes, record, { canEdit, selected: new Set(selected) }));
    // `selected` is read, not followed: selection changes come from React Flow itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [laidOut, record, canEdit, setNodes]);

  const onSelectionChange = useCallback(
    ({ nodes: chosen }: OnSelectionChangeParams) => onSelect(chosen.map((node) => node.id)),
    [onSelect],
  );

  const onConnect = useCallback(
    (connection: Connection) => store.edit((present) => connect(present, connection.source, connection.sourceHandle, connection.target)),
    [store],
  );
  const onReconnect = useCallback(
    (old: Edge, connection: Connection) => store.edit((present) => reconnect(present, old.id, connection.target)),
    [store],
  );
  const onBeforeDelete = useCallback(
    async ({ nodes: doomed }: { nodes: CanvasNode[]; edges: Edge[] }) => {
      const states = doomed.filter((node) => node.type === "state" || node.type === "container").map((node) => node.id);
      if (states.length) store.edit((present) => remove(present, states));
      return false; // the store's change redraws the canvas
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(TEMPLATE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const template = templateById(event.dataTransfer.getData(TEMPLATE_MIME));
      if (!template) return;
      event.preventDefault();
      const under = document.elementsFromPoint(event.clientX, event.clientY);
      const edge = under.map((element) => element.closest(".react-flow__edge")).find((element) => element !== null);
      const edgeId = edge?.getAttribute("data-id");
      let added: string | undefined;
      if (edgeId && !edgeId.startsWith("start:")) {
        store.edit((present) => {
          const result = insertTemplateOnEdge(present, template, env, edgeId);
          added = result.pointer;
          return result.snapshot;
        });
      } else {
        const scopeElement = under.map((element) => element.closest(".react-flow__node-scope")).find((element) => element !== null);
        const scope = scopeElement?.getAttribute("data-id") ?? "";
        // At the top level the state lands where it was dropped; inside a branch or processor, elk places it
        // and the group grows to hold it (a group's size is elk's, a manual position could fall outside it).
        const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
        const position = scope ? undefined : { x: Math.round(at.x - 110), y: Math.round(at.y - 32) };
        store.edit((present) => {
          const result = addFromTemplate(present, template, env, scope, position);
          added = result.pointer;
          return result.snapshot;
        });
      }
      if (added) onSelect([added]);
    },
    [store, env, flow, onSelect],
  );

  return (
    <div className="designer__canvas" onDragOver={canEdit ? onDragOver : undefined} onDrop={canEdit ? onDrop : undefined}>
      {layoutError && <p role="alert" className="designer__error">{layoutError}</p>}
      {laidOut && (
        <ReactFlow
          aria-label={`Graph of ${name}`}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onSelectionChange={onSelectionChange}
          onNodeDoubleClick={(_event, node) => {
            if (!canEdit || (node.type !== "state" && node.type !== "container")) return;
            onSelect([node.id]);
            // After the edit bar has taken the selection's name.
            setTimeout(() => (document.getElementById(RENAME_INPUT_ID) as HTMLInputElement | null)?.select(), 0);
          }}
          onNodeDragStop={(_event, node, dragged) => {
            store.moveAll((dragged.length ? dragged : [node]).map((moved) => [moved.id, moved.position] as const));
          }}
          nodesConnectable={canEdit}
          nodesDraggable={canEdit}
          edgesReconnectable={canEdit}
          onConnect={canEdit ? onConnect : undefined}
          onReconnect={canEdit ? onReconnect : undefined}
          onBeforeDelete={canEdit ? onBeforeDelete : undefined}
          deleteKeyCode={canEdit ? ["Delete", "Backspace"] : null}
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.1}
        >
          <Background />
          <MiniMap pannable zoomable />
          <Controls showInteractive={false} />
        </ReactFlow>
      )}
    </div>
  );
}
