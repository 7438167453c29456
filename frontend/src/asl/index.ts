/**
 * The designer's ASL core: no React, no DOM. An order-keeping JSON model (json.ts, pointer.ts), the definition
 * and its scopes (document.ts), the graph the canvas draws (graph.ts), edits (edit.ts), undo/redo
 * (history.ts), the elkjs layout input and layout record (layout.ts) and a quick provisional layout
 * (provisional.ts).
 */
export * from "./json";
export * from "./pointer";
export * from "./document";
export * from "./graph";
export * from "./edit";
export * from "./history";
export * from "./layout";
export * from "./provisional";
export * from "./routes";
