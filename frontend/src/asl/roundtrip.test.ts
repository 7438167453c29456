import { describe, expect, it } from "vitest";
import { exportAsl, importAsl } from "./document";
import { corpus, tokens } from "./testing";

const files = Object.keys(corpus).sort();

describe("round trip over the corpus", () => {
  it("has the whole corpus", () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it.each(files)("%s: export(import(text)) has the same values, keys in the same order, numbers as written", (name) => {
    const text = corpus[name];
    const exported = exportAsl(importAsl(text));
    expect(tokens(exported)).toEqual(tokens(text));
    expect(JSON.parse(exported)).toEqual(JSON.parse(text));
  });

  it.each(files)("%s: a second round trip gives the same text", (name) => {
    const once = exportAsl(importAsl(corpus[name]));
    expect(exportAsl(importAsl(once))).toBe(once);
  });
});

describe("round trip of what plain JS objects would reorder", () => {
  it("keeps integer-like state names and Parameters keys in place, and number texts", () => {
    const text = `{
  "States": {
    "2": {"Type": "Pass", "Parameters": {"b": 1.0, "10": 2, "a": 1e3, "1": -0}, "Next": "1"},
    "1": {"Type": "Succeed"}
  },
  "StartAt": "2"
}`;
    const exported = exportAsl(importAsl(text));
    expect(tokens(exported)).toEqual(tokens(text));
    expect(exported).toContain('"b": 1.0');
  });
});
