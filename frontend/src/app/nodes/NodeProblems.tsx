/**
 * A state's problems on the canvas: the validator's diagnostics for the state a node draws, a badge with their
 * count (its accessible name "2 problems", the messages as its description and tooltip), and the class that
 * draws the node's border in the problem's colour. The diagnostics come through a context (CanvasProblems.tsx
 * provides it) so that a new answer from the validator re-renders the nodes without rebuilding React Flow's
 * node list; nested states get theirs too, as node ids and diagnostic keys are the same JSON pointers.
 */
import { createContext, useContext, useId } from "react";
import type { ServerDiagnostic } from "../code/diagnostics";

export const NodeProblemsContext = createContext<ReadonlyMap<string, readonly ServerDiagnostic[]>>(new Map());

export function useNodeProblems(id: string): readonly ServerDiagnostic[] {
  return useContext(NodeProblemsContext).get(id) ?? NONE;
}

const NONE: readonly ServerDiagnostic[] = [];

/** "error" when any diagnostic is an error, "warning" when all are warnings, "" when there are none. */
export function problemLevel(problems: readonly ServerDiagnostic[]): "" | "error" | "warning" {
  if (problems.length === 0) return "";
  return problems.some((problem) => problem.severity === "ERROR") ? "error" : "warning";
}

/** The node's class for its border: `has-problems has-problems--error` (or `--warning`), or "". */
export function problemClass(problems: readonly ServerDiagnostic[]): string {
  const level = problemLevel(problems);
  return level ? `has-problems has-problems--${level}` : "";
}

export const countProblems = (n: number) => `${n} problem${n === 1 ? "" : "s"}`;

export function ProblemBadge({ problems }: { problems: readonly ServerDiagnostic[] }) {
  const describedBy = useId();
  if (problems.length === 0) return null;
  const lines = problems.map((problem) => `${problem.code}: ${problem.message}`);
  return (
    <>
      <span
        className={`node-problems node-problems--${problemLevel(problems)}`}
        role="img"
        aria-label={countProblems(problems.length)}
        aria-describedby={describedBy}
        title={lines.join("\n")}
      >
        {problems.length}
      </span>
      <span id={describedBy} className="visually-hidden">
        {lines.map((line) => (/[.!?]$/.test(line) ? line : `${line}.`)).join(" ")}
      </span>
    </>
  );
}
