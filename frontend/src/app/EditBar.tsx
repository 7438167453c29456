/**
 * The editing bar above the canvas: undo and redo, and for the selected state rename, duplicate and delete.
 * Also the keyboard: Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl/Cmd+Y redo. Keys typed in a text field or
 * the code editor are theirs (CodeMirror has its own history), not the canvas's.
 */
import { useEffect, useState, type FormEvent } from "react";
import { splitStatePointer, stateAt } from "../asl";
import { duplicate, remove, rename } from "./edits";
import { useDesigner, useDesignerStore } from "./store";

function isTextInput(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest("input, textarea, select, .cm-editor") !== null;
}

/** The rename field's id: a double-click on a node focuses it (Canvas). */
export const RENAME_INPUT_ID = "designer-state-name";

export function EditBar({ selected, onSelect }: { selected: readonly string[]; onSelect: (ids: string[]) => void }) {
  const store = useDesignerStore();
  const canUndo = useDesigner((_state, s) => s.canUndo);
  const canRedo = useDesigner((_state, s) => s.canRedo);
  const error = useDesigner((state) => state.error);
  const doc = useDesigner((state) => state.history.present.doc);
  const hasManualPositions = useDesigner((state) => Object.keys(state.history.present.layout).length > 0);
  // The selection can name states an undo or the code view took away: only those still there count.
  const states = selected.filter((id) => stateAt(doc, id) !== undefined);
  const single = states.length === 1 ? states[0] : undefined;
  const currentName = single ? splitStatePointer(single)!.name : "";
  const [name, setName] = useState(currentName);

  useEffect(() => setName(currentName), [currentName, doc]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextInput(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) store.undo();
      else if ((key === "z" && event.shiftKey) || key === "y") store.redo();
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [store]);

  const onRename = (event: FormEvent) => {
    event.preventDefault();
    if (!single) return;
    let renamed: string | undefined;
    const ok = store.edit((present) => {
      const result = rename(present, single, name);
      renamed = result.pointer;
      return result.snapshot;
    });
    if (ok && renamed) onSelect([renamed]);
  };

  return (
    <div className="designer__edit" role="toolbar" aria-label="Edit">
      <button type="button" onClick={() => store.undo()} disabled={!canUndo} aria-keyshortcuts="Control+Z">Undo</button>
      <button type="button" onClick={() => store.redo()} disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z">Redo</button>
      <form className="designer__rename" onSubmit={onRename}>
        <input
          id={RENAME_INPUT_ID}
          aria-label="State name"
          value={name}
          disabled={!single}
          maxLength={80}
          placeholder={single ? "" : "Select a state"}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" disabled={!single || name.trim() === currentName || name.trim() === ""}>Rename</button>
      </form>
      <button
        type="button"
        disabled={!single}
        onClick={() => {
          let copy: string | undefined;
          if (single && store.edit((present) => {
            const result = duplicate(present, single);
            copy = result.pointer;
            return result.snapshot;
          }) && copy) onSelect([copy]);
        }}
      >
        Duplicate
      </button>
      <button
        type="button"
        disabled={states.length === 0}
        onClick={() => {
          if (store.edit((present) => remove(present, states))) onSelect([]);
        }}
      >
        Delete
      </button>
      <button
        type="button"
        disabled={!hasManualPositions}
        title="Forget the positions states were dragged to: the automatic layout again (undo brings them back)"
        onClick={() => store.resetLayout()}
      >
        Reset layout
      </button>
      {error && (
        <span role="alert" className="designer__error">
          {error}{" "}
          <button type="button" className="designer__dismiss" onClick={() => store.clearError()} aria-label="Dismiss the error">×</button>
        </span>
      )}
    </div>
  );
}
