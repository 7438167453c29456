/**
 * The canvas: the store's document drawn by @xyflow/react, laid out by elkjs, with the layout record's
 * manual positions on top; and, when the user may edit, the gestures that change it (drop from the palette,
 * connect, reconnect, delete, drag to move). Every change goes through the store (store.ts, edits.ts).
 *
 * A large machine is first drawn with a provisional layout (src/asl/provisional.ts) while ELK works, which
 * takes seconds for thousands of nodes: the page is usable at once, and ELK's layout replaces it when it comes
 * (layoutSwitch.ts keeps the view on what the user looks at).
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesState,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type Edge,
  type NodeMouseHandler,
  type OnNodeDrag,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { absoluteBoxes, buildGraph, provisionalLayout, type AslGraph, type Box, type Point } from "../asl";
import { toCanvasEdges, toCanvasNodes, type CanvasNode } from "./canvasGraph";
import { RENAME_INPUT_ID } from "./EditBar";
import { addFromTemplate, connect, insertTemplateOnEdge, reconnect, remove } from "./edits";
import { edgeTypes } from "./edgeTypes";
import { autoLayout } from "./layout";
import { anchorNode, viewportKeeping } from "./layoutSwitch";
import { nodeTypes } from "./nodeTypes";
import { useDesigner, useDesignerStore } from "./store";
import { useKeyboardMoves } from "./useKeyboardMoves";
import { TEMPLATE_MIME, templateById, type TemplateEnv } from "./templates";
import { markAfterPaint, markOnce, measureOnce } from "./timing";

/** Fit the whole graph, but never magnify a small one beyond its natural size. */
export const FIT_VIEW = { maxZoom: 1, padding: 0.1 };
/**
 * Above this many nodes only those in view are rendered (their handles are known beforehand, nodeHandles.ts):
 * every rendered node costs on the first paint and on each frame of a drag. Smaller machines keep every node in
 * the document, reachable with the keyboard wherever it is.
 */
const RENDER_VISIBLE_ONLY_ABOVE = 300;
/**
 * Above this many nodes the canvas draws a provisional layout until ELK's comes (ELK takes about a second for
 * 300 nodes on a loaded machine, and grows faster than linearly). Smaller machines wait for ELK: their first
 * picture is ELK's, as it always was.
 */
export const PROVISIONAL_ABOVE = 300;
const DELETE_KEYS = ["Delete", "Backspace"];
/**
 * The minimap: small enough to leave the graph in view on a laptop screen (React Flow's default is 200 x 150),
 * and only for machines of some size: a handful of states fits the canvas readably, and the minimap would only
 * cover some of them.
 */
const MINIMAP_SIZE = { width: 150, height: 100 };
// Not over a provisional layout either: the minimap would show a picture about to change, and drawing every node
// in it (the minimap is not virtualised) delays the first usable frame of a large machine.
const MINIMAP_FROM_STATES = 10;

/** What the canvas draws: a graph's layout, provisional (provisional.ts) or ELK's. */
interface LaidOut {
  readonly graph: AslGraph;
  readonly boxes: Map<string, Box>;
  readonly routes: Map<string, Point[]>; // (empty for a provisional layout)
  readonly provisional: boolean;
}
const NONE: ReadonlySet<string> = new Set();

export interface CanvasProps {
  readonly name: string;
  readonly canEdit: boolean;
  readonly env: TemplateEnv;
  readonly onSelect: (ids: string[]) => void;
  readonly selected: readonly string[];
  /** Draw every node, in view or not (for an image export); otherwise big graphs draw only what is in view. */
  readonly drawEverything?: boolean;
}

