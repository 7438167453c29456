/**
 * A definition as a graph for the canvas: a node per state, Start and End markers per scope, an edge per
 * transition, and Parallel branches and Map processors as nested groups.
 *
 * Ids are JSON pointers, which makes them unique across nesting, stable while other states change, and
 * directly useful: a state node's id is its state's pointer (a validator diagnostic belongs to the node whose
 * id is the longest prefix of its pointer), a group's id is its scope's pointer, and a transition edge's id is
 * the pointer of the field that holds its target (`/States/Check/Choices/2/Next`), which is what an edit
 * changes when the edge is dragged elsewhere (see `retarget` in edit.ts). Markers, missing targets and end
 * edges, which have no field of their own, use `start:`, `end:` and `missing:` prefixes; real pointers
 * always begin with `/`.
 *
 * The shapes are plain data, independent of React Flow but one step from it: nodes come parents first and
 * carry `parentId`, as @xyflow/react requires.
 */
import {
  arrayField,
  getField,
  isArray,
  isObject,
  numberValue,
  objectField,
  stringField,
  stringify,
  type JsonObject,
  type JsonValue,
} from "./json";
import { allScopes, childScopes, scopeStates, statePointer, type AslDocument, type ScopeKind } from "./document";

export type NodeKind = "state" | "branch" | "processor" | "start" | "end" | "missing";
export type EdgeKind = "start" | "next" | "default" | "choice" | "catch" | "end";

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** The enclosing group's id (a branch or processor); undefined at the top level. */
  readonly parentId?: string;
  /** Pointer of the scope the node sits in ("" for the machine). */
  readonly scope: string;
  /** Nesting depth: 0 for the machine's own nodes. */
  readonly depth: number;
  /** State name (states and missing targets); "Branch 1" / "Item processor" for groups; "Start" / "End". */
  readonly label: string;
  /** The state's Type, for state nodes. */
  readonly stateType?: string;
  /** A short summary of a Task's Resource (`lambda:invoke`, `function:Ship`, `activity:pack-order`). */
  readonly resource?: string;
  /** One more line for some states: "3 branches", "Distributed", "Wait 10 s"... */
  readonly detail?: string;
  /** True for nodes that contain others (Parallel and Map states, branches, processors). */
  readonly isGroup: boolean;
}

export interface GraphEdge {
  readonly id: string;
  readonly kind: EdgeKind;
  readonly source: string;
  readonly target: string;
  /** Choice: the rule's summary; Catch: its error names; Default: "Default". */
  readonly label?: string;
  /** The scope the edge belongs to (both ends are in it, or are its markers). */
  readonly scope: string;
}

export interface AslGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export const startId = (scope: string) => `start:${scope}`;
export const endId = (scope: string) => `end:${scope}`;
export const missingId = (scope: string, name: string) => `missing:${statePointer(scope, name)}`;

const TERMINAL_TYPES = new Set(["Succeed", "Fail"]);

export function buildGraph(doc: AslDocument): AslGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const groupDepth = new Map<string, number>([["", 0]]);
  const groupOf = new Map<string, string | undefined>([["", undefined]]);

  for (const scope of allScopes(doc)) {
    const ptr = scope.pointer;
    const depth = groupDepth.get(ptr) ?? 0;
    const parentId = groupOf.get(ptr);
    const states = scopeStates(scope.object);
    const names = new Set(states.map(([name]) => name));
    const missing = new Set<string>();
    let hasEnd = false;

    const node = (n: Omit<GraphNode, "scope" | "depth" | "parentId">) => nodes.push({ ...n, scope: ptr, depth, ...(parentId === undefined ? {} : { parentId }) });
    const target = (name: string): string => {
      if (names.has(name)) return statePointer(ptr, name);
      missing.add(name);
      return missingId(ptr, name);
    };
    const edge = (id: string, kind: EdgeKind, source: string, to: string, label?: string) =>
      edges.push({ id, kind, source, target: to, scope: ptr, ...(label === undefined ? {} : { label }) });

    node({ id: startId(ptr), kind: "start", label: "Start", isGroup: false });
    const startAt = stringField(scope.object, "StartAt");
    if (startAt !== undefined) edge(`${ptr}/StartAt`, "start", startId(ptr), target(startAt));

    for (const [name, state] of states) {
      const id = statePointer(ptr, name);
      const type = stringField(state, "Type");
      const children = childScopes(state, id);
      node({
        id,
        kind: "state",
        label: name,
        isGroup: children.length > 0,
        ...(type === undefined ? {} : { stateType: type }),
        ...optional("resource", resourceSummary(state)),
        ...optional("detail", stateDetail(state)),
      });
      for (const child of children) {
        groupDepth.set(child.pointer, depth + 2);
        groupOf.set(child.pointer, child.pointer);
        nodes.push({
          id: child.pointer,
          kind: child.kind === "branch" ? "branch" : "processor",
          parentId: id,
          scope: ptr,
          depth: depth + 1,
          label: groupLabel(child.kind, child.pointer),
          isGroup: true,
        });
      }

      const next = stringField(state, "Next");
      if (next !== undefined) edge(`${id}/Next`, "next", id, target(next));
      arrayField(state, "Choices")?.forEach((rule, i) => {
        const to = stringField(rule, "Next");
        if (to !== undefined) edge(`${id}/Choices/${i}/Next`, "choice", id, target(to), isObject(rule) ? ruleSummary(rule) : "rule");
      });
      const fallback = stringField(state, "Default");
      if (fallback !== undefined) edge(`${id}/Default`, "default", id, target(fallback), "Default");
      arrayField(state, "Catch")?.forEach((catcher, i) => {
        const to = stringField(catcher, "Next");
        if (to !== undefined) edge(`${id}/Catch/${i}/Next`, "catch", id, target(to), catchLabel(catcher));
      });
      if (getField(state, "End") === true || (type !== undefined && TERMINAL_TYPES.has(type))) {
        edge(`end:${id}`, "end", id, endId(ptr));
        hasEnd = true;
      }
    }
    if (hasEnd) node({ id: endId(ptr), kind: "end", label: "End", isGroup: false });
    for (const name of missing) node({ id: missingId(ptr, name), kind: "missing", label: name, isGroup: false });
  }
  return { nodes: sortParentsFirst(nodes), edges };
}

