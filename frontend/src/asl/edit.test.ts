import { describe, expect, it } from "vitest";
import { exportAsl, importAsl, statePointer, type AslDocument } from "./document";
import {
  addState,
  AslEditError,
  deleteState,
  duplicateState,
  insertOnEdge,
  removeValue,
  renameState,
  retarget,
  setCatchTarget,
  setChoiceTarget,
  setDefault,
  setNext,
  setStartAt,
  setValue,
} from "./edit";
import { buildGraph } from "./graph";
import { fromPlain, keys, objectField, parseJson, stringify, type JsonObject } from "./json";
import { getAt } from "./pointer";
import { corpusFile } from "./testing";

const compact = (doc: AslDocument) => stringify(doc, 0);
const state = (text: string) => parseJson(text) as JsonObject;
const names = (doc: AslDocument, scope = "") => keys(objectField(getAt(doc, scope) as JsonObject, "States")!);

// Every reference kind at the top level, plus a Parallel whose branch reuses nothing (names are machine-wide).
const MACHINE = `{
  "Comment": "edits",
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
      {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Work"},
      {"Not": {"Variable": "$.n", "IsPresent": true}, "Next": "Done", "Comment": "kept"}
    ], "Default": "Work"},
    "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [
      {"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}
    ], "Next": "Fan out", "x-unknown": {"2": 1, "1": 2}},
    "Fan out": {"Type": "Parallel", "Branches": [
      {"StartAt": "Inner", "States": {
        "Inner": {"Type": "Pass", "Next": "Inner end"},
        "Inner end": {"Type": "Succeed"}
      }},
      {"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Deep", "States": {
          "Deep": {"Type": "Wait", "Seconds": 1, "Next": "Deep end"},
          "Deep end": {"Type": "Pass", "End": true}
        }}, "End": true}
      }}
    ], "Next": "Done"},
    "Failed": {"Type": "Fail"},
    "Done": {"Type": "Succeed"}
  }
}`;
const doc = importAsl(MACHINE);
const BRANCH0 = "/States/Fan out/Branches/0";
const PROCESSOR = "/States/Fan out/Branches/1/States/Each/ItemProcessor";

