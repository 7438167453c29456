import { describe, expect, it } from "vitest";
import type { Draft } from "../code/api";
import { isDraftWorthOffering } from "./draftOffer";

const draft = (definition: string, updatedAt: string): Draft => ({
  definition, updated_at: updatedAt, base_revision_id: "r1", result: "OK", diagnostics: [],
});

describe("isDraftWorthOffering", () => {
  const saved = "2025-03-01T10:00:00.000000Z";
  it("offers a draft written after the current revision", () => {
    expect(isDraftWorthOffering(draft("{}", "2025-03-01T10:00:01.5Z"), saved, '{"a": 1}')).toBe(true);
  });
  it("not one the current revision overtook, nor one equal to what is shown, nor none", () => {
    expect(isDraftWorthOffering(draft("{}", "2025-03-01T09:59:59Z"), saved, '{"a": 1}')).toBe(false);
    expect(isDraftWorthOffering(draft('{"a": 1}', "2025-03-02T00:00:00Z"), saved, '{"a": 1}')).toBe(false);
    expect(isDraftWorthOffering(null, saved, '{"a": 1}')).toBe(false);
  });
});
