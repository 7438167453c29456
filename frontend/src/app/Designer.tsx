import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { allScopes, importAsl, parseLayoutRecord, scopeStates, type AslDocument } from "../asl";
import { Canvas } from "./Canvas";
import { CanvasProblems, useShowNode } from "./CanvasProblems";
import { api } from "./code/api";
import { connectDocumentHost } from "./code/bridge";
import { CodeView } from "./code/CodeView";
import { DefinitionStore, useDefinition } from "./code/definitionStore";
import { ProblemsPanel } from "./code/ProblemsPanel";
import { SplitPane } from "./code/SplitPane";
import { useServerValidation } from "./code/useServerValidation";
import { useFitNewGraph } from "./useFitNewGraph";
import { EditBar } from "./EditBar";
import { ErrorBoundary } from "./ErrorBoundary";
import { Inspector } from "./inspector/Inspector";
import { addFromTemplate } from "./edits";
import { loadLayoutEngine } from "./layout";
import { openLayoutCache } from "./layoutCache";
import { fetchLayout, saveLayout, type MachineRef } from "./machine";
import { Palette } from "./Palette";
import { SidePanel } from "./SidePanel";
import { DesignerContext, DesignerStore, useDesigner, useDesignerStore } from "./store";
import { templateEnv, type StateTemplate } from "./templates";
import { markOnce } from "./timing";
import { Toolbar } from "./toolbar/Toolbar";

type Stores = { definition: DefinitionStore; designer: DesignerStore };
type Status = { phase: "loading" } | ({ phase: "ready" } & Stores) | { phase: "failed"; message: string };

/**
 * The designer: the graph and, beside it, the inspector and the code view as two tabs. Two stores, kept in step by code/bridge.ts: the
 * code view's DefinitionStore (the text, saving, diagnostics) and the canvas's DesignerStore (the document
 * and the layout record, edits, undo/redo).
 */
export function Designer({ machine }: { machine: MachineRef }) {
  const [status, setStatus] = useState<Status>({ phase: "loading" });

  useEffect(() => {
    let current = true;
    markOnce("designer:boot");
    void loadLayoutEngine(); // in parallel with the requests
    void openLayoutCache();
    Promise.all([api.machine(machine), fetchLayout(machine).catch(() => ({}))])
      .then(([state, positions]) => {
        if (!current) return;
        markOnce("designer:fetched");
        const definition = new DefinitionStore(state.definition, state.revision_id);
        const designer = new DesignerStore({
          doc: definition.get().document ?? importAsl(state.definition),
          layout: parseLayoutRecord(positions),
          persist: machine.canEdit ? { saveLayout: (layout) => saveLayout(machine, layout) } : undefined,
        });
        markOnce("designer:imported");
        setStatus({ phase: "ready", definition, designer });
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
  return (
    <DesignerContext.Provider value={status.designer}>
      <ReactFlowProvider>
        <Workspace machine={machine} definition={status.definition} />
      </ReactFlowProvider>
    </DesignerContext.Provider>
  );
}

function Workspace({ machine, definition }: { machine: MachineRef; definition: DefinitionStore }) {
  const store = useDesignerStore();
  const snapshot = useDefinition(definition);
  useServerValidation(definition);
  useEffect(() => connectDocumentHost(definition, store), [definition, store]);
  useFitNewGraph(store);
  useEffect(() => {
    const flush = () => void store.flushLayout();
    window.addEventListener("pagehide", flush);
    return () => window.removeEventListener("pagehide", flush);
  }, [store]);

  const [selected, setSelected] = useState<string[]>([]);
  const [drawEverything, setDrawEverything] = useState(false); // while the graph is exported as an image
  const showNode = useShowNode();
  const env = useMemo(() => templateEnv(machine.arn), [machine.arn]);
  const doc = useDesigner((state) => state.history.present.doc);
  const count = useMemo(() => countStates(doc), [doc]);
  const onAdd = useCallback(
    (template: StateTemplate) => {
      let added: string | undefined;
      store.edit((present) => {
        const result = addFromTemplate(present, template, env, "");
        added = result.pointer;
        return result.snapshot;
      });
      if (added) setSelected([added]);
    },
    [store, env],
  );

  return (
    <div className="designer">
      <div className="designer__bar">
        <span role="status">{count === 1 ? "1 state" : `${count} states`}</span>
        {!machine.canEdit && <span className="designer__badge">View only</span>}
      </div>
      <Toolbar machine={machine} store={definition} drawEverything={setDrawEverything} />
      {machine.canEdit && <EditBar selected={selected} onSelect={setSelected} />}
      <SplitPane
        left={
          <div className="designer__body">
            {machine.canEdit && <Palette onAdd={onAdd} />}
            <CanvasProblems snapshot={snapshot}>
              <ErrorBoundary resetKey={doc} what="The graph could not be drawn">
                <Canvas name={machine.name} canEdit={machine.canEdit} env={env} selected={selected} onSelect={setSelected}
                  drawEverything={drawEverything} />
              </ErrorBoundary>
            </CanvasProblems>
          </div>
        }
        right={
          <SidePanel
            label="Details"
            tabs={[
              {
                id: "inspector",
                label: "Inspector",
                content: <Inspector selected={selected} onSelect={setSelected} readOnly={!machine.canEdit} env={env} />,
              },
              {
                id: "code",
                label: "Code",
                content: (
                  <div className="code-pane">
                    <CodeView store={definition} readOnly={!machine.canEdit} />
                    <ProblemsPanel snapshot={snapshot} onShow={showNode} />
                  </div>
                ),
              },
            ]}
          />
        }
      />
    </div>
  );
}

/** States in the whole machine, nested ones included. */
function countStates(doc: AslDocument): number {
  let n = 0;
  for (const scope of allScopes(doc)) n += scopeStates(scope.object).length;
  return n;
}
