/**
 * JSON values that keep what `JSON.parse` loses, so that a definition exported by the designer is the one
 * that was imported.
 *
 * Plain JS objects put integer-like keys ("1", "2", "10") before all others in ascending order, whatever the
 * text said, and `JSON.parse` turns `1.0` into `1` and `1e6` into `1000000`. State names and Parameters keys
 * can be integer-like, and a user who wrote `2.50` should get `2.50` back. So objects here are lists of
 * entries in document order, and a number whose text is not the one JS would print for its value keeps that
 * text. Strings, booleans, null and canonical numbers stay plain JS values, and arrays are plain arrays, so
 * most values read naturally.
 *
 * Values are immutable: every update returns a new value that shares the untouched parts with the old one,
 * which keeps undo snapshots cheap and lets React compare by identity.
 */

export type JsonValue = string | number | boolean | null | JsonNumber | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export type JsonEntry = readonly [key: string, value: JsonValue];

/** An object: its fields in document order. Keys are unique (the parser rejects duplicates). */
export interface JsonObject {
  readonly kind: "object";
  readonly entries: readonly JsonEntry[];
}

/** A number whose text differs from JS's own rendering of its value: `1.0`, `1e6`, `-0`, `12345678901234567890`. */
export interface JsonNumber {
  readonly kind: "number";
  readonly value: number;
  readonly text: string;
}

export class JsonSyntaxError extends Error {
  /** Offset (UTF-16 code units), line and column (both 1-based) of the problem in the text. */
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = "JsonSyntaxError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Inspecting values

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as JsonObject).kind === "object";
}

export function isArray(value: JsonValue | undefined): value is JsonArray {
  return Array.isArray(value); // (Array.isArray itself does not narrow readonly arrays away)
}

export function isNumber(value: JsonValue | undefined): value is number | JsonNumber {
  return typeof value === "number" || (typeof value === "object" && value !== null && !isArray(value) && value.kind === "number");
}

/** The numeric value of a number, whichever way it is stored; undefined for anything else. */
export function numberValue(value: JsonValue | undefined): number | undefined {
  if (typeof value === "number") return value;
  return isNumber(value) ? (value as JsonNumber).value : undefined;
}

/** A string field's value, or undefined when the field is missing or not a string. */
export function stringField(obj: JsonValue | undefined, key: string): string | undefined {
  const value = isObject(obj) ? getField(obj, key) : undefined;
  return typeof value === "string" ? value : undefined;
}

export function objectField(obj: JsonValue | undefined, key: string): JsonObject | undefined {
  const value = isObject(obj) ? getField(obj, key) : undefined;
  return isObject(value) ? value : undefined;
}

export function arrayField(obj: JsonValue | undefined, key: string): JsonArray | undefined {
  const value = isObject(obj) ? getField(obj, key) : undefined;
  return isArray(value) ? value : undefined;
}

export function fieldIndex(obj: JsonObject, key: string): number {
  const entries = obj.entries;
  for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) return i;
  return -1;
}

export function hasField(obj: JsonObject, key: string): boolean {
  return fieldIndex(obj, key) >= 0;
}

export function getField(obj: JsonObject, key: string): JsonValue | undefined {
  const i = fieldIndex(obj, key);
  return i < 0 ? undefined : obj.entries[i][1];
}

export function keys(obj: JsonObject): string[] {
  return obj.entries.map(([key]) => key);
}

// ---------------------------------------------------------------------------------------------------------
// Immutable updates on objects

export function makeObject(entries: readonly JsonEntry[] = []): JsonObject {
  return { kind: "object", entries };
}

/** Sets a field: in place when it exists (its position kept), otherwise appended (or inserted at `index`). */
export function setField(obj: JsonObject, key: string, value: JsonValue, index?: number): JsonObject {
  const i = fieldIndex(obj, key);
  const entries = obj.entries.slice();
  if (i >= 0) {
    if (entries[i][1] === value) return obj;
    entries[i] = [key, value];
  } else if (index === undefined || index >= entries.length) {
    entries.push([key, value]);
  } else {
    entries.splice(Math.max(0, index), 0, [key, value]);
  }
  return makeObject(entries);
}

