import { describe, expect, it, vi } from "vitest";
import { buildGraph, exportAsl, importAsl, stateAt, statePointer } from "../asl";
import { corpusFile, tokens } from "../asl/testing";
import { toCanvasEdges, toCanvasNodes } from "./canvasGraph";
import { addFromTemplate, connect, duplicate, insertTemplateOnEdge, reconnect, remove, rename } from "./edits";
import { DesignerStore, type Persistence, type Snapshot } from "./store";
import { templateById, templateEnv, TEMPLATES } from "./templates";

const env = templateEnv("arn:aws:states:eu-west-1:111122223333:stateMachine:Blank");
const blank = () => importAsl('{\n  "Comment": "blank",\n  "StartAt": "Start here",\n  "States": {\n    "Start here": {"Type": "Pass", "End": true}\n  }\n}');
const template = (id: string) => templateById(id)!;

describe("the store", () => {
  it("applies edits as undo steps, and undo / redo restore document and layout together", () => {
    const store = new DesignerStore({ doc: blank() });
    const before = store.text;
    expect(store.edit((s) => addFromTemplate(s, template("HTTP"), env, "", { x: 10, y: 20 }).snapshot)).toBe(true);
    expect(store.present.layout["/States/HTTP"]).toEqual({ x: 10, y: 20 });
    expect(store.edit((s) => rename(s, "/States/HTTP", "Call API").snapshot)).toBe(true);
    expect(store.present.layout).toEqual({ "/States/Call API": { x: 10, y: 20 } });
    store.undo();
    expect(stateAt(store.document, "/States/HTTP")).toBeDefined();
    expect(store.present.layout).toEqual({ "/States/HTTP": { x: 10, y: 20 } });
    store.undo();
    expect(store.text).toBe(before);
    expect(store.canUndo).toBe(false);
    store.redo();
    store.redo();
    expect(stateAt(store.document, "/States/Call API")).toBeDefined();
    expect(store.canRedo).toBe(false);
  });

  it("takes an edit that returns the present document and layout as no change: no undo step, nobody told", () => {
    const store = new DesignerStore({ doc: blank() });
    const listener = vi.fn();
    store.subscribe(listener);
    const before = store.getState();
    expect(store.edit((present) => ({ ...present }))).toBe(true);
    expect(store.editDocument((doc) => doc)).toBe(true);
    store.replaceDocument(store.document);
    expect(store.getState()).toBe(before);
    expect(store.canUndo).toBe(false);
    expect(listener).not.toHaveBeenCalled();
    store.edit((s) => addFromTemplate(s, template("Pass"), env, "").snapshot);
    expect(store.canUndo).toBe(true);
  });

  it("keeps a failed edit's message and changes nothing", () => {
    const store = new DesignerStore({ doc: blank() });
    const listener = vi.fn();
    store.subscribe(listener);
    expect(store.edit((s) => rename(s, "/States/Start here", "").snapshot)).toBe(false);
    expect(store.getState().error).toMatch(/1 to 80 characters/);
    expect(store.canUndo).toBe(false);
    expect(listener).toHaveBeenCalled();
    store.edit((s) => addFromTemplate(s, template("Pass"), env, "").snapshot);
    expect(store.getState().error).toBeUndefined();
  });

  it("saves the layout record debounced, never in the ASL", async () => {
    vi.useFakeTimers();
    try {
      const saved: unknown[] = [];
      const persist: Persistence = { saveLayout: async (positions) => void saved.push(positions) };
      const store = new DesignerStore({ doc: blank(), persist, layoutDelay: 100 });
      store.move("/States/Start here", { x: 1, y: 2 });
      store.move("/States/Start here", { x: 3, y: 4 });
      expect(saved).toEqual([]);
      await vi.advanceTimersByTimeAsync(150);
      expect(saved).toEqual([{ "/States/Start here": { x: 3, y: 4 } }]);
      expect(store.text).toBe(exportAsl(blank())); // positions never go into the ASL
      store.edit((s) => addFromTemplate(s, template("Wait"), env, "").snapshot); // no layout change: nothing saved
      await vi.advanceTimersByTimeAsync(150);
      expect(saved.length).toBe(1);
      store.undo(); // the layout changes back, and is saved
      store.undo();
      await vi.advanceTimersByTimeAsync(150);
      expect(saved[saved.length - 1]).toEqual({ "/States/Start here": { x: 1, y: 2 } });
    } finally {
      vi.useRealTimers();
    }
  });

  it("moves nodes dragged together in one undo step", () => {
    const store = new DesignerStore({ doc: blank() });
    store.moveAll([["/States/Start here", { x: 1, y: 2 }], ["start:", { x: 3, y: 4 }]]);
    expect(store.present.layout).toEqual({ "/States/Start here": { x: 1, y: 2 }, "start:": { x: 3, y: 4 } });
    store.undo();
    expect(store.present.layout).toEqual({});
  });

  it("keeps a failed layout save's message", async () => {
    const store = new DesignerStore({ doc: blank(), persist: { saveLayout: async () => { throw new Error("HTTP 403"); } }, layoutDelay: 0 });
    store.move("/States/Start here", { x: 1, y: 2 });
    await store.flushLayout();
    expect(store.getState().error).toBe("Saving the layout failed: HTTP 403");
  });

  it("is a document host for the code view's bridge", () => {
    const store = new DesignerStore({ doc: blank() });
    const replaced = importAsl('{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}');
    store.replaceDocument(replaced);
    expect(store.document).toBe(replaced);
    store.undo();
    expect(store.text).toBe(exportAsl(blank()));
  });

  it("makes code-view changes without a pause one undo step, ended by a pause or any other change", () => {
    vi.useFakeTimers();
    try {
      const typed = (n: number) => importAsl(`{"StartAt": "S${n}", "States": {"S${n}": {"Type": "Succeed"}}}`);
      const store = new DesignerStore({ doc: blank(), typingStepMs: 1000 });
      for (let n = 1; n <= 5; n++) {
        store.replaceDocument(typed(n));
        vi.advanceTimersByTime(400); // keystrokes that parse, each less than a second after the one before
      }
      expect(store.getState().history.past).toHaveLength(1);
      vi.advanceTimersByTime(1000); // a pause: the next change is a step of its own
      store.replaceDocument(typed(6));
      expect(store.getState().history.past).toHaveLength(2);
      // A canvas edit ends the typing step; typing after it starts a new one, however soon.
      store.move("/States/S6", { x: 5, y: 5 });
      store.replaceDocument(typed(7));
      store.replaceDocument(typed(8));
      expect(store.getState().history.past).toHaveLength(4);
      store.undo();
      expect(store.text).toBe(exportAsl(typed(6)));
      // After an undo, typing does not join the step that was undone.
      store.replaceDocument(typed(9));
      expect(store.getState().history.past).toHaveLength(4);
      store.undo();
      expect(store.text).toBe(exportAsl(typed(6)));
      store.undo();
      store.undo();
      expect(store.text).toBe(exportAsl(typed(5)));
      store.undo();
      expect(store.text).toBe(exportAsl(blank()));
      expect(store.canUndo).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("gestures", () => {
  it("builds a workflow from templates: every state type and task template is valid-looking ASL", () => {
    let snapshot: Snapshot = { doc: blank(), layout: {} };
    for (const t of TEMPLATES) snapshot = addFromTemplate(snapshot, t, env, "").snapshot;
    const doc = JSON.parse(exportAsl(snapshot.doc));
    const types = new Set(Object.values(doc.States as Record<string, { Type: string }>).map((s) => s.Type));
    expect([...types].sort()).toEqual(["Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait"]);
    expect(doc.States["Python function"].Resource).toBe("arn:aws:lambda:eu-west-1:111122223333:function:my-function");
    expect(doc.States["HTTP"].Resource).toBe("arn:aws:states:::http:invoke");
    expect(doc.States["XML-RPC"].Resource).toBe("arn:flowdeck:states:::xmlrpc:call");
    expect(doc.States["Callback"].Resource).toMatch(/\.waitForTaskToken$/);
    expect(doc.States["Nested workflow"].Resource).toBe("arn:aws:states:::states:startExecution.sync:2");
    expect(doc.States["Activity"].Resource).toBe("arn:aws:states:eu-west-1:111122223333:activity:my-activity");
    // Nested states got machine-wide unique names.
    expect(doc.States.Parallel.Branches.map((b: { StartAt: string }) => b.StartAt)).toEqual(["Branch step", "Branch step 2"]);
    expect(doc.States.Map.ItemProcessor.StartAt).toBe("Item step");
  });

  it("connects by handle: Next, End, Default, a new Choice rule, a new Catch, StartAt", () => {
    let s: Snapshot = { doc: blank(), layout: {} };
    for (const id of ["Choice", "HTTP", "Fail"]) s = addFromTemplate(s, template(id), env, "").snapshot;
    s = connect(s, "/States/Start here", "next", "/States/Choice");
    s = connect(s, "/States/Choice", "choice", "/States/HTTP");
    s = connect(s, "/States/Choice", "default", "/States/Fail");
    s = connect(s, "/States/HTTP", "catch", "/States/Fail");
    s = connect(s, "start:", "start", "/States/Choice");
    const doc = JSON.parse(exportAsl(s.doc));
    expect(doc.StartAt).toBe("Choice");
    expect(doc.States["Start here"]).toEqual({ Type: "Pass", Next: "Choice" });
    expect(doc.States.Choice).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.value", IsPresent: true, Next: "Rule 1 step" }, { Variable: "$.value", IsPresent: true, Next: "HTTP" }],
      Default: "Fail",
    });
    expect(doc.States.HTTP.Catch).toEqual([{ ErrorEquals: ["States.ALL"], Next: "Fail" }]);
    s = connect(s, "/States/Start here", "next", "end:");
    expect(JSON.parse(exportAsl(s.doc)).States["Start here"]).toEqual({ Type: "Pass", End: true });
    expect(() => connect(s, "/States/Choice", "choice", "/States/Nowhere")).toThrow(/No state 'Nowhere'/);
  });

  it("writes a placeholder Choice rule in the machine's query language", () => {
    let s: Snapshot = { doc: importAsl('{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'), layout: {} };
    s = addFromTemplate(s, template("Choice"), env, "").snapshot;
    s = connect(s, "/States/Choice", "choice", "/States/A");
    expect(JSON.parse(exportAsl(s.doc)).States.Choice.Choices).toEqual([
      { Condition: "{% $exists($states.input.value) %}", Next: "Rule 1 step" },
      { Condition: "{% true %}", Next: "A" },
    ]);
  });

  it("starts a Choice from the palette with a rule and a Default, each to a placeholder drawn under it", () => {
    const at = { x: 400, y: 300 };
    const { snapshot, pointer } = addFromTemplate({ doc: blank(), layout: {} }, template("Choice"), env, "", at);
    expect(pointer).toBe("/States/Choice");
    const doc = JSON.parse(exportAsl(snapshot.doc));
    expect(doc.States.Choice).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.value", IsPresent: true, Next: "Rule 1 step" }],
      Default: "Default step",
    });
    expect(doc.States["Rule 1 step"]).toEqual({ Type: "Pass", Comment: "Placeholder: what the Choice's first rule leads to", End: true });
    expect(doc.States["Default step"]).toMatchObject({ Type: "Pass", End: true });
    expect(Object.keys(doc.States)).toEqual(["Start here", "Choice", "Rule 1 step", "Default step"]);
    expect(snapshot.layout).toEqual({
      "/States/Choice": at, "/States/Rule 1 step": { x: 270, y: 430 }, "/States/Default step": { x: 530, y: 430 },
    });
    // A second one: its own placeholders (names are unique machine-wide).
    const again = JSON.parse(exportAsl(addFromTemplate(snapshot, template("Choice"), env, "").snapshot.doc));
    expect(again.States["Choice 2"].Choices[0].Next).toBe("Rule 1 step 2");
    expect(again.States["Choice 2"].Default).toBe("Default step 2");
  });

  it("inserts a Choice on an edge: the Default continues to the edge's target, only the rule gets a placeholder", () => {
    const { snapshot } = insertTemplateOnEdge({ doc: blank(), layout: {} }, template("Choice"), env, "/StartAt");
    const doc = JSON.parse(exportAsl(snapshot.doc));
    expect(doc.StartAt).toBe("Choice");
    expect(doc.States.Choice.Default).toBe("Start here");
    expect(Object.keys(doc.States)).toEqual(["Start here", "Choice", "Rule 1 step"]);
    // In a branch: the placeholder joins the Choice in its scope.
    const text = corpusFile("062-parallel-in-map-in-parallel.asl.json");
    const inner = "/States/Top fan-out/Branches/0/States/For each order/ItemProcessor";
    const nested = insertTemplateOnEdge({ doc: importAsl(text), layout: {} }, template("Choice"), env, `${statePointer(inner, "Order checks")}/Next`);
    expect(stateAt(nested.snapshot.doc, statePointer(inner, "Rule 1 step"))).toBeDefined();
    expect(nested.pointer).toBe(statePointer(inner, "Choice"));
  });

  it("reconnects an edge and inserts on an edge, keeping unknown fields and key order", () => {
    const text = corpusFile("062-parallel-in-map-in-parallel.asl.json");
    let s: Snapshot = { doc: importAsl(text), layout: {} };
    const inner = "/States/Top fan-out/Branches/0/States/For each order/ItemProcessor";
    s = insertTemplateOnEdge(s, template("Wait"), env, `${statePointer(inner, "Order checks")}/Next`).snapshot;
    const json = JSON.parse(exportAsl(s.doc));
    const processor = json.States["Top fan-out"].Branches[0].States["For each order"].ItemProcessor;
    expect(processor.States["Order checks"].Next).toBe("Wait");
    expect(processor.States.Wait).toEqual({ Type: "Wait", Seconds: 10, Next: "Order checked" });
    s = reconnect(s, `${statePointer(inner, "Order checks")}/Next`, statePointer(inner, "Order checked"));
    s = remove(s, [statePointer(inner, "Wait")]);
    expect(tokens(exportAsl(s.doc))).toEqual(tokens(text));
  });

  it("adds into a Parallel branch or a Map processor, names unique machine-wide", () => {
    let s: Snapshot = { doc: blank(), layout: {} };
    s = addFromTemplate(s, template("Parallel"), env, "").snapshot;
    s = addFromTemplate(s, template("Map"), env, "").snapshot;
    const added = addFromTemplate(s, template("Pass"), env, "/States/Parallel/Branches/1");
    expect(added.pointer).toBe("/States/Parallel/Branches/1/States/Pass");
    const inMap = addFromTemplate(added.snapshot, template("Pass"), env, "/States/Map/ItemProcessor");
    expect(inMap.pointer).toBe("/States/Map/ItemProcessor/States/Pass 2");
    expect(inMap.snapshot.layout).toEqual({});
    const doc = JSON.parse(exportAsl(inMap.snapshot.doc));
    expect(Object.keys(doc.States.Parallel.Branches[1].States)).toEqual(["Branch step 2", "Pass"]);
    expect(doc.States.Map.ItemProcessor.StartAt).toBe("Item step");
  });

  it("duplicates beside the original and deletes nested states first", () => {
    let s: Snapshot = { doc: blank(), layout: { "/States/Start here": { x: 5, y: 5 } } };
    const copy = duplicate(s, "/States/Start here");
    expect(copy.pointer).toBe("/States/Start here copy");
    expect(copy.snapshot.layout[copy.pointer]).toEqual({ x: 45, y: 45 });
    s = addFromTemplate(copy.snapshot, template("Parallel"), env, "").snapshot;
    s = remove(s, ["/States/Parallel/Branches/0/States/Branch step", "/States/Parallel"]);
    expect(Object.keys(JSON.parse(exportAsl(s.doc)).States)).toEqual(["Start here", "Start here copy"]);
  });
});

describe("the canvas graph", () => {
  it("draws nested Parallel in Map in Parallel as groups with their own Start markers and accessible names", () => {
    const graph = buildGraph(importAsl(corpusFile("062-parallel-in-map-in-parallel.asl.json")));
    const nodes = toCanvasNodes(graph, new Map(), { "/States/Finish": { x: 7, y: 8 } }, { canEdit: true });
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const top = byId.get("/States/Top fan-out")!;
    expect(top.type).toBe("container");
    expect(top.ariaLabel).toBe("State Top fan-out, Parallel");
    const branch = byId.get("/States/Top fan-out/Branches/0")!;
    expect(branch).toMatchObject({ type: "scope", parentId: top.id, ariaLabel: "Branch 1 of Top fan-out" });
    const map = byId.get("/States/Top fan-out/Branches/0/States/For each order")!;
    expect(map).toMatchObject({ type: "container", parentId: branch.id });
    const credit = nodes.find((n) => n.ariaLabel === "State Check credit, Task")!;
    expect(credit.parentId).toBe("/States/Top fan-out/Branches/0/States/For each order/ItemProcessor/States/Order checks/Branches/0");
    expect(nodes.filter((n) => n.type === "marker" && n.ariaLabel?.startsWith("Start")).length).toBe(6);
    expect(byId.get("start:/States/Top fan-out/Branches/1")!.ariaLabel).toBe("Start of branch 2 of Top fan-out");
    expect(byId.get("/States/Finish")!.position).toEqual({ x: 7, y: 8 });
    // Parents come before their children, as React Flow requires.
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const n of nodes) if (n.parentId) expect(index.get(n.parentId)!).toBeLessThan(index.get(n.id)!);
  });

  it("styles and labels Catch, Choice and Default edges", () => {
    const doc = importAsl(JSON.stringify({
      StartAt: "T",
      States: {
        T: { Type: "Task", Resource: "arn:aws:states:::http:invoke", Catch: [{ ErrorEquals: ["States.Timeout", "States.TaskFailed"], Next: "F" }], Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$.amount", NumericGreaterThan: 1000, Next: "F" }], Default: "S" },
        S: { Type: "Succeed" },
        F: { Type: "Fail" },
      },
    }));
    const edges = toCanvasEdges(buildGraph(doc), { canEdit: true });
    const byKind = (kind: string) => edges.filter((e) => e.data?.kind === kind);
    expect(byKind("catch")[0]).toMatchObject({ className: "edge-catch", label: "States.Timeout, States.TaskFailed" });
    expect(byKind("choice")[0]).toMatchObject({ label: "$.amount > 1000", ariaLabel: "Choice rule: $.amount > 1000" });
    expect(byKind("default")[0]).toMatchObject({ className: "edge-default", label: "Default" });
  });

  it("gives edges ELK's routes, except at a node moved by hand or inside a moved group", () => {
    const graph = buildGraph(importAsl(corpusFile("093-order-processing.asl.json")));
    const route = [{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 50, y: 10 }, { x: 50, y: 20 }];
    const routes = new Map(graph.edges.map((edge) => [edge.id, route]));
    const routed = (moved: Set<string>) =>
      new Set(toCanvasEdges(graph, { canEdit: true, routes, moved }).filter((e) => e.data?.route === route).map((e) => e.id));
    expect(routed(new Set()).size).toBe(graph.edges.length);
    expect(toCanvasEdges(graph, { canEdit: true }).every((e) => e.type === "routed" && e.data?.route === undefined)).toBe(true);

    const charge = routed(new Set(["/States/Charge payment"]));
    expect(charge.has("/States/Charge payment/Next")).toBe(false);
    expect(charge.has("/States/Charge payment/Catch/0/Next")).toBe(false);
    expect(charge.has("/States/Order valid?/Choices/0/Next")).toBe(false); // (into it)
    expect(charge.has("/States/Validate order/Next")).toBe(true);
    // The Parallel moved: the edges of the states inside it lose their routes too.
    const parallel = routed(new Set(["/States/Reserve and notify"]));
    expect(parallel.has("/States/Reserve and notify/Branches/1/StartAt")).toBe(false);
    expect(parallel.has("/States/Reserve and notify/Branches/0/States/Reserve each line/ItemProcessor/StartAt")).toBe(false);
    expect(parallel.has("/States/Order valid?/Default")).toBe(true);
  });
});