describe("renameState", () => {
  it("renames in place and every reference in the scope follows", () => {
    const renamed = renameState(doc, "/States/Work", "Do work");
    expect(names(renamed)).toEqual(["Check", "Do work", "Fan out", "Failed", "Done"]);
    const check = getAt(renamed, "/States/Check") as JsonObject;
    expect(stringify(check, 0)).toBe(
      '{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Do work"},' +
        '{"Not":{"Variable":"$.n","IsPresent":true},"Next":"Done","Comment":"kept"}],"Default":"Do work"}',
    );
    // The renamed state itself is untouched, unknown fields and integer-like keys included.
    expect(getAt(renamed, "/States/Do work")).toBe(getAt(doc, "/States/Work"));
    expect(compact(renameState(renamed, "/States/Do work", "Work"))).toBe(compact(doc));
  });

  it("updates StartAt, Catch and Next references", () => {
    let renamed = renameState(doc, "/States/Check", "Gate");
    expect(getAt(renamed, "/StartAt")).toBe("Gate");
    renamed = renameState(renamed, "/States/Failed", "Oops");
    expect(getAt(renamed, "/States/Work/Catch/0")).toEqual(state('{"ErrorEquals":["States.ALL"],"Next":"Oops","ResultPath":"$.error"}'));
    renamed = renameState(renamed, "/States/Fan out", "Split");
    expect(getAt(renamed, "/States/Work/Next")).toBe("Split");
  });

  it("renames inside a Parallel branch, touching only that branch", () => {
    const renamed = renameState(doc, statePointer(BRANCH0, "Inner end"), "Branch done");
    expect(names(renamed, BRANCH0)).toEqual(["Inner", "Branch done"]);
    expect(getAt(renamed, `${BRANCH0}/States/Inner/Next`)).toBe("Branch done");
    expect(getAt(renamed, "/States")).not.toBe(getAt(doc, "/States"));
    expect(getAt(renamed, "/States/Check")).toBe(getAt(doc, "/States/Check"));
    expect(getAt(renamed, "/States/Fan out/Branches/1")).toBe(getAt(doc, "/States/Fan out/Branches/1"));
    const start = renameState(doc, statePointer(BRANCH0, "Inner"), "First");
    expect(getAt(start, `${BRANCH0}/StartAt`)).toBe("First");
    expect(getAt(start, "/StartAt")).toBe("Check");
  });

  it("renames inside a Map processor nested in a Parallel", () => {
    const renamed = renameState(doc, statePointer(PROCESSOR, "Deep"), "Pause");
    expect(getAt(renamed, `${PROCESSOR}/StartAt`)).toBe("Pause");
    expect(names(renamed, PROCESSOR)).toEqual(["Pause", "Deep end"]);
    const end = renameState(doc, statePointer(PROCESSOR, "Deep end"), "Finish item");
    expect(getAt(end, `${PROCESSOR}/States/Deep/Next`)).toBe("Finish item");
  });

  it("refuses names taken anywhere in the machine, empty or too long names, unknown states", () => {
    expect(() => renameState(doc, "/States/Work", "Deep")).toThrow("There is already a state named 'Deep'");
    expect(() => renameState(doc, "/States/Work", "")).toThrow(AslEditError);
    expect(() => renameState(doc, "/States/Work", "x".repeat(81))).toThrow("1 to 80 characters");
    expect(() => renameState(doc, "/States/Nope", "X")).toThrow("No state 'Nope'");
    expect(() => renameState(doc, "/Comment", "X")).toThrow("Not a state's pointer");
  });

  it("round-trips a corpus file through a rename and back", () => {
    const text = corpusFile("064-deep-nesting-five.asl.json");
    const original = importAsl(text);
    const graph = buildGraph(original);
    for (const n of graph.nodes.filter((n) => n.kind === "state")) {
      const back = renameState(renameState(original, n.id, "Renamed for a moment"), n.id.replace(/[^/]+$/, "Renamed for a moment"), n.label);
      expect(exportAsl(back)).toBe(exportAsl(original));
    }
  });
});

