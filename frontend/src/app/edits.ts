/**
 * What the canvas's gestures do to the designer's snapshot (document + layout record), in terms of src/asl's
 * edits: add a state from a palette template (into a scope, or onto an edge), connect from a handle,
 * reconnect an edge, rename (the layout record follows the state's new pointer), delete, duplicate.
 * Pure functions that throw AslEditError when a gesture makes no sense; the store turns that into a message.
 */
import {
  AslEditError,
  addState,
  allStateNames,
  arrayField,
  deleteState,
  duplicateState,
  freshName,
  insertOnEdge,
  isObject,
  fromPlain,
  moveNode,
  renameInLayout,
  renameState,
  retarget,
  setDefault,
  setField,
  setNext,
  setStartAt,
  setValue,
  splitStatePointer,
  stateAt,
  statePointer,
  stringField,
  type JsonObject,
  type Position,
} from "../asl";
import type { SourceHandle } from "./nodes/StateNode";
import type { Snapshot } from "./store";
import type { StateTemplate, TemplateEnv } from "./templates";

/**
 * The template's state and an unused name for it (nested states named too, all unique machine-wide), and the
 * placeholder states it asked for beside it (see `addPlaceholders`).
 */
function instantiate(snapshot: Snapshot, template: StateTemplate, env: TemplateEnv) {
  const taken = allStateNames(snapshot.doc);
  const fresh = (base: string) => {
    const name = freshName(base, taken);
    taken.add(name);
    return name;
  };
  const placeholders: Placeholder[] = [];
  const name = fresh(template.label);
  const state = template.build(env, fresh, {
    placeholder: (base, comment) => {
      const placeholder = fresh(base);
      placeholders.push({ name: placeholder, comment });
      return placeholder;
    },
    jsonata: stringField(snapshot.doc, "QueryLanguage") === "JSONata",
  });
  return { name, state, placeholders };
}

interface Placeholder {
  readonly name: string;
  readonly comment: string;
}

/** Room between a dropped state and the placeholders drawn under it (node widths are 220). */
const PLACEHOLDER_OFFSETS = [{ x: -130, y: 130 }, { x: 130, y: 130 }];

/**
 * Adds the placeholder states the new state at `pointer` still leads to (a Pass that ends, its Comment saying
 * what it stands for), under it when it has a manual position.
 */
function addPlaceholders(snapshot: Snapshot, pointer: string, placeholders: readonly Placeholder[]): Snapshot {
  const { scope } = splitStatePointer(pointer)!;
  const targets = transitionTargets(stateAt(snapshot.doc, pointer)!);
  let { doc, layout } = snapshot;
  const at = layout[pointer];
  placeholders.filter((placeholder) => targets.has(placeholder.name)).forEach((placeholder, i) => {
    doc = addState(doc, scope, placeholder.name, fromPlainObject({ Type: "Pass", Comment: placeholder.comment, End: true }));
    const offset = PLACEHOLDER_OFFSETS[i % PLACEHOLDER_OFFSETS.length];
    if (at) layout = moveNode(layout, statePointer(scope, placeholder.name), { x: at.x + offset.x, y: at.y + offset.y });
  });
  return { doc, layout };
}

function transitionTargets(state: JsonObject): Set<string> {
  const targets = new Set<string>();
  for (const field of ["Next", "Default"]) {
    const target = stringField(state, field);
    if (target !== undefined) targets.add(target);
  }
  for (const list of ["Choices", "Catch"]) {
    for (const entry of arrayField(state, list) ?? []) {
      const target = stringField(entry, "Next");
      if (target !== undefined) targets.add(target);
    }
  }
  return targets;
}

function fromPlainObject(value: unknown): JsonObject {
  const json = fromPlain(value);
  if (!isObject(json)) throw new AslEditError("bad state");
  return json;
}

/** Adds a state from a template to a scope ("" for the machine), at `position` (relative to the scope's group). */
export function addFromTemplate(
  snapshot: Snapshot, template: StateTemplate, env: TemplateEnv, scope: string, position?: Position,
): { snapshot: Snapshot; pointer: string } {
  const { name, state, placeholders } = instantiate(snapshot, template, env);
  const doc = addState(snapshot.doc, scope, name, state);
  const pointer = statePointer(scope, name);
  const placed = { doc, layout: position ? moveNode(snapshot.layout, pointer, position) : snapshot.layout };
  return { snapshot: addPlaceholders(placed, pointer, placeholders), pointer };
}

/** Inserts a state from a template on an edge (the edge now leads to it, it continues to the old target). */
export function insertTemplateOnEdge(
  snapshot: Snapshot, template: StateTemplate, env: TemplateEnv, edgeId: string,
): { snapshot: Snapshot; pointer: string } {
  if (edgeId.startsWith("start:")) throw new AslEditError("Drop on the edge after Start, not on the marker");
  const { name, state, placeholders } = instantiate(snapshot, template, env);
  const doc = insertOnEdge(snapshot.doc, edgeId, name, state);
  const pointer = statePointer(edgeScope(edgeId), name);
  return { snapshot: addPlaceholders({ ...snapshot, doc }, pointer, placeholders), pointer };
}

/** The scope a transition edge lives in: `<scope>/StartAt`, `<state>/Next`, `<state>/Choices/i/Next`, `end:<state>`. */
function edgeScope(edgeId: string): string {
  const ref = edgeId.startsWith("end:") ? edgeId.slice("end:".length) : edgeId;
  if (ref.endsWith("/StartAt")) return ref.slice(0, -"/StartAt".length);
  for (const suffix of [/\/Next$/, /\/Default$/, /\/(Choices|Catch)\/\d+\/Next$/, /$/]) {
    const split = splitStatePointer(ref.replace(suffix, ""));
    if (split) return split.scope;
  }
  throw new AslEditError(`Not a transition: ${edgeId}`);
}

