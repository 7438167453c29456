/**
 * Edits the canvas and the inspector make, as pure functions from document to document.
 *
 * Each edit changes what it must and nothing else: other fields keep their values and their positions,
 * a renamed state keeps its place among its siblings, a new state is appended. Every function returns a new
 * document sharing the untouched parts with the old one (history.ts keeps them as undo snapshots) and throws
 * AslEditError, leaving nothing half done, when the edit makes no sense (an unknown state, a taken name,
 * a target in another scope).
 *
 * ASL transitions never leave their scope (a Parallel branch's states reach only each other), so reference
 * updates look at one scope; state names, though, must be unique in the whole machine.
 */
import {
  arrayField,
  getField,
  hasField,
  isObject,
  makeObject,
  objectField,
  removeField,
  renameField,
  replaceField,
  setField,
  stringField,
  type JsonEntry,
  type JsonObject,
  type JsonValue,
} from "./json";
import { getAt, parsePointer, formatPointer, removeAt, setAt, updateAt } from "./pointer";
import {
  allStateNames,
  childScopes,
  scopeAt,
  splitStatePointer,
  statePointer,
  freshName,
  type AslDocument,
} from "./document";

export class AslEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AslEditError";
  }
}

const MAX_NAME_LENGTH = 80; // ASL: state names are 1 to 80 characters
const NO_NEXT = new Set(["Choice", "Succeed", "Fail"]);

// ---------------------------------------------------------------------------------------------------------
// Generic field edits

/** Sets the value at a JSON pointer (an existing field keeps its position; a new one is appended). */
export function setValue(doc: AslDocument, pointer: string, value: JsonValue): AslDocument {
  if (pointer === "" && !isObject(value)) throw new AslEditError("A definition is a JSON object");
  try {
    return setAt(doc, pointer, value) as AslDocument;
  } catch (error) {
    throw new AslEditError((error as Error).message);
  }
}

