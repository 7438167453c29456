/**
 * Test helpers: the round-trip corpus, and a JSON token stream that is independent of json.ts, so the
 * round-trip test does not use the parser under test to judge itself.
 */

/** frontend/corpus/*.asl.json by file name, as text (bundled by Vite at test time; no Node APIs needed). */
export const corpus: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("../../corpus/*.asl.json", { query: "?raw", import: "default", eager: true })).map(
    ([path, text]) => [path.slice(path.lastIndexOf("/") + 1), text],
  ),
);

export function corpusFile(name: string): string {
  const text = corpus[name];
  if (text === undefined) throw new Error(`No corpus file ${name}`);
  return text;
}

export type Token = string | { readonly string: string } | { readonly number: string };

const TOKEN = /\s*(?:([{}[\]:,])|("(?:[^"\\]|\\.)*")|(-?\d[\d.eE+-]*|-?\.\d+)|(true|false|null))/y;

/**
 * The JSON text as tokens: punctuation and literals as text, strings decoded, numbers as written. Two texts
 * with equal token streams hold the same values with the same keys in the same order, at every level.
 */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`Cannot tokenize at ${at}: ${text.slice(at, at + 20)}`);
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push({ string: JSON.parse(match[2]) as string });
    else if (match[3] !== undefined) out.push({ number: match[3] });
    else out.push(match[4]);
  }
  return out;
}
