/**
 * A state machine's top-level states as a graph for the canvas: one node per state, Start and End markers, and
 * an edge for every transition ASL defines (Next, a Choice's rules and Default, each Catch).
 *
 * This is the designer's first, read-only view. Parallel branches and Map processors appear as one node each
 * here; the full converter (nested groups, exact round-trip, editing) is src/asl/, and will replace this module.
 * Pure: no DOM, no React, so vitest runs it directly.
 */
import type { Edge, Node } from "@xyflow/react";

export type AslState = {
  Type?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Catch?: { ErrorEquals?: string[]; Next?: string }[];
  Resource?: string;
  Comment?: string;
  Branches?: unknown[];
  [field: string]: unknown;
};

export type AslDefinition = { StartAt?: string; States?: Record<string, AslState>; [field: string]: unknown };

export type ChoiceRule = { Next?: string; [field: string]: unknown };

export type StateNodeData = { name: string; type: string; detail: string };
export type MarkerNodeData = { marker: "start" | "end" };
export type StateNode = Node<StateNodeData, "state">;
export type MarkerNode = Node<MarkerNodeData, "marker">;
export type DesignNode = StateNode | MarkerNode;

export type EdgeKind = "start" | "next" | "default" | "choice" | "catch" | "end";
export type DesignEdge = Edge<{ kind: EdgeKind }>;

export type DesignGraph = { nodes: DesignNode[]; edges: DesignEdge[]; problems: string[] };

// Sizes the layout reserves for each node; the nodes are drawn at exactly these sizes (designer.css).
export const STATE_SIZE = { width: 220, height: 64 };
export const MARKER_SIZE = { width: 44, height: 44 };

export const START_ID = "marker:start";
export const END_ID = "marker:end";

export const stateId = (name: string) => `state:${name}`;

// ASL: these states end an execution (Succeed and Fail have no Next or End field).
const TERMINAL_TYPES = new Set(["Succeed", "Fail"]);

export function definitionToGraph(definition: AslDefinition): DesignGraph {
  const states = definition.States ?? {};
  const names = Object.keys(states);
  const nodes: DesignNode[] = [marker("start")];
  const edges: DesignEdge[] = [];
  const problems: string[] = [];

  const connect = (source: string, target: string | undefined, kind: EdgeKind, label?: string) => {
    if (target === undefined) return;
    if (!(target in states)) {
      problems.push(`${source === START_ID ? "StartAt" : source.slice("state:".length)} points to a missing state '${target}'`);
      return;
    }
    edges.push(edge(source, stateId(target), kind, edges.length, label));
  };

  connect(START_ID, definition.StartAt, "start");
  let ends = false;
  for (const name of names) {
    const state = states[name] ?? {};
    const id = stateId(name);
    nodes.push({
      id,
      type: "state",
      position: { x: 0, y: 0 },
      ...STATE_SIZE,
      ariaLabel: name,
      data: { name, type: String(state.Type ?? "?"), detail: stateDetail(state) },
    });
    connect(id, state.Next, "next");
    (state.Choices ?? []).forEach((rule) => connect(id, rule.Next, "choice", truncate(ruleSummary(rule))));
    connect(id, state.Default, "default", "Default");
    for (const handler of state.Catch ?? []) {
      connect(id, handler.Next, "catch", truncate((handler.ErrorEquals ?? []).join(", ") || "Catch"));
    }
    if (state.End === true || TERMINAL_TYPES.has(String(state.Type))) {
      edges.push(edge(id, END_ID, "end", edges.length));
      ends = true;
    }
  }
  if (ends) nodes.push(marker("end"));
  return { nodes, edges, problems };
}

function marker(which: "start" | "end"): MarkerNode {
  return {
    id: which === "start" ? START_ID : END_ID,
    type: "marker",
    position: { x: 0, y: 0 },
    ...MARKER_SIZE,
    ariaRole: "img",
    ariaLabel: which === "start" ? "Start of the workflow" : "End of the workflow",
    selectable: false,
    data: { marker: which },
  };
}

function edge(source: string, target: string, kind: EdgeKind, index: number, label?: string): DesignEdge {
  return {
    id: `e${index}:${kind}:${source}->${target}`,
    source,
    target,
    type: "smoothstep",
    className: `edge-${kind}`,
    data: { kind },
    ...(label ? { label } : {}),
  };
}

function stateDetail(state: AslState): string {
  if (typeof state.Resource === "string") {
    // Service integrations read better without the common prefix: arn:aws:states:::lambda:invoke -> lambda:invoke.
    return state.Resource.replace(/^arn:aws:states:::/, "");
  }
  if (Array.isArray(state.Branches)) {
    return `${state.Branches.length} branch${state.Branches.length === 1 ? "" : "es"}`;
  }
  return typeof state.Comment === "string" ? state.Comment : "";
}

const OPERATORS: Record<string, string> = {
  Equals: "==", LessThan: "<", GreaterThan: ">", LessThanEquals: "<=", GreaterThanEquals: ">=", Matches: "matches",
};

/** A Choice rule as one short line: `$.amount > 1000`, `$.a == "x" and $.b`, or a JSONata Condition's text. */
export function ruleSummary(rule: Record<string, unknown>): string {
  if (typeof rule.Condition === "string") {
    return rule.Condition.replace(/^\{%\s*/, "").replace(/\s*%\}$/, "");
  }
  if (Array.isArray(rule.And) || Array.isArray(rule.Or)) {
    const joiner = Array.isArray(rule.And) ? " and " : " or ";
    const parts = ((rule.And ?? rule.Or) as Record<string, unknown>[]).map((sub) => {
      const text = ruleSummary(sub);
      return sub.And || sub.Or ? `(${text})` : text;
    });
    return parts.join(joiner);
  }
  if (rule.Not && typeof rule.Not === "object") {
    return `not (${ruleSummary(rule.Not as Record<string, unknown>)})`;
  }
  const variable = typeof rule.Variable === "string" ? rule.Variable : "?";
  for (const [field, value] of Object.entries(rule)) {
    if (field === "Variable" || field === "Next") continue;
    const is = /^Is(Present|Null|Numeric|String|Boolean|Timestamp)$/.exec(field);
    if (is) return `${variable} ${value === false ? "is not" : "is"} ${is[1].toLowerCase()}`;
    const comparison = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(field);
    if (comparison) {
      const operand = comparison[3] || typeof value !== "string" ? String(value) : JSON.stringify(value);
      return `${variable} ${OPERATORS[comparison[2]]} ${operand}`;
    }
  }
  return "rule";
}

function truncate(text: string, limit = 40): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