export function Canvas({ name, canEdit, env, onSelect, selected, drawEverything = false }: CanvasProps) {
  const store = useDesignerStore();
  const doc = useDesigner((state) => state.history.present.doc);
  const record = useDesigner((state) => state.history.present.layout);
  const graph = useMemo(() => measureOnce("designer:graph", () => buildGraph(doc)), [doc]);
  const stateCount = useMemo(() => graph.nodes.filter((node) => node.kind === "state").length, [graph]);
  const [laidOut, setLaidOut] = useState<LaidOut | undefined>();
  const [dragging, setDragging] = useState<ReadonlySet<string>>(NONE);
  // (Undefined rather than a provisional layout's none: the edges stay the same objects until ELK's layout comes.)
  const routes = laidOut?.graph === graph && !laidOut.provisional ? laidOut.routes : undefined;
  const edges = useMemo(() => {
    return toCanvasEdges(graph, { canEdit, routes, moved: new Set([...Object.keys(record), ...dragging]) });
  }, [graph, canEdit, routes, record, dragging]);
  const shown = useRef<LaidOut | undefined>(undefined);
  shown.current = laidOut;
  const [layoutError, setLayoutError] = useState<string | undefined>();
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>([]);
  const flow = useReactFlow<CanvasNode, Edge>();
  const onKeyUp = useKeyboardMoves(store);

  useEffect(() => {
    let current = true;
    markOnce("designer:layout-start");
    // Called when the answer has to come from ELK: draw something meanwhile, unless ELK's picture of an earlier
    // graph is on the canvas already (after an edit, the old picture stays until the new one comes).
    const whileElkWorks = () => {
      if (!current || graph.nodes.length <= PROVISIONAL_ABOVE || shown.current?.provisional === false) return;
      setLaidOut({ graph, boxes: measureOnce("designer:provisional", () => provisionalLayout(graph)), routes: new Map(), provisional: true });
    };
    autoLayout(graph, whileElkWorks)
      .then(({ boxes, routes: elkRoutes }) => {
        if (!current) return;
        markOnce("designer:layout-end");
        setLaidOut({ graph, boxes, routes: elkRoutes, provisional: false });
        setLayoutError(undefined);
      })
      .catch((error: unknown) => current && setLayoutError(`Layout failed: ${error instanceof Error ? error.message : String(error)}`));
    return () => {
      current = false;
    };
  }, [graph]);

  // Whether the user has panned or zoomed since the first fit (React Flow passes no event for its own moves).
  const viewMoved = useRef(false);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) viewMoved.current = true;
  }, []);
  const flowStore = useStoreApi<CanvasNode, Edge>();
  const drawn = useRef<LaidOut | undefined>(undefined);

  useEffect(() => {
    // Until the new graph is laid out, keep the nodes as they are: the old layout's nodes with the new layout
    // record (a rename changes both) would lose the selection, the renamed node having a new id.
    if (!laidOut || laidOut.graph !== graph) return;
    const before = drawn.current;
    drawn.current = laidOut;
    setNodes(toCanvasNodes(laidOut.graph, laidOut.boxes, record, { canEdit, selected: new Set(selected) }));
    if (before?.provisional && !laidOut.provisional) {
      // ELK's picture replaces the provisional one: fit it if the view is still the first fit, else keep a node in place.
      if (!viewMoved.current) requestAnimationFrame(() => void flow.fitView(FIT_VIEW));
      else {
        const { width, height } = flowStore.getState();
        const viewport = flow.getViewport();
        const centre = { x: (width / 2 - viewport.x) / viewport.zoom, y: (height / 2 - viewport.y) / viewport.zoom };
        const old = absoluteBoxes(before.graph, before.boxes, record);
        const anchor = anchorNode(old, selected, centre, before.graph);
        const moved = anchor && absoluteBoxes(laidOut.graph, laidOut.boxes, record).get(anchor);
        if (anchor && moved) void flow.setViewport(viewportKeeping(viewport, old.get(anchor)!, moved));
      }
    }
    // `selected` is read, not followed: selection changes come from React Flow itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [laidOut, graph, record, canEdit, setNodes]);

  // The first laid-out render, painted: the page is usable (timing.ts; bench/designer.py waits for it); and the
  // first render of ELK's layout (the same moment, unless a provisional layout came first).
  const frame = useRef<HTMLDivElement>(null);
  const fitted = useStore((flowState) => !flowState.fitViewQueued);
  const provisional = laidOut?.provisional ?? false;
  useEffect(() => {
    if (!laidOut || !nodes.length || !fitted) return;
    markAfterPaint("designer:interactive", () => frame.current?.setAttribute("data-interactive", "true"));
    if (!provisional) markAfterPaint("designer:ready", () => frame.current?.setAttribute("data-ready", "true"));
  }, [laidOut, provisional, nodes.length, fitted]);

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
  const onNodeDoubleClick: NodeMouseHandler<CanvasNode> = useCallback(
    (_event, node) => {
      if (!canEdit || (node.type !== "state" && node.type !== "container")) return;
      onSelect([node.id]);
      // After the edit bar has taken the selection's name.
      setTimeout(() => (document.getElementById(RENAME_INPUT_ID) as HTMLInputElement | null)?.select(), 0);
    },
    [canEdit, onSelect],
  );
  const onNodeDragStart: OnNodeDrag<CanvasNode> = useCallback(
    (_event, node, dragged) => setDragging(new Set((dragged.length ? dragged : [node]).map((moved) => moved.id))),
    [],
  );
  const onNodeDragStop: OnNodeDrag<CanvasNode> = useCallback(
    (_event, node, dragged) => {
      store.moveAll((dragged.length ? dragged : [node]).map((moved) => [moved.id, moved.position] as const));
      setDragging(NONE);
    },
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
    <div
      ref={frame}
      className="designer__canvas"
      onDragOver={canEdit ? onDragOver : undefined}
      onDrop={canEdit ? onDrop : undefined}
      onKeyUp={canEdit ? onKeyUp : undefined}
    >
      {layoutError && <p role="alert" className="designer__error">{layoutError}</p>}
      {provisional && !layoutError && (
        <p role="status" className="designer__layout-status">
          Arranging the graph…
        </p>
      )}
      {laidOut && (
        <ReactFlow
          aria-label={`Graph of ${name}`}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onSelectionChange={onSelectionChange}
          onMoveStart={onMoveStart}
          onNodeDoubleClick={onNodeDoubleClick}
          onNodeDragStart={canEdit ? onNodeDragStart : undefined}
          onNodeDragStop={onNodeDragStop}
          nodesConnectable={canEdit}
          nodesDraggable={canEdit}
          edgesReconnectable={canEdit}
          onConnect={canEdit ? onConnect : undefined}
          onReconnect={canEdit ? onReconnect : undefined}
          onBeforeDelete={canEdit ? onBeforeDelete : undefined}
          deleteKeyCode={canEdit ? DELETE_KEYS : null}
          onlyRenderVisibleElements={!drawEverything && nodes.length > RENDER_VISIBLE_ONLY_ABOVE}
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.1}
        >
          <Background />
          {stateCount >= MINIMAP_FROM_STATES && !provisional && <MiniMap pannable zoomable style={MINIMAP_SIZE} />}
          <Controls showInteractive={false} />
        </ReactFlow>
      )}
    </div>
  );
}
