import { describe, expect, it } from "vitest";
import { importAsl } from "../asl";
import { corpusFile } from "../asl/testing";
import { isLargelyNew, statePointers } from "./useFitNewGraph";

describe("a largely new definition (the view is fitted to it)", () => {
  const nested = statePointers(importAsl(corpusFile("062-parallel-in-map-in-parallel.asl.json")));

  it("names every state, nested ones too, by pointer", () => {
    expect(nested).toContain("/States/Top fan-out/Branches/0/States/For each order/ItemProcessor/States/Order checks");
    expect(nested.size).toBe(8);
  });

  it("is one where fewer than half of the states were drawn before", () => {
    const one = statePointers(importAsl('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'));
    expect(isLargelyNew(one, nested)).toBe(true); // a paste
    expect(isLargelyNew(nested, one)).toBe(true);
    const grown = new Set([...nested, "/States/New"]);
    expect(isLargelyNew(nested, grown)).toBe(false); // an edit
    expect(isLargelyNew(nested, nested)).toBe(false);
    expect(isLargelyNew(nested, new Set())).toBe(false);
  });
});
