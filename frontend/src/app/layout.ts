/**
 * Automatic layout with elkjs: src/asl builds the hierarchical ELK graph (Parallel branches and Map processors
 * nested, edges in their innermost group) and reads the answer back; this module only runs ELK.
 *
 * ELK runs in a Web Worker: laying out a large machine takes seconds (about 3 s for 2,000 states on a fast
 * machine), during which the page must stay responsive, and the worker's own thread can lay out while the main
 * thread parses the definition and builds the code view. The worker is elk's own `elk-worker.min.js`, emitted
 * unchanged as a hashed asset beside the bundle (a classic worker script from /static/designer-app/, which the
 * page's Content-Security-Policy allows: worker-src falls back to script-src 'self'). It is started as soon as
 * the page boots (`loadLayoutEngine`), in parallel with the first requests, so it has compiled elk by the
 * time the definition arrives. (src/asl's tests run elk.bundled.js, the same code, in Node.)
 */
import type { ELK, ElkNode } from "elkjs/lib/elk-api";
import elkWorkerUrl from "elkjs/lib/elk-worker.min.js?url";
import { readElkLayout, readElkRoutes, toElkGraph, type AslGraph, type Box, type Point } from "../asl";
import { layoutKey, readCachedLayout, storeLayout } from "./layoutCache";

let elk: Promise<ELK> | undefined;

/** ELK's answer: every node's box, relative to its parent group, and every edge's route, in canvas coordinates. */
export interface Layout {
  readonly boxes: Map<string, Box>;
  readonly routes: Map<string, Point[]>;
}

export function loadLayoutEngine(): Promise<ELK> {
  elk ??= import("elkjs/lib/elk-api.js").then(({ default: ElkApi }) => new ElkApi({ workerUrl: elkWorkerUrl }));
  return elk;
}

/**
 * The last few layouts, by their ELK input: most edits leave the graph's shape alone (a Parameters or Comment
 * typed in the code view, a position dragged) yet give a new document and graph, and undo/redo go back to a
 * shape already laid out. ELK is deterministic, so the same input gets the same answer without asking again.
 * Beyond this page, layoutCache.ts keeps ELK's answers across visits.
 */
interface Entry {
  readonly layout: Promise<Layout>;
  /** Settles once the browser's cache has been asked (done is set first if it had the answer). */
  readonly lookedUp: Promise<void>;
  done: boolean;
}
const recent = new Map<string, Entry>();
const RECENT_LAYOUTS = 4;

/**
 * Every node's automatic box, relative to its parent group (group sizes included), and every edge's route.
 * `whileElkWorks` is called
 * (once, soon) when the answer is neither at hand nor in the browser's cache and ELK has to be waited for: the
 * canvas draws a provisional layout meanwhile.
 */
export function autoLayout(graph: AslGraph, whileElkWorks?: () => void): Promise<Layout> {
  const input = toElkGraph(graph);
  const json = JSON.stringify(input);
  let entry = recent.get(json);
  if (entry) recent.delete(json); // most recently used last
  else entry = layOut(input, json, () => recent.delete(json));
  recent.set(json, entry);
  for (const oldest of recent.keys()) {
    if (recent.size <= RECENT_LAYOUTS) break;
    recent.delete(oldest);
  }
  const asked = entry;
  if (whileElkWorks) void asked.lookedUp.then(() => asked.done || whileElkWorks());
  return entry.layout;
}

function layOut(input: ElkNode, json: string, forget: () => void): Entry {
  const key = layoutKey(json, elkWorkerUrl).catch(() => undefined);
  const cached = key.then((k) => (k === undefined ? undefined : readCachedLayout(k)));
  const entry: Entry = {
    done: false,
    lookedUp: cached.then((layout) => {
      if (layout) entry.done = true;
    }),
    layout: cached.then(
      (layout) =>
        layout ??
        loadLayoutEngine()
          .then((engine) => engine.layout(input))
          .then((laidOut) => ({ boxes: readElkLayout(laidOut), routes: readElkRoutes(laidOut) }))
          .then(async (laidOut) => {
            const k = await key;
            if (k !== undefined) void storeLayout(k, laidOut);
            return laidOut;
          }),
    ),
  };
  entry.layout.then(() => (entry.done = true), forget);
  return entry;
}
