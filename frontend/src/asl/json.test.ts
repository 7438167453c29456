import { describe, expect, it } from "vitest";
import {
  fromPlain,
  getField,
  jsonEquals,
  JsonSyntaxError,
  keys,
  numberValue,
  parseJson,
  removeField,
  renameField,
  replaceField,
  setField,
  stringify,
  toPlain,
  type JsonObject,
} from "./json";
import { getAt, removeAt, setAt, formatPointer, parsePointer } from "./pointer";
import { tokens } from "./testing";

const obj = (text: string) => parseJson(text) as JsonObject;

describe("parseJson and stringify", () => {
  it("keeps integer-like keys where they were written (plain objects would move them first)", () => {
    const text = '{"b":1,"10":2,"a":3,"2":4,"1":{"z":0,"0":1}}';
    expect(Object.keys(JSON.parse(text))).toEqual(["1", "2", "10", "b", "a"]); // what we avoid
    const value = obj(text);
    expect(keys(value)).toEqual(["b", "10", "a", "2", "1"]);
    expect(keys(getField(value, "1") as JsonObject)).toEqual(["z", "0"]);
    expect(stringify(value, 0)).toBe(text);
  });

  it("keeps number texts that JS would print differently, and their values", () => {
    const text = '[1.0,1e6,2.50,-0,0.1,12345678901234567890,1E-7,3,-17,1.5e-7]';
    const value = parseJson(text) as unknown[];
    expect(stringify(value as never, 0)).toBe(text);
    expect(value.map((v) => numberValue(v as never))).toEqual(JSON.parse(text));
    expect(typeof value[7]).toBe("number"); // canonical numbers stay plain
    expect(toPlain(value as never)).toEqual(JSON.parse(text));
  });

  it("formats like JSON.stringify for the values JSON.parse keeps exactly", () => {
    const plain = { a: [1, "x", null, true, { b: [] }, {}], "é\n": "tab\t\"quote\" \u2028", c: { d: { e: -1.5 } } };
    for (const indent of [0, 2, 4, "\t"]) {
      expect(stringify(fromPlain(plain), indent)).toBe(JSON.stringify(plain, null, indent));
    }
  });

  it("decodes escapes and keeps unicode", () => {
    const value = obj('{"s":"\\u00e9\\ud83d\\ude00\\n\\/\\\\","😀 name":"中"}');
    expect(getField(value, "s")).toBe("é😀\n/\\");
    expect(keys(value)).toEqual(["s", "😀 name"]);
  });

  it.each([
    ['{"a":1,}', "Expected a field name in double quotes", 1, 8],
    ['{"a":1\n  "b":2}', "Expected ',' or '}' after a field", 2, 3],
    ["[1,2", "Unexpected end of the text, expected ',' or ']' after an array item", 1, 5],
    ["[1,", "Unexpected end of the text, expected a value", 1, 4],
    ['{"a":01}', "Invalid number", 1, 6],
    ['{"a":NaN}', 'Unexpected character "N", expected a value', 1, 6],
    ['{"a":"x\ny"}', "Control character in a string (escape it)", 1, 8],
    ['{"a":"x', "Unterminated string", 1, 6],
    ['{"a":"\\x"}', "Invalid escape in a string", 1, 6],
    ['{"a":1} x', "Unexpected text after the JSON value", 1, 9],
    ['{"a":tru}', "Unexpected word, expected a value", 1, 6],
    ['{"States":{"A":{},\n"A":{}}}', "Duplicate field name 'A'", 2, 1],
  ])("rejects %j: %s", (text, reason, line, column) => {
    try {
      parseJson(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect(error).toMatchObject({ reason, line, column });
    }
  });

  it("parses what JSON.parse parses, to the same values", () => {
    for (const text of ["0", "-1.25e+3", '"x"', "null", " [ ] ", "{ }", '{"a" : [ 1 , { } ] }', "true"]) {
      expect(toPlain(parseJson(text))).toEqual(JSON.parse(text));
    }
  });

  it("keeps a key named __proto__ as data, as JSON.parse does", () => {
    const text = '{"__proto__":{"polluted":true},"a":1}';
    const plain = toPlain(parseJson(text)) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect((plain as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(plain)).toBe(JSON.stringify(JSON.parse(text)));
  });
});

describe("object updates", () => {
  const value = obj('{"Type":"Pass","2":"x","Next":"B","End":false}');

  it("sets in place, appends new fields, inserts at an index, and leaves the original alone", () => {
    expect(keys(setField(value, "2", "y"))).toEqual(["Type", "2", "Next", "End"]);
    expect(keys(setField(value, "Comment", "c"))).toEqual(["Type", "2", "Next", "End", "Comment"]);
    expect(keys(setField(value, "Comment", "c", 1))).toEqual(["Type", "Comment", "2", "Next", "End"]);
    expect(keys(value)).toEqual(["Type", "2", "Next", "End"]);
    expect(setField(value, "Type", "Pass")).toBe(value);
  });

  it("renames and replaces fields where they stand", () => {
    expect(keys(renameField(value, "Next", "Default"))).toEqual(["Type", "2", "Default", "End"]);
    expect(() => renameField(value, "Next", "Type")).toThrow("Field 'Type' already exists");
    const replaced = replaceField(value, "Next", "End", true);
    expect(stringify(replaced, 0)).toBe('{"Type":"Pass","2":"x","End":true}');
    expect(keys(removeField(value, "2"))).toEqual(["Type", "Next", "End"]);
  });

  it("compares with key order", () => {
    expect(jsonEquals(obj('{"a":1,"b":[1.0]}'), obj('{"a":1,"b":[1]}'))).toBe(true);
    expect(jsonEquals(obj('{"a":1,"b":2}'), obj('{"b":2,"a":1}'))).toBe(false);
    expect(jsonEquals(obj('{"a":[1,2]}'), obj('{"a":[2,1]}'))).toBe(false);
  });

  it("the test tokenizer sees key order too", () => {
    expect(tokens('{"a":1,"b":2}')).not.toEqual(tokens('{"b":2,"a":1}'));
    expect(tokens('{ "a" : "\\u00e9" }')).toEqual(tokens('{"a":"é"}'));
  });
});

describe("JSON pointers", () => {
  const doc = obj('{"States":{"a/b":{"x~y":[10,20]}},"1":true}');

  it("escapes and reads", () => {
    expect(parsePointer("/States/a~1b/x~0y/1")).toEqual(["States", "a/b", "x~y", "1"]);
    expect(formatPointer(["States", "a/b", "x~y", 1])).toBe("/States/a~1b/x~0y/1");
    expect(getAt(doc, "/States/a~1b/x~0y/1")).toBe(20);
    expect(getAt(doc, "/States/a~1b/x~0y/2")).toBeUndefined();
    expect(getAt(doc, "/States/nope/x")).toBeUndefined();
    expect(getAt(doc, "/1")).toBe(true);
  });

  it("sets and removes immutably, sharing what did not change", () => {
    const set = setAt(doc, "/States/a~1b/x~0y/-", 30) as JsonObject;
    expect(stringify(set, 0)).toBe('{"States":{"a/b":{"x~y":[10,20,30]}},"1":true}');
    expect(stringify(setAt(doc, "/1", false), 0)).toBe('{"States":{"a/b":{"x~y":[10,20]}},"1":false}');
    expect(stringify(removeAt(doc, "/States/a~1b/x~0y/0"), 0)).toBe('{"States":{"a/b":{"x~y":[20]}},"1":true}');
    expect(removeAt(doc, "/States/zzz")).toBe(doc);
    expect(getAt(setAt(doc, "/1", 5), "/States")).toBe(getAt(doc, "/States"));
    expect(() => setAt(doc, "/Missing/x", 1)).toThrow("Nothing at /Missing/x");
    expect(() => setAt(doc, "/States/a~1b/x~0y/9", 1)).toThrow("past the end");
  });
});
