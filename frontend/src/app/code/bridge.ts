/**
 * Keeps the code view's DefinitionStore and a document host (the canvas's store, app/store.ts) in step.
 *
 * Text that parses becomes the host's document (one replaceDocument per parse that changed it); a document the
 * host changes itself (a canvas edit, undo) becomes the text. Identity tells the two apart, so nothing loops.
 * The interface is structural: the canvas's DesignerStore fits it as it is.
 */
import type { AslDocument } from "../../asl";
import type { DefinitionStore } from "./definitionStore";

export interface DocumentHost {
  subscribe(listener: () => void): () => void;
  readonly document: AslDocument;
  replaceDocument(doc: AslDocument): void;
}

export function connectDocumentHost(definition: DefinitionStore, host: DocumentHost): () => void {
  let pushed = definition.get().document; // the last document that went from the text to the host
  let seen = host.document; // the last document taken from the host
  const fromText = definition.subscribe(() => {
    const doc = definition.get().document;
    if (doc === null || doc === pushed || doc === seen) return;
    pushed = doc;
    host.replaceDocument(doc);
    seen = host.document;
  });
  const fromHost = host.subscribe(() => {
    const doc = host.document;
    if (doc === seen || doc === pushed) return;
    seen = doc;
    definition.setDocument(doc);
    pushed = definition.get().document;
  });
  return () => {
    fromText();
    fromHost();
  };
}
