import { describe, expect, it } from "vitest";
import { importAsl, JsonSyntaxError } from "../../asl";
import { currentDiagnostics, diagnosticsByState, editorProblems, MACHINE, syntaxProblem, type ServerDiagnostic } from "./diagnostics";
import { locateInText, resolveLocation, statePointerOf } from "./locate";

const TEXT = `{
  "StartAt": "Fan out",
  "States": {
    "Fan out": {
      "Type": "Parallel",
      "Branches": [
        { "StartAt": "a/b", "States": { "a/b": { "Type": "Pass", "Next": "Nowhere" } } },
        {
          "StartAt": "Each",
          "States": {
            "Each": {
              "Type": "Map",
              "ItemProcessor": { "StartAt": "Inner", "States": { "Inner": { "Type": "Pass", "End": true } } },
              "End": true
            }
          }
        }
      ],
      "Next": "Choose"
    },
    "Choose": {
      "Type": "Choice",
      "Choices": [{ "Variable": "$.x", "NumericGreaterThan": 1, "Next": "Done" }],
      "Default": "Done"
    },
    "Done": { "Type": "Succeed" }
  }
}`;
const DOC = importAsl(TEXT);

const at = (location: string) => {
  const range = locateInText(TEXT, resolveLocation(DOC, location).segments)!;
  return TEXT.slice(range.from, range.to);
};

describe("resolveLocation", () => {
  it("reads AWS locations: bracketed items, unescaped names", () => {
    expect(resolveLocation(DOC, "/States/Fan out/Branches[0]/States/a/b/Next")).toEqual({
      segments: ["States", "Fan out", "Branches", 0, "States", "a/b", "Next"],
      complete: true,
    });
    expect(resolveLocation(DOC, "/States/Choose/Choices[0]/Next").segments).toEqual(["States", "Choose", "Choices", 0, "Next"]);
  });

  it("reads RFC 6901 pointers too", () => {
    expect(resolveLocation(DOC, "/States/Fan out/Branches/0/States/a~1b").segments).toEqual([
      "States", "Fan out", "Branches", 0, "States", "a/b",
    ]);
  });

  it("stops at the deepest part that exists", () => {
    expect(resolveLocation(DOC, "/States/Done/Next")).toEqual({ segments: ["States", "Done"], complete: false });
    expect(resolveLocation(DOC, "/States/Choose/Choices[5]").segments).toEqual(["States", "Choose", "Choices"]);
    expect(resolveLocation(DOC, "")).toEqual({ segments: [], complete: true });
  });
});

describe("statePointerOf", () => {
  it("finds the innermost state through branches and processors", () => {
    expect(statePointerOf(["States", "Fan out", "Branches", 0, "States", "a/b", "Next"])).toBe(
      "/States/Fan out/Branches/0/States/a~1b",
    );
    expect(statePointerOf(["States", "Fan out", "Branches", 1, "States", "Each", "ItemProcessor", "States", "Inner"])).toBe(
      "/States/Fan out/Branches/1/States/Each/ItemProcessor/States/Inner",
    );
    expect(statePointerOf(["States", "Choose", "Choices", 0, "Next"])).toBe("/States/Choose");
  });

  it("is undefined outside states; a States field inside Parameters is no scope", () => {
    expect(statePointerOf(["StartAt"])).toBeUndefined();
    expect(statePointerOf([])).toBeUndefined();
    expect(statePointerOf(["States", "T", "Parameters", "States", "x"])).toBe("/States/T");
  });
});

describe("locateInText", () => {
  it("marks a scalar by its text, an object or array by its field name", () => {
    expect(at("/States/Fan out/Branches[0]/States/a/b/Next")).toBe('"Nowhere"');
    expect(at("/States/Choose/Choices[0]/NumericGreaterThan")).toBe("1");
    expect(at("/States/Choose")).toBe('"Choose"');
    expect(at("/States/Choose/Choices[0]")).toBe("{");
    expect(at("/States/Done/Next")).toBe('"Done"'); // missing field: its state
    expect(at("")).toBe("{");
  });

  it("handles escapes in names and strings", () => {
    const text = '{"a\\"b": ["x\\"]", {"c": true}]}';
    expect(locateInText(text, ["a\"b", 1, "c"])).toEqual({ from: text.indexOf("true"), to: text.indexOf("true") + 4 });
  });
});

describe("diagnostics", () => {
  const diagnostics: ServerDiagnostic[] = [
    { severity: "ERROR", code: "MISSING_TRANSITION_TARGET", message: "no Nowhere", location: "/States/Fan out/Branches[0]/States/a/b/Next" },
    { severity: "WARNING", code: "NO_PATH", message: "w", location: "/States/Choose/Choices[0]" },
    { severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "start", location: "/StartAt" },
    { severity: "ERROR", code: "MISSING_END_STATE", message: "end", location: "" },
    { severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "again", location: "/States/Choose/Default" },
  ];

  it("groups by state pointer, the rest under MACHINE", () => {
    const grouped = diagnosticsByState(DOC, diagnostics);
    expect([...grouped.keys()]).toEqual(["/States/Fan out/Branches/0/States/a~1b", "/States/Choose", MACHINE]);
    expect(grouped.get("/States/Choose")!.map((d) => d.message)).toEqual(["w", "again"]);
    expect(grouped.get(MACHINE)!.map((d) => d.code)).toEqual(["SCHEMA_VALIDATION_FAILED", "MISSING_END_STATE"]);
  });

  it("are the graph's while they are about the document it draws, none while they are about other text", () => {
    const validation = { text: TEXT, diagnostics };
    expect([...currentDiagnostics({ document: DOC, documentText: TEXT, validation }).keys()]).toHaveLength(3);
    // The text changed since (the graph draws the new document; the answer is stale until the next one).
    expect(currentDiagnostics({ document: DOC, documentText: `${TEXT} `, validation }).size).toBe(0);
    expect(currentDiagnostics({ document: DOC, documentText: TEXT, validation: null }).size).toBe(0);
    expect(currentDiagnostics({ document: null, documentText: "", validation: { text: "", diagnostics } }).size).toBe(0);
  });

  it("places them in the text with severity and code", () => {
    const [first, second] = editorProblems(TEXT, DOC, diagnostics);
    expect(TEXT.slice(first.from, first.to)).toBe('"Nowhere"');
    expect(first).toMatchObject({ severity: "error", message: "MISSING_TRANSITION_TARGET: no Nowhere" });
    expect(second.severity).toBe("warning");
  });

  it("puts a JSON error at its offset, kept inside the text", () => {
    const text = '{"a": }';
    let error: unknown;
    try {
      importAsl(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    const problem = syntaxProblem(text, error as Error);
    expect(text.slice(problem.from, problem.to)).toBe("}");
    expect(syntaxProblem("{", new JsonSyntaxError("end", 1, 1, 2))).toMatchObject({ from: 0, to: 1 });
  });
});
