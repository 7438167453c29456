/**
 * The code view: the whole definition in CodeMirror 6 (JSON mode), synced both ways with the store.
 *
 * Typing updates the store (the graph follows as soon as the text parses); a change made elsewhere (the
 * canvas) replaces the editor's text. Problems are lint markers: the parser's JSON error at its position at
 * once, the server validator's diagnostics at their location when they arrive (CodeMirror keeps them in
 * place while you type on).
 *
 * The editor lives in a shadow root: CodeMirror injects its styles as a <style> element in a document (which
 * the site's CSP, style-src 'self', refuses) but as constructed style sheets in a shadow root (which it allows).
 */
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { editorProblems, syntaxProblem, type EditorProblem } from "./diagnostics";
import { useDefinition, type DefinitionStore } from "./definitionStore";
import { measureOnce } from "../timing";

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "12.5px" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' },
});

export function CodeView({ store, readOnly }: { store: DefinitionStore; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const snapshot = useDefinition(store);

  useEffect(() => {
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: "open" });
    const frame = document.createElement("div");
    frame.style.position = "absolute"; // CSSOM, not a style attribute: the CSP allows it
    frame.style.inset = "0";
    shadow.replaceChildren(frame);
    const editor = measureOnce("designer:code", () => new EditorView({
      root: shadow,
      parent: frame,
      state: EditorState.create({
        doc: store.get().text,
        extensions: [
          lineNumbers(),
          lintGutter(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          json(),
          theme,
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ "aria-label": "Definition (ASL JSON)" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) store.setText(update.state.doc.toString());
          }),
        ],
      }),
    }));
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [store, readOnly]);

  // A change from elsewhere: replace the text (the editor's own changes are already there).
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== snapshot.text) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: snapshot.text } });
    }
  }, [snapshot.text]);

  // Markers: the JSON error while there is one, else the server's diagnostics for this very text. Stale
  // server markers stay (mapped through the edits) until the next answer replaces them.
  const showingSyntax = useRef(false);
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const text = editor.state.doc.toString();
    let problems: EditorProblem[] | undefined;
    if (snapshot.syntaxError) problems = [syntaxProblem(text, snapshot.syntaxError)];
    else if (snapshot.validation?.text === text && snapshot.document && snapshot.documentText === text) {
      problems = editorProblems(text, snapshot.document, snapshot.validation.diagnostics);
    } else if (showingSyntax.current) problems = [];
    if (problems === undefined) return;
    showingSyntax.current = snapshot.syntaxError !== null;
    editor.dispatch(setDiagnostics(editor.state, problems as Diagnostic[]));
  }, [snapshot.syntaxError, snapshot.validation, snapshot.document, snapshot.documentText]);

  return <div className="code-view" ref={host} />;
}
