/**
 * The definition's problems where the graph is: the validator's diagnostics marked on the states they concern
 * (nodes/NodeProblems.tsx), those about the whole machine in the canvas's corner (a count that opens to the
 * messages), and, while the code view's
 * text is not JSON, a banner saying the graph shows the last definition that parsed. Wraps the canvas.
 */
import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useMemo, type ReactNode } from "react";
import { currentDiagnostics, MACHINE } from "./code/diagnostics";
import type { DefinitionSnapshot } from "./code/definitionStore";
import { countProblems, NodeProblemsContext, problemLevel } from "./nodes/NodeProblems";

export function CanvasProblems({ snapshot, children }: { snapshot: DefinitionSnapshot; children: ReactNode }) {
  const { document, documentText, validation } = snapshot;
  const byState = useMemo(() => currentDiagnostics({ document, documentText, validation }), [document, documentText, validation]);
  const machine = byState.get(MACHINE) ?? [];
  return (
    <NodeProblemsContext.Provider value={byState}>
      <div className="canvas-frame">
        {children}
        <div className="canvas-notes">
          {snapshot.syntaxError && (
            <p role="alert" className="canvas-banner">
              The code has a JSON error ({snapshot.syntaxError.message}); the graph shows the last definition that parsed.
            </p>
          )}
          {machine.length > 0 && (
            <section className={`canvas-machine-problems canvas-machine-problems--${problemLevel(machine)}`} aria-label="Workflow problems">
              {/* Collapsed: the corner stays small over the graph; the summary says how many. */}
              <details>
                <summary>Workflow: {countProblems(machine.length)}</summary>
                <ul>
                  {machine.map((problem, index) => (
                    <li key={index}>{problem.code}: {problem.message}</li>
                  ))}
                </ul>
              </details>
            </section>
          )}
        </div>
      </div>
    </NodeProblemsContext.Provider>
  );
}

/** Selects a node on the canvas and brings it into view (a problem clicked in the list). */
export function useShowNode(): (id: string) => void {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  return useCallback(
    (id: string) => {
      if (!flow.getNode(id)) return;
      flowStore.getState().addSelectedNodes([id]);
      void flow.fitView({ nodes: [{ id }], maxZoom: 1, duration: 300 });
      document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
    },
    [flow, flowStore],
  );
}
