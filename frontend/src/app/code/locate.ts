/**
 * From the server validator's locations to places: a range in the code view's text, and the state a problem
 * concerns (the canvas marks that node).
 *
 * The validator reports locations AWS style: "/States/Choose/Choices[0]/Next", array items in brackets and
 * names unescaped (a state called "a/b" gives "/States/a/b/Next"). So a location is resolved against the
 * document, taking at each object the longest field name that fits, rather than split on "/". The result is
 * a list of segments (field names and item indexes), the designer's own currency: a state's JSON pointer
 * (RFC 6901, as src/asl's graph uses for node ids) is formatted from them.
 *
 * Pure: no DOM, no CodeMirror.
 */
import { formatPointer, getField, isArray, isObject, keys, escapeSegment, type JsonValue } from "../../asl";

export type Segment = string | number;

export interface Resolved {
  /** As far as the document goes: a location naming a missing field resolves to its parent. */
  segments: Segment[];
  complete: boolean;
}

/** Resolves an AWS-style location ("" is the whole document) against `doc`. RFC 6901 pointers work too. */
export function resolveLocation(doc: JsonValue, location: string): Resolved {
  const segments: Segment[] = [];
  let current: JsonValue | undefined = doc;
  let rest = location;
  while (rest !== "") {
    if (isArray(current)) {
      const match = /^(?:\[(\d+)\]|\/(\d+)(?=\/|\[|$))/.exec(rest);
      const index = match ? Number(match[1] ?? match[2]) : Number.NaN;
      if (!(index < current.length)) return { segments, complete: false };
      segments.push(index);
      current = current[index];
      rest = rest.slice(match![0].length);
    } else if (isObject(current) && rest.startsWith("/")) {
      const tail = rest.slice(1);
      let best: { key: string; length: number } | undefined;
      for (const key of keys(current)) {
        for (const written of key === escapeSegment(key) ? [key] : [key, escapeSegment(key)]) {
          const after = tail.charAt(written.length);
          if (tail.startsWith(written) && (after === "" || after === "/" || after === "[")) {
            if (!best || written.length > best.length) best = { key, length: written.length };
          }
        }
      }
      if (!best) return { segments, complete: false };
      segments.push(best.key);
      current = getField(current, best.key);
      rest = tail.slice(best.length);
    } else {
      return { segments, complete: false };
    }
  }
  return { segments, complete: true };
}

/**
 * The JSON pointer of the innermost state on the path `segments` (graph node ids are these pointers), or
 * undefined when the path does not go into a state (e.g. "/StartAt"). Scopes are the machine, each Parallel
 * branch (`Branches[i]`) and each Map's `ItemProcessor` (or legacy `Iterator`).
 */
export function statePointerOf(segments: readonly Segment[]): string | undefined {
  let found: string | undefined;
  let i = 0; // where a scope's fields start
  while (segments[i] === "States" && typeof segments[i + 1] === "string") {
    found = formatPointer(segments.slice(0, i + 2));
    const j = i + 2;
    if (segments[j] === "Branches" && typeof segments[j + 1] === "number") i = j + 2;
    else if (segments[j] === "ItemProcessor" || segments[j] === "Iterator") i = j + 1;
    else break;
  }
  return found;
}

export interface TextRange {
  from: number;
  to: number;
}

/**
 * Where the value at `segments` is written in `text` (which must be the JSON the segments were resolved in).
 * An object or array is marked by its field name (or its opening bracket), so a marker stays one line long;
 * a scalar by its whole text. When the path goes further than the text, the deepest part found.
 */
export function locateInText(text: string, segments: readonly Segment[]): TextRange | undefined {
  const scanner = new Scanner(text);
  scanner.space();
  let keyRange: TextRange | undefined;
  for (const segment of segments) {
    const opening = text.charCodeAt(scanner.pos);
    let found = false;
    if (opening === 123 && typeof segment === "string") {
      scanner.eachMember((key, keyFrom, keyTo) => {
        if (key !== segment) return false;
        keyRange = { from: keyFrom, to: keyTo };
        return (found = true);
      });
    } else if (opening === 91 && typeof segment === "number") {
      scanner.eachItem((index) => {
        if (index !== segment) return false;
        keyRange = undefined;
        return (found = true);
      });
    }
    if (!found) break;
  }
  const start = scanner.pos;
  const c = text.charCodeAt(start);
  if (Number.isNaN(c)) return keyRange;
  if (c === 123 || c === 91) return keyRange ?? { from: start, to: start + 1 };
  scanner.value();
  return { from: start, to: scanner.pos };
}

/** A tolerant walker over JSON text that the model's parser accepted: it only needs to skip values. */
class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (/\s/.test(this.text.charAt(this.pos)) && this.pos < this.text.length) this.pos++;
  }

  /** Calls `visit` for each member (positioned at its value) until it returns true; stops there. */
  eachMember(visit: (key: string, keyFrom: number, keyTo: number) => boolean): void {
    this.pos++; // {
    for (;;) {
      this.space();
      if (this.text.charAt(this.pos) !== '"') return;
      const keyFrom = this.pos;
      const key = this.string();
      const keyTo = this.pos;
      this.space();
      this.pos++; // :
      this.space();
      if (visit(key, keyFrom, keyTo)) return;
      this.value();
      this.space();
      if (this.text.charAt(this.pos) !== ",") return;
      this.pos++;
    }
  }

  eachItem(visit: (index: number) => boolean): void {
    this.pos++; // [
    for (let index = 0; ; index++) {
      this.space();
      if (this.text.charAt(this.pos) === "]") return;
      if (visit(index)) return;
      this.value();
      this.space();
      if (this.text.charAt(this.pos) !== ",") return;
      this.pos++;
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === "\\") this.pos += 2;
      else if (c === '"') break;
      else this.pos++;
    }
    this.pos++;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.text.slice(start + 1, this.pos - 1);
    }
  }

  value(): void {
    const c = this.text.charAt(this.pos);
    if (c === '"') this.string();
    else if (c === "{") {
      this.eachMember(() => false);
      this.pos++; // }
    } else if (c === "[") {
      this.eachItem(() => false);
      this.pos++; // ]
    } else {
      while (this.pos < this.text.length && !/[\s,}\]]/.test(this.text.charAt(this.pos))) this.pos++;
    }
  }
}