describe("addState, deleteState, duplicateState", () => {
  it("appends a state; an empty scope gets its StartAt", () => {
    const added = addState(doc, BRANCH0, "Extra", state('{"Type":"Pass","End":true}'));
    expect(names(added, BRANCH0)).toEqual(["Inner", "Inner end", "Extra"]);
    expect(() => addState(doc, "", "Done", state('{"Type":"Pass"}'))).toThrow("already a state named 'Done'");
    const blank = addState(importAsl('{"Comment":"new","States":{}}'), "", "First", state('{"Type":"Succeed"}'));
    expect(exportAsl(blank, 0)).toBe('{"StartAt":"First","Comment":"new","States":{"First":{"Type":"Succeed"}}}');
    const none = addState(importAsl("{}"), "", "A", fromPlain({ Type: "Pass", End: true }) as JsonObject);
    expect(exportAsl(none, 0)).toBe('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}');
  });

  it("deletes a state and clears the references to it", () => {
    const deleted = deleteState(doc, "/States/Work");
    expect(names(deleted)).toEqual(["Check", "Fan out", "Failed", "Done"]);
    expect(stringify(getAt(deleted, "/States/Check")!, 0)).toBe(
      '{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1},' +
        '{"Not":{"Variable":"$.n","IsPresent":true},"Next":"Done","Comment":"kept"}]}',
    );
    const noCatchTarget = deleteState(doc, "/States/Failed");
    expect(getAt(noCatchTarget, "/States/Work/Catch/0")).toEqual(state('{"ErrorEquals":["States.ALL"],"ResultPath":"$.error"}'));
  });

  it("moves StartAt to the deleted state's Next, or the first state left", () => {
    expect(getAt(deleteState(doc, "/States/Check"), "/StartAt")).toBe("Work");
    const branch = deleteState(doc, statePointer(BRANCH0, "Inner"));
    expect(getAt(branch, `${BRANCH0}/StartAt`)).toBe("Inner end");
    const only = importAsl('{"StartAt":"A","States":{"B":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}');
    expect(getAt(deleteState(only, "/States/A"), "/StartAt")).toBe("B");
    expect(exportAsl(deleteState(deleteState(only, "/States/A"), "/States/B"), 0)).toBe('{"States":{}}');
  });

  it("deletes inside a Map processor", () => {
    const deleted = deleteState(doc, statePointer(PROCESSOR, "Deep end"));
    expect(stringify(getAt(deleted, PROCESSOR)!, 0)).toBe('{"StartAt":"Deep","States":{"Deep":{"Type":"Wait","Seconds":1}}}');
  });

  it("duplicates right after the original with a fresh name", () => {
    const copied = duplicateState(doc, "/States/Work");
    expect(names(copied)).toEqual(["Check", "Work", "Work copy", "Fan out", "Failed", "Done"]);
    expect(getAt(copied, "/States/Work copy")).toBe(getAt(doc, "/States/Work"));
    expect(names(duplicateState(copied, "/States/Work"))).toContain("Work copy 2");
    expect(names(duplicateState(doc, "/States/Work", "Rework"))).toContain("Rework");
    expect(() => duplicateState(doc, "/States/Work", "Check")).toThrow("already a state named 'Check'");
  });

  it("duplicates a Parallel with fresh names for its nested states, references following", () => {
    const copied = duplicateState(doc, "/States/Fan out");
    const copy = "/States/Fan out copy";
    expect(names(copied, `${copy}/Branches/0`)).toEqual(["Inner copy", "Inner end copy"]);
    expect(getAt(copied, `${copy}/Branches/0/StartAt`)).toBe("Inner copy");
    expect(getAt(copied, `${copy}/Branches/0/States/Inner copy/Next`)).toBe("Inner end copy");
    const processor = `${copy}/Branches/1/States/Each copy/ItemProcessor`;
    expect(stringify(getAt(copied, processor)!, 0)).toBe(
      '{"StartAt":"Deep copy","States":{"Deep copy":{"Type":"Wait","Seconds":1,"Next":"Deep end copy"},"Deep end copy":{"Type":"Pass","End":true}}}',
    );
    expect(getAt(copied, `${copy}/Next`)).toBe("Done");
    // The original is untouched.
    expect(getAt(copied, "/States/Fan out")).toBe(getAt(doc, "/States/Fan out"));
  });
});