/**
 * Nodes in an order where every parent comes before its children, as React Flow requires. `allScopes` visits
 * nested scopes before the rest of their parent scope, so the nodes come out interleaved; a stable sort by
 * depth is not enough either (a branch would come before its Parallel's siblings). Groups by parent instead.
 */
function sortParentsFirst(nodes: GraphNode[]): GraphNode[] {
  const byParent = new Map<string | undefined, GraphNode[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentId);
    if (list) list.push(node);
    else byParent.set(node.parentId, [node]);
  }
  const out: GraphNode[] = [];
  const visit = (parent: string | undefined) => {
    for (const node of byParent.get(parent) ?? []) {
      out.push(node);
    }
    for (const node of byParent.get(parent) ?? []) if (node.isGroup) visit(node.id);
  };
  visit(undefined);
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function groupLabel(kind: ScopeKind, pointer: string): string {
  if (kind === "branch") return `Branch ${Number(pointer.slice(pointer.lastIndexOf("/") + 1)) + 1}`;
  return pointer.endsWith("/Iterator") ? "Iterator" : "Item processor";
}

function catchLabel(catcher: JsonValue): string {
  const errors = arrayField(catcher, "ErrorEquals");
  const names = (errors ?? []).filter((e): e is string => typeof e === "string");
  return names.length ? names.join(", ") : "Catch";
}

/** A Task's Resource without the parts every reader knows. */
export function resourceSummary(state: JsonObject): string | undefined {
  const resource = stringField(state, "Resource");
  if (resource === undefined) return undefined;
  const integration = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (integration) return integration[1];
  const lambda = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:(.+)$/.exec(resource);
  if (lambda) return `function:${lambda[1]}`;
  const activity = /^arn:[^:]+:states:[^:]*:[^:]*:activity:(.+)$/.exec(resource);
  if (activity) return `activity:${activity[1]}`;
  return resource;
}

function stateDetail(state: JsonObject): string | undefined {
  switch (getField(state, "Type")) {
    case "Parallel": {
      const n = arrayField(state, "Branches")?.length ?? 0;
      return `${n} branch${n === 1 ? "" : "es"}`;
    }
    case "Map": {
      const config = objectField(objectField(state, "ItemProcessor"), "ProcessorConfig");
      return stringField(config, "Mode") === "DISTRIBUTED" ? "Distributed" : "Inline";
    }
    case "Wait": {
      for (const field of ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]) {
        const value = getField(state, field);
        if (value === undefined) continue;
        const seconds = numberValue(value);
        return field === "Seconds" && seconds !== undefined ? `${seconds} s` : `${field} ${display(value)}`;
      }
      return undefined;
    }
    case "Fail": {
      return stringField(state, "Error");
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Choice rules

const OPERATORS: Record<string, string> = {
  Equals: "==",
  LessThan: "<",
  GreaterThan: ">",
  LessThanEquals: "<=",
  GreaterThanEquals: ">=",
  Matches: "matches",
};
const COMPARISON = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;
const TYPE_TEST = /^Is(Present|Null|Numeric|String|Boolean|Timestamp)$/;

/**
 * A Choice rule as one readable line: `$.amount > 1000`, `$.status == "ok"`, `$.x is not null`,
 * `And($.a > 1, Not($.b == "x"))`, or a JSONata Condition's expression without its `{% %}`.
 */
export function ruleSummary(rule: JsonObject): string {
  const condition = getField(rule, "Condition");
  if (typeof condition === "string") return condition.replace(/^\s*\{%\s*/, "").replace(/\s*%\}\s*$/, "");
  if (condition !== undefined) return display(condition);
  for (const combinator of ["And", "Or"]) {
    const operands = getField(rule, combinator);
    if (isArray(operands)) return `${combinator}(${operands.map((r) => (isObject(r) ? ruleSummary(r) : "?")).join(", ")})`;
  }
  const not = getField(rule, "Not");
  if (not !== undefined) return `Not(${isObject(not) ? ruleSummary(not) : "?"})`;
  const variable = stringField(rule, "Variable") ?? "?";
  for (const [field, value] of rule.entries) {
    const test = TYPE_TEST.exec(field);
    if (test) return `${variable} ${value === false ? "is not" : "is"} ${test[1].toLowerCase()}`;
    const comparison = COMPARISON.exec(field);
    if (comparison) {
      const operand = comparison[3] && typeof value === "string" ? value : display(value);
      return `${variable} ${OPERATORS[comparison[2]]} ${operand}`;
    }
  }
  return "rule";
}

function display(value: JsonValue): string {
  return stringify(value, 0);
}
