/**
 * The designer's toolbar: save (a new revision; an invalid definition is kept as your draft instead, and the
 * page says so), publish the saved revision as a version, export the definition (JSON / YAML: what the
 * designer holds, saved or not, converted by the server's export endpoint) and the graph (SVG / PNG), compare
 * two revisions, and a guard
 * against leaving with unsaved changes. Under it, your saved draft is offered when there is a newer one.
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect, useState } from "react";
import { api, ApiError, validateDefinition } from "../code/api";
import { isDirty, useDefinition, type DefinitionStore } from "../code/definitionStore";
import type { MachineRef } from "../machine";
import { DraftOffer } from "./DraftOffer";
import { RevisionDiff } from "./RevisionDiff";
import { download, downloadGraphImage } from "./exportImage";

type Message = { kind: "ok" | "warning" | "error"; text: string } | null;

export function Toolbar({ machine, store, drawEverything }: {
  machine: MachineRef;
  store: DefinitionStore;
  /** Asks the canvas to draw every node, in view or not (true), or only what is in view again (false). */
  drawEverything: (on: boolean) => void;
}) {
  const snapshot = useDefinition(store);
  const flow = useReactFlow();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [draftText, setDraftText] = useState<string | null>(null);
  const [comparing, setComparing] = useState(false);
  const dirty = isDirty(snapshot);
  const unsaved = dirty && snapshot.text !== draftText; // kept nowhere yet

  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = ""; // older browsers need it set
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);

  async function run(action: () => Promise<Message>) {
    setBusy(true);
    try {
      setMessage(await action());
    } catch (error) {
      setMessage({ kind: "error", text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  const saveDraft = async (text: string, why: string): Promise<Message> => {
    const { draft } = await api.saveDraft(machine, text, store.get().revisionId);
    if (draft.diagnostics.length > 0 && store.get().syntaxError === null) {
      store.setValidation(text, draft.result, draft.diagnostics);
    }
    setDraftText(text);
    return { kind: "warning", text: `Saved as a draft: ${why}. A draft is kept for you only and cannot be published.` };
  };

  const save = () =>
    run(async () => {
      const { text, syntaxError } = store.get();
      if (syntaxError) return saveDraft(text, `the JSON is not valid (${syntaxError.message})`);
      // Ask the validator first (unless its answer for this text is in): an invalid definition goes to the draft.
      let validation = store.get().validation;
      if (validation?.text !== text) {
        const answer = await validateDefinition(text);
        store.setValidation(text, answer.result, answer.diagnostics);
        validation = store.get().validation;
      }
      if (validation?.result === "FAIL") {
        const errors = validation.diagnostics.filter((diagnostic) => diagnostic.severity === "ERROR").length;
        return saveDraft(text, `the definition has ${errors} error${errors === 1 ? "" : "s"}`);
      }
      try {
        const saved = await api.save(machine, text);
        store.markSaved(text, saved.revision_id);
      } catch (error) {
        if (error instanceof ApiError && error.status === 400) return saveDraft(text, `the definition is invalid (${error.message})`);
        throw error;
      }
      setDraftText(null);
      await api.discardDraft(machine).catch(() => undefined);
      return { kind: "ok", text: `Saved: revision ${store.get().revisionId}` };
    });

  const publish = () =>
    run(async () => {
      const version = await api.publish(machine, store.get().revisionId);
      return { kind: "ok", text: `Published version ${version.number}` };
    });

  const exportImage = (format: "svg" | "png") =>
    run(async () => {
      const root = document.querySelector<HTMLElement>(".designer .react-flow");
      if (!root) throw new Error("There is no graph to export");
      await downloadGraphImage(root, flow, format, machine.name, drawEverything);
      return null;
    });

  const exportDefinition = (format: "json" | "yaml") =>
    run(async () => {
      const blob = await api.exportFile(machine, format, store.get().text);
      const url = URL.createObjectURL(blob);
      try {
        download(url, `${machine.name}.asl.${format}`);
      } finally {
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }
      return null;
    });
  const exportBlocked = snapshot.syntaxError !== null;
  const exportTitle = (format: string) =>
    exportBlocked ? "Fix the JSON error in the code view first" : `The definition as ${format}, as the designer holds it (saved or not)`;

  const canPublish = machine.canEdit && !busy && !dirty && snapshot.syntaxError === null;
  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Definition">
        {machine.canEdit && (
          <button type="button" onClick={save} disabled={busy || !dirty}>
            Save
          </button>
        )}
        {machine.canEdit && (
          <button
            type="button"
            onClick={publish}
            disabled={!canPublish}
            title={dirty ? "Save first: a version is published from a saved revision" : undefined}
          >
            Publish version
          </button>
        )}
        <button type="button" onClick={() => exportDefinition("json")} disabled={busy || exportBlocked} title={exportTitle("JSON")}>
          Export JSON
        </button>
        <button type="button" onClick={() => exportDefinition("yaml")} disabled={busy || exportBlocked} title={exportTitle("YAML")}>
          Export YAML
        </button>
        <button type="button" onClick={() => exportImage("svg")} disabled={busy}>
          Export graph as SVG
        </button>
        <button type="button" onClick={() => exportImage("png")} disabled={busy}>
          Export graph as PNG
        </button>
        <button type="button" aria-pressed={comparing} onClick={() => setComparing(!comparing)}>
          Compare revisions
        </button>
        {unsaved && <span className="toolbar__dirty">Unsaved changes</span>}
        {message && (
          <span role={message.kind === "error" ? "alert" : "status"} className={`toolbar__message toolbar__message--${message.kind}`}>
            {message.text}
          </span>
        )}
      </div>
      <DraftOffer
        machine={machine}
        store={store}
        onOpened={(draft) => {
          setDraftText(draft.definition); // kept on the server already: not "unsaved"
          setMessage({ kind: "warning", text: "Opened your draft: save it as a revision when it is valid" });
        }}
        onMessage={(text) => setMessage({ kind: "ok", text })}
      />
      {comparing && <RevisionDiff machine={machine} onClose={() => setComparing(false)} />}
    </>
  );
}