/** Removes the value at a JSON pointer (nothing happens when there is none). */
export function removeValue(doc: AslDocument, pointer: string): AslDocument {
  try {
    return removeAt(doc, pointer) as AslDocument;
  } catch (error) {
    throw new AslEditError((error as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// States

/** Appends a state to a scope's States (creating States if needed); the scope's StartAt is set if it had none. */
export function addState(doc: AslDocument, scopePtr: string, name: string, state: JsonObject): AslDocument {
  const scope = requireScope(doc, scopePtr);
  checkNewName(doc, name);
  let object = setField(scope.object, "States", setField(objectField(scope.object, "States") ?? makeObject(), name, state));
  if (!stringField(object, "StartAt")) object = setField(object, "StartAt", name, 0);
  return replaceAt(doc, scopePtr, object);
}

/**
 * Renames a state; every reference in its scope follows (StartAt, Next, Default, each Choice rule's Next,
 * each Catch's Next). The state keeps its position. The new pointer is `statePointer(scope, newName)`.
 */
export function renameState(doc: AslDocument, statePtr: string, newName: string): AslDocument {
  const { scope, name } = requireState(doc, statePtr);
  if (newName === name) return doc;
  checkNewName(doc, newName);
  const map = (target: string) => (target === name ? newName : undefined);
  let object = setField(scope.object, "States", renameField(objectField(scope.object, "States")!, name, newName));
  object = rewriteReferences(object, map);
  return replaceAt(doc, scope.pointer, object);
}

/**
 * Deletes a state. References to it are cleared (the Next, Default or rule's Next field is removed); when it
 * was the scope's StartAt, the start moves to its Next (if any) or else to the first remaining state.
 */
export function deleteState(doc: AslDocument, statePtr: string): AslDocument {
  const { scope, name, state } = requireState(doc, statePtr);
  const states = removeField(objectField(scope.object, "States")!, name);
  let object = setField(scope.object, "States", states);
  object = rewriteReferences(object, (target) => (target === name ? null : undefined), false);
  if (stringField(object, "StartAt") === name) {
    const next = stringField(state, "Next");
    const start = next !== undefined && next !== name && hasField(states, next) ? next : states.entries[0]?.[0];
    object = start === undefined ? removeField(object, "StartAt") : setField(object, "StartAt", start);
  }
  return replaceAt(doc, scope.pointer, object);
}

/**
 * Inserts a copy of a state right after it, named `newName` (default: "<name> copy", made unique). States
 * nested in a copied Parallel or Map get fresh names too (ASL wants names unique machine-wide), with their
 * references inside the copy following. The copy's own transitions point where the original's do.
 */
export function duplicateState(doc: AslDocument, statePtr: string, newName?: string): AslDocument {
  const { scope, name, state } = requireState(doc, statePtr);
  const taken = allStateNames(doc);
  const copyName = newName ?? freshName(`${name} copy`, taken);
  checkNewName(doc, copyName, taken);
  taken.add(copyName);
  const copy = renameNested(state, statePtr, taken);
  const states = objectField(scope.object, "States")!;
  const index = states.entries.findIndex(([key]) => key === name);
  return replaceAt(doc, scope.pointer, setField(scope.object, "States", setField(states, copyName, copy, index + 1)));
}

function renameNested(state: JsonObject, statePtr: string, taken: Set<string>): JsonObject {
  let out = state;
  for (const child of childScopes(state, statePtr)) {
    const names = new Map<string, string>();
    const states = objectField(child.object, "States");
    if (!states) continue;
    const entries: JsonEntry[] = states.entries.map(([key, value]) => {
      const fresh = freshName(`${key} copy`, taken);
      taken.add(fresh);
      names.set(key, fresh);
      return [fresh, isObject(value) ? renameNested(value, statePointer(child.pointer, key), taken) : value];
    });
    let object = setField(child.object, "States", makeObject(entries));
    object = rewriteReferences(object, (target) => names.get(target));
    const relative = child.pointer.slice(statePtr.length);
    out = setAt(out, relative, object) as JsonObject;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Transitions

/**
 * Points a state's Next at `target` (End is removed, Next taking its place), or, with null, ends the
 * workflow there (Next is replaced by `"End": true`).
 */
export function setNext(doc: AslDocument, statePtr: string, target: string | null): AslDocument {
  const { scope, state, name } = requireState(doc, statePtr);
  const type = stringField(state, "Type");
  if (type !== undefined && NO_NEXT.has(type)) throw new AslEditError(`A ${type} state has no Next ('${name}')`);
  if (target !== null) checkTarget(scope.object, target, scope.pointer);
  return replaceAt(doc, statePtr, withTransition(state, target));
}

/**
 * The state itself with its Next set to `target` (in Next's or End's place) or, with null, `"End": true` in
 * Next's place; the other of the two removed. No checks: setNext's, for states in a document.
 */
export function withTransition(state: JsonObject, target: string | null): JsonObject {
  if (target === null) return replaceField(state, "Next", "End", true);
  const updated = hasField(state, "Next") ? setField(state, "Next", target) : replaceField(state, "End", "Next", target);
  return removeField(updated, "End");
}

/** Sets (or, with null, removes) a Choice state's Default. */
export function setDefault(doc: AslDocument, statePtr: string, target: string | null): AslDocument {
  const { scope, state } = requireState(doc, statePtr);
  if (target === null) return replaceAt(doc, statePtr, removeField(state, "Default"));
  checkTarget(scope.object, target, scope.pointer);
  return replaceAt(doc, statePtr, setField(state, "Default", target));
}

/** Sets the Next of a Choice state's rule `index`. */
export function setChoiceTarget(doc: AslDocument, statePtr: string, index: number, target: string): AslDocument {
  return setListTarget(doc, statePtr, "Choices", index, target);
}

/** Sets the Next of a state's Catch entry `index`. */
export function setCatchTarget(doc: AslDocument, statePtr: string, index: number, target: string): AslDocument {
  return setListTarget(doc, statePtr, "Catch", index, target);
}

/** Sets a scope's StartAt. */
export function setStartAt(doc: AslDocument, scopePtr: string, target: string): AslDocument {
  const scope = requireScope(doc, scopePtr);
  checkTarget(scope.object, target, scopePtr);
  return replaceAt(doc, scopePtr, setField(scope.object, "StartAt", target));
}

/**
 * Points the transition whose id (a graph edge id: the pointer of the field holding the target, e.g.
 * `/States/Check/Choices/1/Next`) is `ref` at another state of its scope. This is the canvas's reconnect.
 */
export function retarget(doc: AslDocument, ref: string, target: string): AslDocument {
  const segments = parsePointer(ref);
  const last = segments[segments.length - 1];
  if (last === "StartAt") return setStartAt(doc, formatPointer(segments.slice(0, -1)), target);
  const owner = formatPointer(segments.slice(0, -1));
  if (last === "Next" && splitStatePointer(owner)) return setNext(doc, owner, target);
  if (last === "Default" && splitStatePointer(owner)) return setDefault(doc, owner, target);
  const list = segments[segments.length - 3];
  const statePtr = formatPointer(segments.slice(0, -3));
  if (last === "Next" && (list === "Choices" || list === "Catch") && splitStatePointer(statePtr)) {
    return setListTarget(doc, statePtr, list, Number(segments[segments.length - 2]), target);
  }
  throw new AslEditError(`Not a transition: ${ref}`);
}

/**
 * Inserts a new state on a transition (a graph edge id, `end:<state pointer>` included): the edge now leads
 * to the new state, which continues to the old target (through Next; Default for a Choice; a Succeed or Fail
 * ends there). The new state is appended to the edge's scope.
 */
export function insertOnEdge(doc: AslDocument, edgeId: string, name: string, state: JsonObject): AslDocument {
  const type = stringField(state, "Type");
  if (edgeId.startsWith("end:")) {
    const statePtr = edgeId.slice("end:".length);
    const { scope } = requireState(doc, statePtr);
    const continued = type !== undefined && NO_NEXT.has(type) ? state : setField(removeField(state, "Next"), "End", true);
    return setNext(addState(doc, scope.pointer, name, continued), statePtr, name);
  }
  const oldTarget = getAt(doc, edgeId);
  if (typeof oldTarget !== "string") throw new AslEditError(`Not a transition: ${edgeId}`);
  const scopePtr = scopeOfRef(edgeId);
  let continued = state;
  if (type === "Choice") continued = setField(state, "Default", oldTarget);
  else if (type === undefined || !NO_NEXT.has(type)) continued = setField(removeField(state, "End"), "Next", oldTarget);
  return retarget(addState(doc, scopePtr, name, continued), edgeId, name);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function setListTarget(doc: AslDocument, statePtr: string, list: "Choices" | "Catch", index: number, target: string): AslDocument {
  const { scope, state, name } = requireState(doc, statePtr);
  const entry = arrayField(state, list)?.[index];
  if (!isObject(entry)) throw new AslEditError(`State '${name}' has no ${list} entry ${index}`);
  checkTarget(scope.object, target, scope.pointer);
  return replaceAt(doc, `${statePtr}/${list}/${index}`, setField(entry, "Next", target));
}

/** The scope pointer of a transition field's pointer (`.../StartAt`, `<state>/Next`, `<state>/Choices/i/Next`). */
function scopeOfRef(ref: string): string {
  const segments = parsePointer(ref);
  if (segments[segments.length - 1] === "StartAt") return formatPointer(segments.slice(0, -1));
  for (const drop of [1, 3]) {
    const split = splitStatePointer(formatPointer(segments.slice(0, -drop)));
    if (split) return split.scope;
  }
  throw new AslEditError(`Not a transition: ${ref}`);
}

/**
 * Applies `map` to every transition target in a scope object's states (Next, Default, rule and Catch Next):
 * a string replaces the target, null removes the field, undefined leaves it. StartAt too, unless told not to.
 */
function rewriteReferences(scope: JsonObject, map: (target: string) => string | null | undefined, startAt = true): JsonObject {
  const apply = (obj: JsonObject, key: string): JsonObject => {
    const target = getField(obj, key);
    if (typeof target !== "string") return obj;
    const mapped = map(target);
    if (mapped === undefined) return obj;
    return mapped === null ? removeField(obj, key) : setField(obj, key, mapped);
  };
  const applyList = (state: JsonObject, list: string): JsonObject => {
    const items = arrayField(state, list);
    if (!items) return state;
    let changed = false;
    const updated = items.map((item) => {
      if (!isObject(item)) return item;
      const next = apply(item, "Next");
      if (next !== item) changed = true;
      return next;
    });
    return changed ? setField(state, list, updated) : state;
  };
  let out = startAt ? apply(scope, "StartAt") : scope;
  const states = objectField(out, "States");
  if (!states) return out;
  let changed = false;
  const entries = states.entries.map((entry): JsonEntry => {
    if (!isObject(entry[1])) return entry;
    let state = entry[1];
    state = apply(state, "Next");
    state = apply(state, "Default");
    state = applyList(state, "Choices");
    state = applyList(state, "Catch");
    if (state === entry[1]) return entry;
    changed = true;
    return [entry[0], state];
  });
  if (changed) out = setField(out, "States", makeObject(entries));
  return out;
}

function requireScope(doc: AslDocument, scopePtr: string) {
  const scope = scopeAt(doc, scopePtr);
  if (!scope) throw new AslEditError(`No scope at ${JSON.stringify(scopePtr)}`);
  return scope;
}

function requireState(doc: AslDocument, statePtr: string) {
  const split = splitStatePointer(statePtr);
  if (!split) throw new AslEditError(`Not a state's pointer: ${statePtr}`);
  const scope = requireScope(doc, split.scope);
  const state = getField(objectField(scope.object, "States") ?? makeObject(), split.name);
  if (!isObject(state)) throw new AslEditError(`No state '${split.name}' at ${statePtr}`);
  return { scope, name: split.name, state };
}

function checkNewName(doc: AslDocument, name: string, taken: ReadonlySet<string> = allStateNames(doc)): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new AslEditError(`State names are 1 to ${MAX_NAME_LENGTH} characters long`);
  }
  if (taken.has(name)) throw new AslEditError(`There is already a state named '${name}'`);
}

function checkTarget(scope: JsonObject, target: string, scopePtr: string): void {
  const states = objectField(scope, "States");
  if (!states || !isObject(getField(states, target))) {
    const where = scopePtr === "" ? "at the top level" : `in ${scopePtr}`;
    throw new AslEditError(`No state '${target}' ${where} (transitions stay within their scope)`);
  }
}

function replaceAt(doc: AslDocument, pointer: string, value: JsonObject): AslDocument {
  return (pointer === "" ? value : updateAt(doc, pointer, () => value)) as AslDocument;
}
