import { describe, expect, it } from "vitest";
import { buildGraph, importAsl, toElkGraph } from "../asl";
import { corpusFile } from "../asl/testing";
import { layoutKey, readCachedLayout, storeLayout } from "./layoutCache";

const ENGINE = "/static/designer-app/assets/elk-worker.min-abc123.js";
const elkJson = (definition: string) => JSON.stringify(toElkGraph(buildGraph(importAsl(definition))));
const text = corpusFile("062-parallel-in-map-in-parallel.asl.json");

describe("layout cache key", () => {
  it("is a SHA-256 of ELK's input, the same for the same graph", async () => {
    const key = await layoutKey(elkJson(text), ENGINE);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await layoutKey(elkJson(text), ENGINE)).toBe(key);
  });

  it("ignores what does not reach the layout, and follows what does", async () => {
    const definition = JSON.parse(text) as { Comment?: string; States: Record<string, unknown> };
    const key = await layoutKey(elkJson(text), ENGINE);
    // A comment or a state's parameters do not change the graph's shape: the same layout.
    expect(await layoutKey(elkJson(JSON.stringify({ ...definition, Comment: "changed" })), ENGINE)).toBe(key);
    // A renamed state is a new node id, another engine may lay out differently: new keys.
    const renamed = text.replaceAll('"Finish"', '"Done"');
    expect(renamed).not.toBe(text);
    expect(await layoutKey(elkJson(renamed), ENGINE)).not.toBe(key);
    expect(await layoutKey(elkJson(text), ENGINE.replace("abc123", "def456"))).not.toBe(key);
  });

  it("reads as a miss, without failing, where there is no IndexedDB", async () => {
    expect(typeof indexedDB).toBe("undefined"); // vitest's node environment
    await expect(storeLayout("k", { boxes: new Map([["a", { x: 1, y: 2, width: 3, height: 4 }]]), routes: new Map() })).resolves.toBeUndefined();
    await expect(readCachedLayout("k")).resolves.toBeUndefined();
  });
});
