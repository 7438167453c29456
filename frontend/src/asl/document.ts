/**
 * An ASL definition as an order-keeping JSON document, and its scopes.
 *
 * The designer never converts a definition into typed state objects: it keeps the document it imported and
 * edits it in place (immutably), so fields that no form knows survive and nothing moves. This module knows
 * where ASL puts states: a scope is an object with `StartAt` and `States` (the machine itself, each Parallel
 * branch, each Map's `ItemProcessor` or legacy `Iterator`), and a state is addressed by its JSON pointer,
 * e.g. `/States/Fan out/Branches/0/States/Resize`.
 */
import { arrayField, getField, isObject, keys, objectField, parseJson, stringify, type JsonObject } from "./json";
import { childPointer, getAt, parsePointer, formatPointer } from "./pointer";

export type AslDocument = JsonObject;

export class AslImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AslImportError";
  }
}

/** Parses a definition's JSON text. Throws JsonSyntaxError for bad JSON, AslImportError when it is not an object. */
export function importAsl(text: string): AslDocument {
  const value = parseJson(text);
  if (!isObject(value)) throw new AslImportError("An ASL definition is a JSON object ({ \"StartAt\": ..., \"States\": {...} })");
  return value;
}

/** The definition as JSON text, fields in document order (two-space indent unless told otherwise). */
export function exportAsl(doc: AslDocument, indent: number | string = 2): string {
  return stringify(doc, indent);
}

export type ScopeKind = "machine" | "branch" | "processor";

export interface Scope {
  /** JSON pointer of the scope object ("" for the machine). */
  readonly pointer: string;
  readonly kind: ScopeKind;
  /** Pointer of the Parallel or Map state that owns the scope; undefined for the machine. */
  readonly owner?: string;
  readonly object: JsonObject;
}

/** The scopes a Parallel or Map state opens, in document order. */
export function childScopes(state: JsonObject, statePtr: string): Scope[] {
  const out: Scope[] = [];
  const type = getField(state, "Type");
  if (type === "Parallel") {
    (arrayField(state, "Branches") ?? []).forEach((branch, i) => {
      if (isObject(branch)) out.push({ pointer: `${statePtr}/Branches/${i}`, kind: "branch", owner: statePtr, object: branch });
    });
  } else if (type === "Map") {
    for (const field of ["ItemProcessor", "Iterator"]) {
      const processor = objectField(state, field);
      if (processor) out.push({ pointer: `${statePtr}/${field}`, kind: "processor", owner: statePtr, object: processor });
    }
  }
  return out;
}

/** Every scope of the definition, depth first in document order (the machine first). */
export function allScopes(doc: AslDocument): Scope[] {
  const out: Scope[] = [];
  const visit = (scope: Scope) => {
    out.push(scope);
    for (const [name, state] of scopeStates(scope.object)) {
      for (const child of childScopes(state, statePointer(scope.pointer, name))) visit(child);
    }
  };
  visit({ pointer: "", kind: "machine", object: doc });
  return out;
}

/** A scope's states as [name, state] in document order (entries that are not objects are skipped). */
export function scopeStates(scope: JsonObject): [string, JsonObject][] {
  const states = objectField(scope, "States");
  if (!states) return [];
  const out: [string, JsonObject][] = [];
  for (const [name, state] of states.entries) if (isObject(state)) out.push([name, state]);
  return out;
}

export function scopeAt(doc: AslDocument, scopePtr: string): Scope | undefined {
  const object = getAt(doc, scopePtr);
  if (!isObject(object)) return undefined;
  if (scopePtr === "") return { pointer: "", kind: "machine", object };
  const segments = parsePointer(scopePtr);
  const isBranch = segments.length >= 2 && segments[segments.length - 2] === "Branches";
  const owner = formatPointer(segments.slice(0, isBranch ? -2 : -1));
  return { pointer: scopePtr, kind: isBranch ? "branch" : "processor", owner, object };
}

export function statePointer(scopePtr: string, name: string): string {
  return childPointer(scopePtr + "/States", name);
}

/** Splits a state's pointer into its scope's pointer and its name; undefined when it is not a state pointer. */
export function splitStatePointer(pointer: string): { scope: string; name: string } | undefined {
  const segments = parsePointer(pointer);
  if (segments.length < 2 || segments[segments.length - 2] !== "States") return undefined;
  return { scope: formatPointer(segments.slice(0, -2)), name: segments[segments.length - 1] };
}

export function stateAt(doc: AslDocument, pointer: string): JsonObject | undefined {
  if (!splitStatePointer(pointer)) return undefined;
  const state = getAt(doc, pointer);
  return isObject(state) ? state : undefined;
}

/** Every state name in the machine: ASL wants them unique across all scopes. */
export function allStateNames(doc: AslDocument): Set<string> {
  const names = new Set<string>();
  for (const scope of allScopes(doc)) {
    const states = objectField(scope.object, "States");
    if (states) for (const name of keys(states)) names.add(name);
  }
  return names;
}

/** `base`, or `base 2`, `base 3`... : the first name no state in the machine has. */
export function uniqueStateName(doc: AslDocument, base: string): string {
  return freshName(base, allStateNames(doc));
}

/** `base`, or `base 2`, `base 3`... : the first name not in `taken`. */
export function freshName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base} ${n}`;
    if (!taken.has(name)) return name;
  }
}
