/**
 * The graph as an image file: the whole graph, not just the part in view, drawn by html-to-image (SVG through
 * a foreignObject, PNG through a canvas) from React Flow's viewport element, at scale 1 (smaller when the
 * graph would pass MAX_SIDE pixels), then downloaded.
 *
 * Two things html-to-image does not do on its own, done here:
 * - It copies the computed style of HTML elements, but clones an <svg> as it is, so the edges, styled by the
 *   stylesheet (stroke, dashes, label colours), would come out invisible: their computed SVG styles are set
 *   inline for the export and put back after it.
 * - Above a few hundred states the canvas draws only what is in view; the graph is fitted into view first
 *   (every node drawn), and the viewport put back after.
 */
import { getNodesBounds, type Node, type ReactFlowInstance, type Rect } from "@xyflow/react";
import { toPng, toSvg } from "html-to-image";

const PADDING = 24;
const MAX_SIDE = 8000; // pixels of the image (before the PNG's pixel ratio); browsers refuse much larger canvases
const SVG_STYLE = ["stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap",
  "stroke-linejoin", "fill", "fill-opacity", "opacity", "visibility", "font-family", "font-size", "font-weight"];

export type ImageSize = { width: number; height: number; scale: number };

/** The image's size and scale for graph bounds: padded, at scale 1 unless a side would pass MAX_SIDE. */
export function imageSize(bounds: Rect, maxSide: number = MAX_SIDE): ImageSize {
  const width = bounds.width + 2 * PADDING;
  const height = bounds.height + 2 * PADDING;
  const scale = Math.min(1, maxSide / Math.max(width, height, 1));
  return { width: Math.ceil(width * scale), height: Math.ceil(height * scale), scale };
}

export async function downloadGraphImage(
  root: HTMLElement, flow: ReactFlowInstance<Node>, format: "svg" | "png", basename: string,
): Promise<void> {
  const nodes = flow.getNodes();
  if (nodes.length === 0) throw new Error("There is no graph to export");
  const viewportElement = root.querySelector<HTMLElement>(".react-flow__viewport");
  if (!viewportElement) throw new Error("There is no graph to export");
  const bounds = getNodesBounds(nodes.filter((node) => !node.parentId));
  const size = imageSize(bounds);

  const viewport = flow.getViewport();
  await flow.fitView({ duration: 0 });
  await nextFrames(2); // React draws the nodes that came into view
  const restoreStyles = inlineSvgStyles(viewportElement);
  try {
    const options = {
      backgroundColor: "#ffffff",
      skipFonts: true,
      width: size.width,
      height: size.height,
      style: {
        width: `${size.width}px`,
        height: `${size.height}px`,
        transform: `translate(${(PADDING - bounds.x) * size.scale}px, ${(PADDING - bounds.y) * size.scale}px) scale(${size.scale})`,
      },
    };
    const url = format === "svg" ? await toSvg(viewportElement, options) : await toPng(viewportElement, { ...options, pixelRatio: 2 });
    download(url, `${basename}.${format}`);
  } finally {
    restoreStyles();
    await flow.setViewport(viewport, { duration: 0 });
  }
}

/** Sets the computed SVG styles of every element inside an <svg> under `root` inline; returns the undo. (Through
 * the CSSOM: the page's Content Security Policy refuses style attributes written as text.) */
function inlineSvgStyles(root: HTMLElement): () => void {
  const added: Array<[SVGElement, string]> = [];
  for (const element of root.querySelectorAll<SVGElement>("svg *")) {
    const computed = getComputedStyle(element);
    for (const name of SVG_STYLE) {
      if (element.style.getPropertyValue(name)) continue; // set inline already (React Flow's markers)
      element.style.setProperty(name, computed.getPropertyValue(name));
      added.push([element, name]);
    }
  }
  return () => {
    for (const [element, name] of added) element.style.removeProperty(name);
  };
}

function nextFrames(count: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(count);
  });
}

export function download(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}
