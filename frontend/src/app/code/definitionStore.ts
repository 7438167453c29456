/**
 * The definition being edited, as both views see it: the text the code view shows and the last document that
 * parsed (the graph keeps drawing it while the text has a JSON error), plus what the server last said.
 *
 * The text is the source of truth while typing: it is kept exactly as written (saving sends it as is, so a
 * definition nobody touched round-trips byte for byte). An edit on the canvas replaces the document, and the
 * text becomes its export. The canvas helper's store (app/store.ts) is to take this over; until then the
 * Designer holds one of these.
 */
import { useSyncExternalStore } from "react";
import { exportAsl, importAsl, type AslDocument } from "../../asl";
import type { ServerDiagnostic } from "./diagnostics";

export interface DefinitionSnapshot {
  text: string;
  /** The last text that parsed, as a document; null only if none ever did. */
  document: AslDocument | null;
  /** The text `document` came from. */
  documentText: string;
  /** The parser's complaint about `text`, if it has one. */
  syntaxError: Error | null;
  /** The server's diagnostics and the text they are about (they are stale when that is not `text`). */
  validation: { text: string; result: "OK" | "FAIL"; diagnostics: ServerDiagnostic[] } | null;
  /** The definition as last saved (or loaded): the text differs from it = unsaved changes. */
  savedText: string;
  revisionId: string;
}

export class DefinitionStore {
  private snapshot: DefinitionSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(text: string, revisionId: string) {
    this.snapshot = { ...parse(text, null, ""), text, validation: null, savedText: text, revisionId };
  }

  get = (): DefinitionSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The code view's text changed. */
  setText(text: string): void {
    if (text === this.snapshot.text) return;
    this.update({ ...parse(text, this.snapshot.document, this.snapshot.documentText), text });
  }

  /** The canvas changed the document: the text follows. */
  setDocument(document: AslDocument): void {
    const text = exportAsl(document);
    this.update({ text, document, documentText: text, syntaxError: null });
  }

  setValidation(text: string, result: "OK" | "FAIL", diagnostics: ServerDiagnostic[]): void {
    this.update({ validation: { text, result, diagnostics } });
  }

  markSaved(text: string, revisionId: string): void {
    this.update({ savedText: text, revisionId });
  }

  private update(changes: Partial<DefinitionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...changes };
    for (const listener of this.listeners) listener();
  }
}

function parse(text: string, previous: AslDocument | null, previousText: string) {
  try {
    return { document: importAsl(text), documentText: text, syntaxError: null };
  } catch (error) {
    return { document: previous, documentText: previousText, syntaxError: error instanceof Error ? error : new Error(String(error)) };
  }
}

export function useDefinition(store: DefinitionStore): DefinitionSnapshot {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Unsaved: the text differs from what was saved. Valid: it parses and the server found no error in it. */
export function isDirty(snapshot: DefinitionSnapshot): boolean {
  return snapshot.text !== snapshot.savedText;
}

export function isKnownValid(snapshot: DefinitionSnapshot): boolean {
  return snapshot.syntaxError === null && snapshot.validation?.text === snapshot.text && snapshot.validation.result === "OK";
}
