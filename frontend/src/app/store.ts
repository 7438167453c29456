/**
 * The designer's state: the ASL document and its layout record, with undo/redo, as one small external store.
 *
 * Every change to the definition goes through src/asl's edits (`edit`), so unknown fields and key order
 * survive; the canvas, the code panel and the toolbar all read the same store (`useDesigner`) and change it
 * through its methods. The document and the layout record are kept together in each undo snapshot, so undoing
 * a rename also moves the renamed state's position back. A failed edit changes nothing and leaves its message
 * in `error` for the page to show.
 *
 * The layout record (positions the user dragged nodes to) is saved by itself, debounced, through
 * `persist.saveLayout`; it never goes into the ASL. The definition's text, saving it and the server's
 * diagnostics are the code view's DefinitionStore's (code/definitionStore.ts); code/bridge.ts keeps the two in
 * step through `document`, `subscribe` and `replaceDocument`.
 * No React in the class itself, so vitest drives it directly; the hooks at the end connect it to components.
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import {
  canRedo,
  canUndo,
  commit,
  createHistory,
  exportAsl,
  moveNode,
  pruneLayout,
  buildGraph,
  redo,
  replacePresent,
  undo,
  type AslDocument,
  type History,
  type LayoutRecord,
  type Position,
} from "../asl";

export interface Snapshot {
  readonly doc: AslDocument;
  readonly layout: LayoutRecord;
}

export interface DesignerState {
  readonly history: History<Snapshot>;
  /** The last edit's error (or the layout record's failed save), cleared by the next successful change. */
  readonly error?: string;
}

export interface Persistence {
  saveLayout(positions: LayoutRecord): Promise<void>;
}

export interface StoreOptions {
  readonly doc: AslDocument;
  readonly layout?: LayoutRecord;
  readonly persist?: Persistence;
  /** Milliseconds of quiet before a changed layout record is saved. */
  readonly layoutDelay?: number;
  /** Code-view changes less than this many milliseconds apart make one undo step. */
  readonly typingStepMs?: number;
}

/** Edits of one kind that join the undo step before them when they come quickly (`edit`'s `group`). */
export interface EditOptions {
  /** "code": the code view's text; "keys": nodes moved with the arrow keys. */
  readonly group?: "code" | "keys";
}

/** An edit: the next snapshot from the present one (src/asl's edits throw AslEditError when they make no sense). */
export type Edit = (present: Snapshot) => Snapshot;

export class DesignerStore {
  private state: DesignerState;
  private readonly listeners = new Set<() => void>();
  private readonly persist?: Persistence;
  private readonly layoutDelay: number;
  private layoutTimer?: ReturnType<typeof setTimeout>;
  private savedLayout: LayoutRecord;
  private readonly typingStepMs: number;
  /** The last grouped edit: its group, when, and the history it left (any other change replaces that). */
  private lastGrouped?: { group: string; at: number; history: History<Snapshot> };

  constructor(options: StoreOptions) {
    const layout = options.layout ?? {};
    this.state = {
      history: createHistory<Snapshot>({ doc: options.doc, layout }),
    };
    this.persist = options.persist;
    this.layoutDelay = options.layoutDelay ?? 600;
    this.savedLayout = layout;
    this.typingStepMs = options.typingStepMs ?? 1000;
  }

  // -- reading -------------------------------------------------------------------------------------------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): DesignerState => this.state;

  get present(): Snapshot {
    return this.state.history.present;
  }

  get document(): AslDocument {
    return this.present.doc;
  }

  /** The definition as JSON text, keys in document order. */
  get text(): string {
    return exportAsl(this.document);
  }

  get canUndo(): boolean {
    return canUndo(this.state.history);
  }

  get canRedo(): boolean {
    return canRedo(this.state.history);
  }

  // -- changing ------------------------------------------------------------------------------------------