describe("transitions", () => {
  it("sets Next in place of End, and End in place of Next", () => {
    const ends = setNext(doc, "/States/Work", null);
    expect(keys(getAt(ends, "/States/Work") as JsonObject)).toEqual(["Type", "Resource", "Catch", "End", "x-unknown"]);
    const again = setNext(ends, "/States/Work", "Fan out");
    expect(compact(again)).toBe(compact(doc));
    expect(() => setNext(doc, "/States/Check", "Work")).toThrow("A Choice state has no Next");
    expect(() => setNext(doc, "/States/Work", "Inner")).toThrow("No state 'Inner' at the top level");
    const inner = setNext(doc, statePointer(PROCESSOR, "Deep"), null);
    expect(getAt(inner, `${PROCESSOR}/States/Deep/End`)).toBe(true);
  });

  it("sets Default, a rule's target, a Catch target and StartAt", () => {
    expect(getAt(setDefault(doc, "/States/Check", "Done"), "/States/Check/Default")).toBe("Done");
    expect(getAt(setDefault(doc, "/States/Check", null), "/States/Check/Default")).toBeUndefined();
    const rule = setChoiceTarget(doc, "/States/Check", 1, "Failed");
    expect(stringify(getAt(rule, "/States/Check/Choices/1")!, 0)).toBe('{"Not":{"Variable":"$.n","IsPresent":true},"Next":"Failed","Comment":"kept"}');
    expect(() => setChoiceTarget(doc, "/States/Check", 5, "Failed")).toThrow("no Choices entry 5");
    expect(getAt(setCatchTarget(doc, "/States/Work", 0, "Done"), "/States/Work/Catch/0/Next")).toBe("Done");
    expect(getAt(setStartAt(doc, BRANCH0, "Inner end"), `${BRANCH0}/StartAt`)).toBe("Inner end");
    expect(() => setStartAt(doc, BRANCH0, "Done")).toThrow("No state 'Done' in /States/Fan out/Branches/0");
  });

  it("retargets by edge id, for every kind of edge the graph has", () => {
    const graph = buildGraph(doc);
    const retargetable = graph.edges.filter((e) => e.kind !== "end" && e.scope === "");
    expect(retargetable.map((e) => e.id)).toEqual([
      "/StartAt",
      "/States/Check/Choices/0/Next",
      "/States/Check/Choices/1/Next",
      "/States/Check/Default",
      "/States/Work/Next",
      "/States/Work/Catch/0/Next",
      "/States/Fan out/Next",
    ]);
    for (const edge of retargetable) {
      const moved = retarget(doc, edge.id, "Failed");
      expect(getAt(moved, edge.id)).toBe("Failed");
      expect(buildGraph(moved).edges.find((e) => e.id === edge.id)!.target).toBe("/States/Failed");
    }
    expect(getAt(retarget(doc, `${PROCESSOR}/StartAt`, "Deep end"), `${PROCESSOR}/StartAt`)).toBe("Deep end");
    expect(() => retarget(doc, "/States/Work/Resource", "Done")).toThrow("Not a transition");
  });

  it("inserts a state on an edge", () => {
    const inserted = insertOnEdge(doc, "/States/Work/Next", "Log", state('{"Type":"Pass"}'));
    expect(getAt(inserted, "/States/Work/Next")).toBe("Log");
    expect(stringify(getAt(inserted, "/States/Log")!, 0)).toBe('{"Type":"Pass","Next":"Fan out"}');
    const onChoice = insertOnEdge(doc, "/States/Check/Choices/0/Next", "Gate 2", state('{"Type":"Choice","Choices":[]}'));
    expect(getAt(onChoice, "/States/Gate 2/Default")).toBe("Work");
    const onEnd = insertOnEdge(doc, `end:${statePointer(PROCESSOR, "Deep end")}`, "Last", state('{"Type":"Pass"}'));
    expect(stringify(getAt(onEnd, PROCESSOR)!, 0)).toBe(
      '{"StartAt":"Deep","States":{"Deep":{"Type":"Wait","Seconds":1,"Next":"Deep end"},"Deep end":{"Type":"Pass","Next":"Last"},"Last":{"Type":"Pass","End":true}}}',
    );
    const onStart = insertOnEdge(doc, `${BRANCH0}/StartAt`, "Before", state('{"Type":"Pass","End":true}'));
    expect(getAt(onStart, `${BRANCH0}/StartAt`)).toBe("Before");
    expect(stringify(getAt(onStart, `${BRANCH0}/States/Before`)!, 0)).toBe('{"Type":"Pass","Next":"Inner"}');
  });
});

describe("setValue and removeValue", () => {
  it("changes a field by pointer, in place, leaving everything else", () => {
    const changed = setValue(doc, "/States/Work/x-unknown/1", 3);
    expect(stringify(getAt(changed, "/States/Work/x-unknown")!, 0)).toBe('{"2":1,"1":3}');
    const added = setValue(doc, "/States/Work/TimeoutSeconds", 30);
    expect(keys(getAt(added, "/States/Work") as JsonObject).at(-1)).toBe("TimeoutSeconds");
    const removed = removeValue(doc, "/States/Work/Catch/0/ResultPath");
    expect(getAt(removed, "/States/Work/Catch/0")).toEqual(state('{"ErrorEquals":["States.ALL"],"Next":"Failed"}'));
    expect(() => setValue(doc, "/States/Nope/Type", "Pass")).toThrow(AslEditError);
    expect(() => setValue(doc, "", 1)).toThrow("A definition is a JSON object");
  });
});
