/**
 * Two saved revisions side by side (CodeMirror's merge view, read only): pick the older and the newer from
 * the machine's revisions; by default the one before the current and the current.
 * Like the code view, the editors live in a shadow root so that their styles pass the CSP.
 */
import { json } from "@codemirror/lang-json";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { MergeView } from "@codemirror/merge";
import { useEffect, useRef, useState } from "react";
import { api, type Revision } from "../code/api";
import type { MachineRef } from "../machine";

const extensions = [
  lineNumbers(),
  json(),
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
  EditorView.theme({ "&": { fontSize: "12px" }, ".cm-scroller": { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' } }),
];

function label(revision: Revision, index: number, count: number): string {
  const when = new Date(revision.created_at).toLocaleString();
  return `#${index + 1} ${when}${index === count - 1 ? " (current)" : ""}`;
}

export function RevisionDiff({ machine, onClose }: { machine: MachineRef; onClose: () => void }) {
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [older, setOlder] = useState("");
  const [newer, setNewer] = useState("");
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api
      .revisions(machine)
      .then((list) => {
        setRevisions(list);
        setNewer(list.at(-1)?.revision_id ?? "");
        setOlder(list.at(-2)?.revision_id ?? list.at(-1)?.revision_id ?? "");
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, [machine]);

  useEffect(() => {
    if (!revisions || !host.current) return;
    const a = revisions.find((revision) => revision.revision_id === older);
    const b = revisions.find((revision) => revision.revision_id === newer);
    if (!a || !b) return;
    const shadow = host.current.shadowRoot ?? host.current.attachShadow({ mode: "open" });
    const frame = document.createElement("div");
    shadow.replaceChildren(frame);
    const view = new MergeView({ a: { doc: a.definition, extensions }, b: { doc: b.definition, extensions }, parent: frame, root: shadow });
    return () => view.destroy();
  }, [revisions, older, newer]);

  const options = (revisions ?? []).map((revision, index, all) => (
    <option key={revision.revision_id} value={revision.revision_id}>
      {label(revision, index, all.length)}
    </option>
  ));
  return (
    <section className="revision-diff" aria-label="Compare revisions">
      <div className="revision-diff__bar">
        <label>
          Older revision{" "}
          <select value={older} onChange={(event) => setOlder(event.target.value)}>
            {options}
          </select>
        </label>
        <label>
          Newer revision{" "}
          <select value={newer} onChange={(event) => setNewer(event.target.value)}>
            {options}
          </select>
        </label>
        <button type="button" onClick={onClose}>
          Close comparison
        </button>
        {error && <span role="alert" className="designer__error">{error}</span>}
      </div>
      <div className="revision-diff__view" ref={host} />
    </section>
  );
}