  /**
   * Applies an edit as one undo step; false (and `error` set) when it failed, leaving everything as it was.
   * An edit that returns the present document and layout themselves changes nothing, history included.
   * An edit with a `group` joins the step before it when that was an edit of the same group less than
   * `typingStepMs` earlier and nothing else happened in between (no other edit, no undo).
   */
  edit(change: Edit, options: EditOptions = {}): boolean {
    let next: Snapshot;
    try {
      next = change(this.present);
    } catch (error) {
      this.set({ error: error instanceof Error ? error.message : String(error) });
      return false;
    }
    // An edit that changed nothing (a form committing the value it had) is no undo step, and ends no group.
    if (next.doc === this.present.doc && next.layout === this.present.layout) return true;
    if (next.doc !== this.present.doc) next = { ...next, layout: pruneLayout(next.layout, buildGraph(next.doc)) };
    const now = Date.now();
    const last = this.lastGrouped;
    const joins = options.group !== undefined && last !== undefined && last.group === options.group
      && last.history === this.state.history && now - last.at < this.typingStepMs;
    const history = joins ? replacePresent(this.state.history, next) : commit(this.state.history, next);
    this.lastGrouped = options.group === undefined ? undefined : { group: options.group, at: now, history };
    this.set({ history, error: undefined });
    return true;
  }

  /** Applies an edit of the document alone (the layout record stays, less entries for states that are gone). */
  editDocument(change: (doc: AslDocument) => AslDocument): boolean {
    return this.edit((present) => ({ ...present, doc: change(present.doc) }));
  }

  /**
   * Replaces the whole document from the code view: text typed without a pause of `typingStepMs` is one undo
   * step (not one per keystroke that parsed), ended early by any other change.
   */
  replaceDocument(doc: AslDocument): void {
    this.edit((present) => ({ ...present, doc }), { group: "code" });
  }

  /** A node dragged to `position` (relative to its group): one undo step, saved to the layout record. */
  move(id: string, position: Position): void {
    this.moveAll([[id, position]]);
  }

  /** Nodes dragged together: one undo step (or part of one, with a `group`). */
  moveAll(moves: Iterable<readonly [string, Position]>, options: EditOptions = {}): void {
    this.edit((present) => {
      let layout = present.layout;
      for (const [id, position] of moves) layout = moveNode(layout, id, position);
      return { ...present, layout };
    }, options);
  }

  /** Forgets every manual position: the automatic layout again. */
  resetLayout(): void {
    this.edit((present) => ({ ...present, layout: {} }));
  }

  undo(): void {
    this.set({ history: undo(this.state.history), error: undefined });
  }

  redo(): void {
    this.set({ history: redo(this.state.history), error: undefined });
  }

  clearError(): void {
    if (this.state.error !== undefined) this.set({ error: undefined });
  }

  /** Saves a pending layout record now (the page calls it before leaving). */
  async flushLayout(): Promise<void> {
    if (this.layoutTimer !== undefined) clearTimeout(this.layoutTimer);
    this.layoutTimer = undefined;
    const layout = this.present.layout;
    if (!this.persist || layout === this.savedLayout) return;
    this.savedLayout = layout;
    try {
      await this.persist.saveLayout(layout);
    } catch (error) {
      this.set({ error: `Saving the layout failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private set(patch: Partial<DesignerState>): void {
    const layoutBefore = this.present.layout;
    this.state = { ...this.state, ...patch };
    if (this.present.layout !== layoutBefore && this.persist) {
      if (this.layoutTimer !== undefined) clearTimeout(this.layoutTimer);
      this.layoutTimer = setTimeout(() => void this.flushLayout(), this.layoutDelay);
    }
    for (const listener of this.listeners) listener();
  }
}

// ---------------------------------------------------------------------------------------------------------
// React

export const DesignerContext = createContext<DesignerStore | null>(null);

/** The page's store (inside <DesignerContext.Provider>). */
export function useDesignerStore(): DesignerStore {
  const store = useContext(DesignerContext);
  if (store === null) throw new Error("useDesignerStore outside <DesignerContext.Provider>");
  return store;
}

/** Re-renders when the store changes; `select` picks what the component needs (keep it cheap and stable). */
export function useDesigner<T>(select: (state: DesignerState, store: DesignerStore) => T): T {
  const store = useDesignerStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState(), store));
}
