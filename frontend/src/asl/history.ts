/**
 * Undo and redo as a list of snapshots.
 *
 * Documents are immutable and edits share everything they do not change, so a snapshot costs only the
 * objects on the path to the change; keeping whole snapshots is simpler and safer than inverse operations.
 * Generic, so the designer can keep the document and its layout record together in one snapshot.
 */

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** How many past snapshots are kept; older ones are dropped. */
  readonly limit: number;
}

export function createHistory<T>(present: T, limit = 200): History<T> {
  return { past: [], present, future: [], limit };
}

/** Records `next` as the new present; the redo list is cleared. Committing the present itself changes nothing. */
export function commit<T>(history: History<T>, next: T): History<T> {
  if (Object.is(next, history.present)) return history;
  const past = [...history.past, history.present];
  if (past.length > history.limit) past.splice(0, past.length - history.limit);
  return { past, present: next, future: [], limit: history.limit };
}

/** Replaces the present without a new undo step (e.g. while typing in one field, or dragging a node). */
export function replacePresent<T>(history: History<T>, next: T): History<T> {
  return Object.is(next, history.present) ? history : { ...history, present: next };
}

export const canUndo = <T>(history: History<T>) => history.past.length > 0;
export const canRedo = <T>(history: History<T>) => history.future.length > 0;

export function undo<T>(history: History<T>): History<T> {
  if (!canUndo(history)) return history;
  const past = history.past.slice(0, -1);
  return { past, present: history.past[history.past.length - 1], future: [history.present, ...history.future], limit: history.limit };
}

export function redo<T>(history: History<T>): History<T> {
  if (!canRedo(history)) return history;
  const [present, ...future] = history.future;
  return { past: [...history.past, history.present], present, future, limit: history.limit };
}
