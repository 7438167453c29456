/**
 * Automatic layout with elkjs: src/asl builds the hierarchical ELK graph (Parallel branches and Map processors
 * nested, edges in their innermost group) and reads the answer back; this module only runs ELK. elkjs is
 * large (about 1.5 MB), so it is loaded in its own chunk, in parallel with the page's first requests.
 */
import type { ELK } from "elkjs/lib/elk-api";
import { readElkLayout, toElkGraph, type AslGraph, type Box } from "../asl";

let elk: Promise<ELK> | undefined;

export function loadLayoutEngine(): Promise<ELK> {
  elk ??= import("elkjs/lib/elk.bundled.js").then(({ default: ElkConstructor }) => new ElkConstructor());
  return elk;
}

/** Every node's automatic box, relative to its parent group (group sizes included). */
export async function autoLayout(graph: AslGraph): Promise<Map<string, Box>> {
  const laidOut = await (await loadLayoutEngine()).layout(toElkGraph(graph));
  return readElkLayout(laidOut);
}
