/**
 * Asks the server's validator about the text once typing pauses, and keeps its answer in the store beside
 * the text it is about. Text that does not parse is not sent: the parser's own error says more, sooner; the
 * last text that parsed is sent instead when its answer is missing (the graph draws that one and marks its
 * problems: typing "} x" parses at "} " and breaks at "x").
 */
import { useEffect } from "react";
import { validateDefinition } from "./api";
import { useDefinition, type DefinitionStore } from "./definitionStore";

export const VALIDATE_DELAY_MS = 600;

export function useServerValidation(store: DefinitionStore): void {
  const snapshot = useDefinition(store);
  const text = snapshot.syntaxError === null ? snapshot.text : snapshot.documentText;
  const needed = snapshot.document !== null && snapshot.validation?.text !== text;
  useEffect(() => {
    if (!needed) return;
    let current = true;
    const timer = window.setTimeout(() => {
      validateDefinition(text)
        .then((answer) => {
          if (current) store.setValidation(text, answer.result, answer.diagnostics);
        })
        .catch(() => {
          // Offline or logged out: the markers stay as they were; saving reports the error itself.
        });
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [store, text, needed]);
}
