/**
 * Fit View when the canvas draws a largely new definition: the code view's text replaced (a paste), a draft
 * opened. React Flow fits the first graph only; after that the view stays where the user put it, which is right
 * for edits but leaves a new definition off screen. "Largely new": fewer than half of its states were drawn
 * before. The fit waits until React Flow holds the new nodes (elk lays them out asynchronously).
 */
import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useEffect } from "react";
import { allScopes, scopeStates, statePointer, type AslDocument } from "../asl";
import { FIT_VIEW } from "./Canvas";
import type { DesignerStore } from "./store";

export function statePointers(doc: AslDocument): Set<string> {
  const pointers = new Set<string>();
  for (const scope of allScopes(doc)) for (const [name] of scopeStates(scope.object)) pointers.add(statePointer(scope.pointer, name));
  return pointers;
}

/** Fewer than half of `next`'s states are among `previous`'s. */
export function isLargelyNew(previous: ReadonlySet<string>, next: ReadonlySet<string>): boolean {
  let kept = 0;
  for (const pointer of next) if (previous.has(pointer)) kept++;
  return next.size > 0 && kept * 2 < next.size;
}

export function useFitNewGraph(store: DesignerStore): void {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  useEffect(() => {
    let doc = store.document;
    let drawn = statePointers(doc);
    let waiting: Set<string> | undefined; // the states to wait for before fitting
    const fromStore = store.subscribe(() => {
      if (store.document === doc) return;
      doc = store.document;
      const next = statePointers(doc);
      if (isLargelyNew(drawn, next)) waiting = next;
      drawn = next;
    });
    const fromFlow = flowStore.subscribe((state) => {
      if (!waiting) return;
      for (const pointer of waiting) if (!state.nodeLookup.has(pointer)) return;
      waiting = undefined;
      requestAnimationFrame(() => void flow.fitView(FIT_VIEW));
    });
    return () => {
      fromStore();
      fromFlow();
    };
  }, [store, flow, flowStore]);
}
