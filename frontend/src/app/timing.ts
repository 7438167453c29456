/**
 * User Timing marks of the designer's first load, for bench/designer.py (and the browser's performance panel).
 *
 * Each mark is recorded once per page, the first time its moment comes: later edits, undo or a second layout
 * must not move them. Their start times count from the navigation's start (performance.timeOrigin), so the
 * benchmark reads "time to interactive" straight off `designer:interactive`. The phases, in order:
 *
 *   designer:boot      the bundle runs (the Designer asks for the machine and its layout record)
 *   designer:fetched   both answers are in
 *   designer:imported  the definition is parsed and the stores are built
 *   designer:graph     (measure) src/asl's graph built from the document
 *   designer:layout-start / designer:layout-end   elk's automatic layout
 *   designer:provisional  (measure) a large machine's provisional layout, drawn while elk works (Canvas.tsx)
 *   designer:interactive  the first laid-out nodes (provisional or elk's) are rendered and painted: the page is
 *                      usable (also `data-interactive` on the canvas)
 *   designer:ready     elk's laid-out nodes are rendered and painted (also `data-ready` on the canvas); for a
 *                      machine drawn without a provisional layout, the same moment as designer:interactive
 *   designer:code      (measure) the code view's editor created
 *
 * Marks cost microseconds; nothing here runs more than once per name.
 */
const recorded = new Set<string>();
const pending = new Set<string>();

export function markOnce(name: string): void {
  if (recorded.has(name)) return;
  recorded.add(name);
  performance.mark(name);
}

/** Runs `work`; the first time `name` is seen, its duration becomes a performance measure. */
export function measureOnce<T>(name: string, work: () => T): T {
  if (recorded.has(name)) return work();
  recorded.add(name);
  const start = performance.now();
  try {
    return work();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

/**
 * Marks `name` once the frame now being prepared has been painted: requestAnimationFrame runs just before that
 * frame's style, layout and paint, and a task queued from it runs after them.
 */
export function markAfterPaint(name: string, then?: () => void): void {
  if (recorded.has(name) || pending.has(name)) return;
  pending.add(name);
  requestAnimationFrame(() =>
    setTimeout(() => {
      markOnce(name);
      then?.();
    }, 0),
  );
}
