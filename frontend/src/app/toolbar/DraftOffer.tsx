/**
 * "You have an unsaved draft from <time>": on opening the designer, your draft of this machine (kept by Save
 * when the definition was invalid) is offered when it is newer than the current revision. Opening it puts its
 * text in the code view (the canvas follows when it parses; one undo step back to the revision), after a second
 * click when that would replace changes made on the page since it loaded; discarding it deletes it on the server.
 * A draft that cannot be loaded is said, not hidden: it stays on the server, and saving would overwrite it.
 */
import { useEffect, useState } from "react";
import { api, type Draft } from "../code/api";
import { isDirty, type DefinitionStore } from "../code/definitionStore";
import type { MachineRef } from "../machine";
import { isDraftWorthOffering } from "./draftOffer";

export interface DraftOfferProps {
  readonly machine: MachineRef;
  readonly store: DefinitionStore;
  /** The draft's text is in the code view now (the toolbar knows it is kept, not unsaved). */
  readonly onOpened: (draft: Draft) => void;
  readonly onMessage: (text: string) => void;
}

export function DraftOffer({ machine, store, onOpened, onMessage }: DraftOfferProps) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    if (!machine.canEdit) return;
    let current = true;
    const shown = store.get();
    api
      .draft(machine)
      .then(async ({ draft: found }) => {
        if (!found || !current) return;
        const revision = await api.revision(machine, shown.revisionId);
        if (current && isDraftWorthOffering(found, revision.created_at, store.get().text)) setDraft(found);
      })
      .catch((caught: unknown) => {
        if (current) setLoadError(caught instanceof Error ? caught.message : String(caught));
      });
    return () => {
      current = false;
    };
  }, [machine, store]);

  if (!draft) {
    if (loadError === null) return null;
    return (
      <section className="draft-offer" aria-label="Unsaved draft">
        <p role="alert" className="toolbar__message--error">
          Your saved draft of this machine could not be loaded: {loadError}. Reload the page to try again.
        </p>
      </section>
    );
  }

  const open = () => {
    if (isDirty(store.get()) && !confirming) {
      setConfirming(true); // the draft would replace what was typed since the page loaded
      return;
    }
    store.setText(draft.definition);
    const opened = store.get();
    if (opened.syntaxError === null) store.setValidation(draft.definition, draft.result, draft.diagnostics);
    onOpened(draft);
    setDraft(null);
  };

  const discard = async () => {
    setBusy(true);
    try {
      await api.discardDraft(machine);
      setDraft(null);
      onMessage("Draft discarded");
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const when = new Date(draft.updated_at).toLocaleString();
  const olderBase = draft.base_revision_id !== null && draft.base_revision_id !== store.get().revisionId;
  return (
    <section className="draft-offer" aria-label="Unsaved draft">
      <p>
        You have an unsaved draft from {when}
        {olderBase && " (started from an earlier revision)"}.
      </p>
      {confirming && <p>Opening it replaces the changes you made on this page.</p>}
      <button type="button" onClick={open} disabled={busy}>{confirming ? "Replace my changes" : "Open draft"}</button>
      <button type="button" onClick={() => void discard()} disabled={busy}>Discard draft</button>
      {error && <span role="alert" className="toolbar__message--error">{error}</span>}
    </section>
  );
}
