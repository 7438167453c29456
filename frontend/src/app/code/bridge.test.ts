import { describe, expect, it } from "vitest";
import { exportAsl, importAsl, type AslDocument } from "../../asl";
import { connectDocumentHost, type DocumentHost } from "./bridge";
import { DefinitionStore } from "./definitionStore";

class Host implements DocumentHost {
  replaced = 0;
  private listeners = new Set<() => void>();
  constructor(public document: AslDocument) {}
  subscribe(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  replaceDocument(doc: AslDocument) {
    this.replaced++;
    this.set(doc);
  }
  set(doc: AslDocument) {
    this.document = doc;
    for (const listener of this.listeners) listener();
  }
}

const TEXT = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}';

describe("connectDocumentHost", () => {
  it("sends parsed text to the host and the host's edits to the text, without loops", () => {
    const definition = new DefinitionStore(TEXT, "r1");
    const host = new Host(definition.get().document!);
    const disconnect = connectDocumentHost(definition, host);

    definition.setText(TEXT.replace('"Pass"', '"Pass" ')); // parses: one replacement
    expect(host.replaced).toBe(1);
    definition.setText("{ broken"); // does not parse: the host keeps the last good document
    expect(host.replaced).toBe(1);
    expect(definition.get().syntaxError).not.toBeNull();

    const edited = importAsl(TEXT.replace(/"A"/g, '"B"'));
    host.set(edited); // a canvas edit: the text becomes its export
    expect(definition.get().text).toBe(exportAsl(edited));
    expect(definition.get().syntaxError).toBeNull();
    expect(host.replaced).toBe(1);

    disconnect();
    definition.setText(TEXT);
    expect(host.replaced).toBe(1);
  });
});
