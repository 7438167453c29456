/**
 * What the code view and the canvas show of a definition's problems: the parser's JSON error (ours, at once,
 * with its position) and the server validator's diagnostics (/api/validate or the draft PUT, AWS's
 * ValidateStateMachineDefinition shape), placed in the text and grouped by the state they concern.
 *
 * Pure: the editor turns `EditorProblem`s into CodeMirror lint diagnostics (same fields), the canvas reads
 * `diagnosticsByState`.
 */
import { JsonSyntaxError, type JsonValue } from "../../asl";
import { locateInText, resolveLocation, statePointerOf } from "./locate";

/** One diagnostic as the server sends it. `location` is AWS style ("/States/A/Next"; "" for the machine). */
export interface ServerDiagnostic {
  severity: "ERROR" | "WARNING";
  code: string;
  message: string;
  location: string;
}

export interface EditorProblem {
  from: number;
  to: number;
  severity: "error" | "warning";
  message: string;
  source: string;
}

/** The key of problems that concern no state (e.g. MISSING_END_STATE, "/StartAt"). */
export const MACHINE = "";

/**
 * Diagnostics grouped by the JSON pointer of the innermost state they concern ("/States/Fan out/Branches/0/
 * States/Resize", as src/asl's graph names nodes); MACHINE ("") for the rest. Order kept within each group.
 */
export function diagnosticsByState(
  doc: JsonValue,
  diagnostics: readonly ServerDiagnostic[],
): Map<string, ServerDiagnostic[]> {
  const grouped = new Map<string, ServerDiagnostic[]>();
  for (const diagnostic of diagnostics) {
    const key = statePointerOf(resolveLocation(doc, diagnostic.location).segments) ?? MACHINE;
    const list = grouped.get(key);
    if (list) list.push(diagnostic);
    else grouped.set(key, [diagnostic]);
  }
  return grouped;
}

/** The server's diagnostics placed in `text` (the text they were computed for; `doc` is its parse). */
export function editorProblems(text: string, doc: JsonValue, diagnostics: readonly ServerDiagnostic[]): EditorProblem[] {
  return diagnostics.map((diagnostic) => {
    const range = locateInText(text, resolveLocation(doc, diagnostic.location).segments) ?? { from: 0, to: 0 };
    return {
      ...range,
      severity: diagnostic.severity === "ERROR" ? "error" : "warning",
      message: `${diagnostic.code}: ${diagnostic.message}`,
      source: "validator",
    };
  });
}

/** The parser's error as a one-character marker at its offset (the last character when it is at the end). */
export function syntaxProblem(text: string, error: Error): EditorProblem {
  if (!(error instanceof JsonSyntaxError)) {
    return { from: 0, to: Math.min(1, text.length), severity: "error", message: error.message, source: "JSON" };
  }
  const from = Math.max(0, Math.min(error.offset, text.length - 1));
  return { from, to: Math.min(from + 1, text.length), severity: "error", message: error.message, source: "JSON" };
}

/**
 * The validator's diagnostics by state for the document the graph draws (the last one that parsed), or an
 * empty map while the answer is about other text (the validator is asked again once typing pauses).
 */
export function currentDiagnostics(snapshot: {
  readonly document: JsonValue | null;
  readonly documentText: string;
  readonly validation: { readonly text: string; readonly diagnostics: readonly ServerDiagnostic[] } | null;
}): Map<string, ServerDiagnostic[]> {
  const { document, documentText, validation } = snapshot;
  if (document === null || validation === null || validation.text !== documentText) return new Map();
  return diagnosticsByState(document, validation.diagnostics);
}
