/**
 * The draft behind every inspector text control (the state's fields, the list editors' fields, the raw JSON):
 * what is typed stays in the control until it is committed, so one finished value is one undo step. The draft
 * follows the stored text whenever that changes from outside (an undo, the code view, another control); a commit
 * that fails keeps the text as typed, with the reason; Escape (revert) puts the stored text back.
 */
import { useState, type KeyboardEvent } from "react";

/** Commits the text; returns why it could not be, or undefined. */
export type Commit = (text: string) => string | undefined;

export interface Draft {
  readonly draft: string;
  readonly setDraft: (text: string) => void;
  /** Why the last commit failed, until the next one or a change of the stored text. */
  readonly error: string | undefined;
  readonly commit: () => void;
  readonly revert: () => void;
  /** Enter commits (Ctrl/Cmd+Enter in a multi-line control, where Enter is a new line); Escape reverts. */
  readonly onKeyDown: (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
}

export function useDraft(text: string, onCommit: Commit, { multiline = false }: { multiline?: boolean } = {}): Draft {
  const [draft, setDraft] = useState(text);
  const [shown, setShown] = useState(text);
  const [error, setError] = useState<string | undefined>();
  if (text !== shown) {
    setShown(text);
    setDraft(text);
    setError(undefined);
  }

  const commit = () => {
    const failed = draft === text ? undefined : onCommit(draft);
    setError(failed);
    // Committed: show the stored text (a changed one arrives with the re-render; a no-op keeps this one).
    if (failed === undefined) setDraft(text);
  };
  const revert = () => {
    setDraft(text);
    setError(undefined);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    if (event.key === "Escape") revert();
    else if (event.key === "Enter" && (!multiline || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      commit();
    }
  };
  return { draft, setDraft, error, commit, revert, onKeyDown };
}
