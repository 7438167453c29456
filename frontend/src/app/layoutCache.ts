/**
 * ELK's answers kept in the browser, so that reopening a machine whose graph has not changed skips ELK (seconds
 * for a large machine). Keyed by a SHA-256 of ELK's input, the ELK graph as JSON (every node, size, edge and
 * layout option), together with the URL of ELK's worker script, which is content-hashed by the build: a new
 * elkjs, or new layout options, give new keys. ELK is deterministic, so an answer for the same key is the answer
 * ELK would give again.
 *
 * IndexedDB, one small database; the most recently stored KEEP answers are kept. A cache is a convenience:
 * every failure (no IndexedDB, no crypto.subtle outside a secure context, a private window, a full disk, a
 * blocked upgrade) reads as a miss and is otherwise ignored.
 */
import type { Layout } from "./layout";

const DATABASE = "flowdeck-designer-layouts";
const STORE = "layouts";
const KEEP = 30;

/** A stored answer: boxes as [id, x, y, width, height], routes as [id, x0, y0, x1, y1, …]. */
type Row = { key: string; stored: number; boxes: [string, number, number, number, number][]; routes: [string, ...number[]][] };

/** The cache key for ELK's input (as JSON) run by a given ELK (its worker script's URL); undefined without crypto.subtle. */
export async function layoutKey(inputJson: string, engine: string): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(`${engine}\n${inputJson}`));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

let database: Promise<IDBDatabase | undefined> | undefined;

/** Opens the cache (once): called as the page boots, so the database is open by the time a layout is asked for. */
export function openLayoutCache(): Promise<IDBDatabase | undefined> {
  database ??= new Promise<IDBDatabase | undefined>((resolve) => {
    try {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("stored", "stored");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
      request.onblocked = () => resolve(undefined);
    } catch {
      resolve(undefined); // no IndexedDB here (or it refuses this page)
    }
  });
  return database;
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The stored answer for `key`, or undefined (never rejects). */
export async function readCachedLayout(key: string): Promise<Layout | undefined> {
  try {
    const db = await openLayoutCache();
    if (!db) return undefined;
    const row = (await settle(db.transaction(STORE).objectStore(STORE).get(key))) as Row | undefined;
    if (!row || !Array.isArray(row.boxes) || !Array.isArray(row.routes)) return undefined;
    return {
      boxes: new Map(row.boxes.map(([id, x, y, width, height]) => [id, { x, y, width, height }])),
      routes: new Map(row.routes.map(([id, ...xy]) => [id, Array.from({ length: xy.length / 2 }, (_, i) => ({ x: xy[2 * i], y: xy[2 * i + 1] }))])),
    };
  } catch {
    return undefined;
  }
}

/** Stores ELK's answer under `key`, dropping the oldest beyond KEEP (never rejects). */
export async function storeLayout(key: string, { boxes, routes }: Layout): Promise<void> {
  try {
    const db = await openLayoutCache();
    if (!db) return;
    const row: Row = {
      key,
      stored: Date.now(),
      boxes: Array.from(boxes, ([id, b]) => [id, b.x, b.y, b.width, b.height]),
      routes: Array.from(routes, ([id, points]) => [id, ...points.flatMap((p) => [p.x, p.y])]),
    };
    const store = db.transaction(STORE, "readwrite").objectStore(STORE);
    await settle(store.put(row));
    let surplus = (await settle(store.count())) - KEEP;
    if (surplus <= 0) return;
    const cursors = store.index("stored").openCursor(); // oldest first
    await new Promise<void>((resolve, reject) => {
      cursors.onerror = () => reject(cursors.error);
      cursors.onsuccess = () => {
        const cursor = cursors.result;
        if (!cursor || surplus-- <= 0) return resolve();
        cursor.delete();
        cursor.continue();
      };
    });
  } catch {
    // a cache that cannot be written is only a slower next visit
  }
}
