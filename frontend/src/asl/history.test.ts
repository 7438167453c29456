import { describe, expect, it } from "vitest";
import { importAsl, exportAsl } from "./document";
import { addState, renameState, setNext } from "./edit";
import { canRedo, canUndo, commit, createHistory, redo, replacePresent, undo } from "./history";
import { parseJson, type JsonObject } from "./json";

describe("history", () => {
  const start = importAsl('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}');

  it("undoes and redoes edits as snapshots", () => {
    let history = createHistory(start);
    expect(canUndo(history)).toBe(false);
    const added = addState(start, "", "B", parseJson('{"Type":"Succeed"}') as JsonObject);
    history = commit(history, added);
    history = commit(history, setNext(history.present, "/States/A", "B"));
    history = commit(history, renameState(history.present, "/States/B", "Done"));
    expect(exportAsl(history.present, 0)).toBe('{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Done"},"Done":{"Type":"Succeed"}}}');

    history = undo(undo(history));
    expect(history.present).toBe(added);
    expect(canRedo(history)).toBe(true);
    history = redo(history);
    expect(exportAsl(history.present, 0)).toBe('{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}');
    history = undo(undo(history));
    expect(history.present).toBe(start);
    expect(undo(history)).toBe(history);

    // A new edit after undoing drops the redo list.
    history = commit(redo(history), start);
    expect(canRedo(history)).toBe(false);
    expect(history.past).toEqual([start, added]);
  });

  it("ignores no-op commits, replaces the present without a step, and keeps at most `limit` steps", () => {
    let history = createHistory(0, 3);
    expect(commit(history, 0)).toBe(history);
    for (let i = 1; i <= 5; i++) history = commit(history, i);
    expect(history.past).toEqual([2, 3, 4]);
    history = replacePresent(history, 50);
    expect(undo(history).future).toEqual([50]);
  });
});