export function removeField(obj: JsonObject, key: string): JsonObject {
  const i = fieldIndex(obj, key);
  if (i < 0) return obj;
  const entries = obj.entries.slice();
  entries.splice(i, 1);
  return makeObject(entries);
}

/** Renames a field where it stands. Throws when `to` is already another field (that would lose a value). */
export function renameField(obj: JsonObject, from: string, to: string): JsonObject {
  if (from === to) return obj;
  const i = fieldIndex(obj, from);
  if (i < 0) throw new Error(`No field '${from}' to rename`);
  if (hasField(obj, to)) throw new Error(`Field '${to}' already exists`);
  const entries = obj.entries.slice();
  entries[i] = [to, entries[i][1]];
  return makeObject(entries);
}

/** Replaces field `from` by `to` = `value` at the same position (or sets `to` when `from` is absent). */
export function replaceField(obj: JsonObject, from: string, to: string, value: JsonValue): JsonObject {
  const i = fieldIndex(obj, from);
  if (i < 0) return setField(obj, to, value);
  const entries = obj.entries.filter(([key]) => key !== to || key === from);
  const at = entries.findIndex(([key]) => key === from);
  entries[at] = [to, value];
  return makeObject(entries);
}

export function mapEntries(obj: JsonObject, fn: (key: string, value: JsonValue) => JsonValue): JsonObject {
  let changed = false;
  const entries = obj.entries.map((entry): JsonEntry => {
    const value = fn(entry[0], entry[1]);
    if (value === entry[1]) return entry;
    changed = true;
    return [entry[0], value];
  });
  return changed ? makeObject(entries) : obj;
}

// ---------------------------------------------------------------------------------------------------------
// Conversions from and to plain JS values

/**
 * A plain JS value (what a form or `JSON.parse` produces) as a JsonValue. Object keys come in JS's own order,
 * so callers that care about the order of integer-like keys must build JsonObjects themselves.
 */