const nameOf = (pointer: string): string => {
  const split = splitStatePointer(pointer);
  if (!split) throw new AslEditError("Connect states to states");
  return split.name;
};

/**
 * A connection dragged from `source`'s `handle` to `target` (node ids as the canvas has them): Next, a
 * Choice's Default, a new Choice rule, a new Catch (for all errors), StartAt from a Start marker, or End.
 */
export function connect(snapshot: Snapshot, source: string, handle: string | null | undefined, target: string): Snapshot {
  const doc = snapshot.doc;
  if (source.startsWith("start:")) {
    return { ...snapshot, doc: setStartAt(doc, source.slice("start:".length), nameOf(target)) };
  }
  const state = stateAt(doc, source);
  if (!state) throw new AslEditError("Connections start at a state or a Start marker");
  const kind = (handle ?? "next") as SourceHandle;
  if (target.startsWith("end:")) {
    if (kind !== "next") throw new AslEditError("Only a Next can lead to End");
    return { ...snapshot, doc: setNext(doc, source, null) };
  }
  const to = nameOf(target);
  switch (kind) {
    case "next":
      return { ...snapshot, doc: setNext(doc, source, to) };
    case "default":
      return { ...snapshot, doc: setDefault(doc, source, to) };
    case "choice": {
      // A placeholder rule the user then edits, in the state's query language (JSONata: a Condition).
      const rule = usesJsonata(doc, state) ? { Condition: "{% true %}", Next: to } : { Variable: "$.value", IsPresent: true, Next: to };
      return { ...snapshot, doc: appendListEntry(doc, source, state, "Choices", rule) };
    }
    case "catch":
      return { ...snapshot, doc: appendListEntry(doc, source, state, "Catch", { ErrorEquals: ["States.ALL"], Next: to }) };
    default:
      throw new AslEditError(`Unknown handle ${String(handle)}`);
  }
}

/** JSONata when the state says so, or the machine does and the state does not say otherwise. */
function usesJsonata(doc: Snapshot["doc"], state: JsonObject): boolean {
  return (stringField(state, "QueryLanguage") ?? stringField(doc, "QueryLanguage")) === "JSONata";
}

function appendListEntry(doc: Snapshot["doc"], statePtr: string, state: JsonObject, list: "Choices" | "Catch", entry: unknown): Snapshot["doc"] {
  const target = (entry as { Next: string }).Next;
  // Checks the target is in the state's scope (setDefault's check, without keeping its change).
  const scope = splitStatePointer(statePtr)!.scope;
  if (!stateAt(doc, statePointer(scope, target))) {
    throw new AslEditError(`No state '${target}' ${scope === "" ? "at the top level" : `in ${scope}`} (transitions stay within their scope)`);
  }
  const items = arrayField(state, list) ?? [];
  const value = fromPlain(entry);
  if (!isObject(value)) throw new AslEditError("bad entry");
  return setValue(doc, statePtr, setField(state, list, [...items, value]));
}


/** An existing edge's end dragged to another state: the field it stands for now names that state. */
export function reconnect(snapshot: Snapshot, edgeId: string, target: string): Snapshot {
  if (edgeId.startsWith("end:")) {
    const statePtr = edgeId.slice("end:".length);
    return { ...snapshot, doc: setNext(snapshot.doc, statePtr, nameOf(target)) };
  }
  if (target.startsWith("end:")) {
    if (!edgeId.endsWith("/Next") || /\/(Choices|Catch)\/\d+\/Next$/.test(edgeId)) throw new AslEditError("Only a Next can lead to End");
    return { ...snapshot, doc: setNext(snapshot.doc, edgeId.slice(0, -"/Next".length), null) };
  }
  return { ...snapshot, doc: retarget(snapshot.doc, edgeId, nameOf(target)) };
}

/** Renames a state (references follow); its position and those of what it holds follow too. */
export function rename(snapshot: Snapshot, pointer: string, newName: string): { snapshot: Snapshot; pointer: string } {
  const name = newName.trim();
  const split = splitStatePointer(pointer);
  if (!split) throw new AslEditError("Only states have names");
  const doc = renameState(snapshot.doc, pointer, name);
  const renamed = statePointer(split.scope, name);
  return { snapshot: { doc, layout: renameInLayout(snapshot.layout, pointer, renamed) }, pointer: renamed };
}

/** Deletes states (deepest first, so a state inside a deleted Parallel is never looked for after it). */
export function remove(snapshot: Snapshot, pointers: readonly string[]): Snapshot {
  let doc = snapshot.doc;
  const sorted = [...pointers].sort((a, b) => b.length - a.length);
  for (const pointer of sorted) {
    if (stateAt(doc, pointer)) doc = deleteState(doc, pointer);
  }
  return { ...snapshot, doc };
}

/** A copy of a state right after it ("<name> copy"), drawn beside the original when it has a manual position. */
export function duplicate(snapshot: Snapshot, pointer: string): { snapshot: Snapshot; pointer: string } {
  const split = splitStatePointer(pointer);
  if (!split) throw new AslEditError("Only states can be duplicated");
  const before = allStateNames(snapshot.doc);
  const doc = duplicateState(snapshot.doc, pointer);
  const copyName = [...allStateNames(doc)].find((name) => !before.has(name) && stateAt(doc, statePointer(split.scope, name)));
  const copy = statePointer(split.scope, copyName ?? `${split.name} copy`);
  const at = snapshot.layout[pointer];
  return { snapshot: { doc, layout: at ? moveNode(snapshot.layout, copy, { x: at.x + 40, y: at.y + 40 }) : snapshot.layout }, pointer: copy };
}
