/**
 * JSON Pointers (RFC 6901) over JsonValues: reading, and immutable setting and removing.
 *
 * Pointers are the designer's addresses: the server validator reports problems with them, graph node ids are
 * the pointers of their states, and edge ids are the pointers of the fields that hold their targets.
 */
import {
  getField,
  isArray,
  isObject,
  removeField,
  setField,
  type JsonArray,
  type JsonValue,
} from "./json";

export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`A JSON pointer starts with '/': ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split("/").map(unescapeSegment);
}

export function formatPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => "/" + escapeSegment(String(segment))).join("");
}

/** `base` + one more segment. */
export function childPointer(base: string, segment: string | number): string {
  return `${base}/${escapeSegment(String(segment))}`;
}

/** The value at `pointer`, or undefined when there is none. */
export function getAt(root: JsonValue, pointer: string): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const segment of parsePointer(pointer)) {
    if (isObject(current)) current = getField(current, segment);
    else if (isArray(current)) current = current[readIndex(segment)];
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * A copy of `root` with `value` at `pointer`. The parent must exist; an existing field keeps its position, a
 * new one is appended; in an array `-` (or the length) appends.
 */
export function setAt(root: JsonValue, pointer: string, value: JsonValue): JsonValue {
  return update(root, parsePointer(pointer), 0, () => value, pointer);
}

/** A copy of `root` without the value at `pointer` (an array item is spliced out). Missing values: unchanged. */
export function removeAt(root: JsonValue, pointer: string): JsonValue {
  const segments = parsePointer(pointer);
  if (segments.length === 0) throw new Error("Cannot remove the document itself");
  const parent = getAt(root, formatPointer(segments.slice(0, -1)));
  const last = segments[segments.length - 1];
  if (isObject(parent)) {
    if (getField(parent, last) === undefined) return root;
    return setAt(root, formatPointer(segments.slice(0, -1)), removeField(parent, last));
  }
  if (isArray(parent)) {
    const index = readIndex(last);
    if (!(index < parent.length)) return root;
    const items = parent.slice();
    items.splice(index, 1);
    return setAt(root, formatPointer(segments.slice(0, -1)), items);
  }
  return root;
}

/** A copy of `root` where the value at `pointer` is replaced by `fn(old)`; the value must exist. */
export function updateAt(root: JsonValue, pointer: string, fn: (old: JsonValue) => JsonValue): JsonValue {
  return update(root, parsePointer(pointer), 0, (old) => {
    if (old === undefined) throw new Error(`Nothing at ${pointer}`);
    return fn(old);
  }, pointer);
}

function update(
  current: JsonValue | undefined,
  segments: readonly string[],
  depth: number,
  fn: (old: JsonValue | undefined) => JsonValue,
  pointer: string,
): JsonValue {
  if (depth === segments.length) return fn(current);
  const segment = segments[depth];
  if (isObject(current)) {
    const old = getField(current, segment);
    if (old === undefined && depth < segments.length - 1) throw new Error(`Nothing at ${pointer} (no '${segment}')`);
    const value = update(old, segments, depth + 1, fn, pointer);
    return value === old ? current : setField(current, segment, value);
  }
  if (isArray(current)) {
    const index = writeIndex(current, segment, pointer);
    const old = current[index];
    if (old === undefined && depth < segments.length - 1) throw new Error(`Nothing at ${pointer} (no item ${segment})`);
    const value = update(old, segments, depth + 1, fn, pointer);
    if (value === old) return current;
    const items = current.slice();
    items[index] = value;
    return items;
  }
  throw new Error(`Nothing at ${pointer}: '${segments.slice(0, depth).join("/")}' is not an object or array`);
}

/** An array index for reading: NaN (which finds nothing) when the segment is not one. */
function readIndex(segment: string): number {
  return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : Number.NaN;
}

function writeIndex(array: JsonArray, segment: string, pointer: string): number {
  const index = segment === "-" ? array.length : readIndex(segment);
  if (Number.isNaN(index)) throw new Error(`Nothing at ${pointer}: '${segment}' is not an array index`);
  if (index > array.length) throw new Error(`Nothing at ${pointer}: index ${index} is past the end (length ${array.length})`);
  return index;
}