export function fromPlain(value: unknown): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`JSON has no number ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === "object") {
    if (isJsonValueObject(value)) return value as JsonValue;
    return makeObject(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, fromPlain(v)]));
  }
  throw new TypeError(`Cannot put a ${typeof value} into JSON`);
}

function isJsonValueObject(value: object): boolean {
  const kind = (value as { kind?: unknown }).kind;
  return (kind === "object" && Array.isArray((value as JsonObject).entries)) || (kind === "number" && typeof (value as JsonNumber).text === "string");
}

/** A JsonValue as plain JS (for forms and display). Loses integer-like key order and number texts. */
export function toPlain(value: JsonValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isArray(value)) return value.map(toPlain);
  if (value.kind === "number") return value.value;
  const out: Record<string, unknown> = {};
  // defineProperty, not assignment: a key named "__proto__" is data here, not the object's prototype.
  for (const [key, item] of value.entries) {
    Object.defineProperty(out, key, { value: toPlain(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Deep equality that also requires the same key order in every object; numbers compare by value. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  const na = numberValue(a);
  if (na !== undefined) return na === numberValue(b);
  if (isArray(a)) {
    if (!isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b) || a.entries.length !== b.entries.length) return false;
    return a.entries.every(([key, value], i) => b.entries[i][0] === key && jsonEquals(value, b.entries[i][1]));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Serializing

/** JSON text for a value; `indent` as in JSON.stringify (0 or "" for one line). */
export function stringify(value: JsonValue, indent: number | string = 2): string {
  const unit = typeof indent === "number" ? " ".repeat(Math.min(10, Math.max(0, indent))) : indent.slice(0, 10);
  const parts: string[] = [];
  write(value, unit, "", parts);
  return parts.join("");
}

function write(value: JsonValue, unit: string, current: string, out: string[]): void {
  if (value === null) out.push("null");
  else if (typeof value === "string") out.push(JSON.stringify(value));
  else if (typeof value === "number") out.push(JSON.stringify(value));
  else if (typeof value === "boolean") out.push(value ? "true" : "false");
  else if (isArray(value)) {
    if (value.length === 0) return void out.push("[]");
    const inner = current + unit;
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      if (unit) out.push("\n", inner);
      write(item, unit, inner, out);
    });
    if (unit) out.push("\n", current);
    out.push("]");
  } else if (value.kind === "number") out.push(value.text);
  else {
    if (value.entries.length === 0) return void out.push("{}");
    const inner = current + unit;
    out.push("{");
    value.entries.forEach(([key, item], i) => {
      if (i > 0) out.push(",");
      if (unit) out.push("\n", inner);
      out.push(JSON.stringify(key), unit ? ": " : ":");
      write(item, unit, inner, out);
    });
    if (unit) out.push("\n", current);
    out.push("}");
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const MAX_DEPTH = 1000;

/**
 * Parses JSON text (RFC 8259: no comments, no trailing commas, no NaN) keeping key order and number texts.
 * Duplicate keys in one object are an error: the designer identifies states by name, and ASL forbids them.
 */
export function parseJson(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail("Unexpected text after the JSON value");
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(reason, at, line, at - lineStart + 1);
  }

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
    this.pos = pos;
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`JSON nested more than ${MAX_DEPTH} levels deep`);
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        return this.object(depth);
      case 91: // [
        return this.array(depth);
      case 34: // "
        return this.string();
      case 116: // t
        return this.literal("true", true);
      case 102: // f
        return this.literal("false", false);
      case 110: // n
        return this.literal("null", null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        if (Number.isNaN(c)) this.fail("Unexpected end of the text, expected a value");
        this.fail(`Unexpected character ${JSON.stringify(this.text[this.pos])}, expected a value`);
    }
  }

  literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("Unexpected word, expected a value");
    this.pos += word.length;
    return value;
  }

  number(): number | JsonNumber {
    const start = this.pos;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail("Invalid number", start);
    const text = match[0];
    this.pos += text.length;
    const next = this.text.charCodeAt(this.pos);
    if ((next >= 48 && next <= 57) || next === 46 || next === 101 || next === 69) this.fail("Invalid number", start);
    const value = Number(text);
    if (!Number.isFinite(value)) return { kind: "number", value, text }; // 1e400: kept as written
    return String(value) === text ? value : { kind: "number", value, text };
  }

  string(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        pos += 2;
        continue;
      }
      if (Number.isNaN(c)) this.fail("Unterminated string", this.pos);
      if (c < 32) this.fail("Control character in a string (escape it)", pos);
      pos++;
    }
    this.pos = pos + 1;
    if (!escaped) return text.slice(start, pos);
    try {
      return JSON.parse(text.slice(start - 1, pos + 1)) as string;
    } catch {
      return this.fail("Invalid escape in a string", start - 1);
    }
  }

  array(depth: number): JsonArray {
    this.pos++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 93) return items;
      if (c !== 44) this.fail(`${Number.isNaN(c) ? "Unexpected end of the text, expected" : "Expected"} ',' or ']' after an array item`, this.pos - 1);
    }
  }

  object(depth: number): JsonObject {
    this.pos++;
    const entries: JsonEntry[] = [];
    const seen = new Set<string>();
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return makeObject(entries);
    }
    for (;;) {
      this.skipSpace();
      const keyAt = this.pos;
      if (this.text.charCodeAt(this.pos) !== 34) this.fail("Expected a field name in double quotes");
      const key = this.string();
      if (seen.has(key)) this.fail(`Duplicate field name '${key}'`, keyAt);
      seen.add(key);
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 58) this.fail("Expected ':' after a field name");
      this.pos++;
      this.skipSpace();
      entries.push([key, this.value(depth + 1)]);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c === 125) return makeObject(entries);
      if (c !== 44) this.fail(`${Number.isNaN(c) ? "Unexpected end of the text, expected" : "Expected"} ',' or '}' after a field`, this.pos - 1);
    }
  }
}
