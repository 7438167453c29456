/**
 * The graph as an image file: the whole graph, not just the part in view, drawn by html-to-image (SVG through
 * a foreignObject, PNG through a canvas) from React Flow's viewport element, then downloaded. The SVG is at
 * scale 1; the PNG at twice that for sharp text, smaller when its longer side would pass MAX_SIDE pixels.
 *
 * What html-to-image does not do on its own, done here:
 * - It copies the computed style of HTML elements, but clones an <svg> as it is, so the edges, styled by the
 *   stylesheet (stroke, dashes, label colours), would come out invisible: their computed SVG styles are set
 *   inline for the export and taken off after it.
 * - Above a few hundred states the canvas draws only what is in view: it is asked to draw everything first.
 * - It copies every computed property of every element (hundreds each): only those that the nodes' look
 *   depends on are copied (STYLE), which keeps a 2,000-state SVG tens of megabytes smaller and the export faster.
 */
import { getNodesBounds, type Node, type ReactFlowInstance, type Rect } from "@xyflow/react";
import { toPng, toSvg } from "html-to-image";

const PADDING = 24;
const MAX_SIDE = 8000; // pixels on the PNG's longer side: browsers refuse much larger canvases
const SVG_STYLE = ["stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap",
  "stroke-linejoin", "fill", "fill-opacity", "opacity", "visibility", "font-family", "font-size", "font-weight"];
const BOX = ["top", "right", "bottom", "left"];
const STYLE = [
  "display", "position", "box-sizing", "z-index", "overflow-x", "overflow-y", "visibility", "opacity",
  "width", "height", "min-width", "min-height", "max-width", "max-height", ...BOX,
  ...BOX.map((side) => `margin-${side}`), ...BOX.map((side) => `padding-${side}`),
  ...BOX.flatMap((side) => [`border-${side}-width`, `border-${side}-style`, `border-${side}-color`]),
  "border-top-left-radius", "border-top-right-radius", "border-bottom-left-radius", "border-bottom-right-radius",
  "outline-width", "outline-style", "outline-color", "outline-offset", "box-shadow",
  "background-color", "background-image", "color",
  "flex-direction", "flex-wrap", "flex-grow", "flex-shrink", "flex-basis", "align-items", "align-self",
  "justify-content", "row-gap", "column-gap", "order",
  "font-family", "font-size", "font-style", "font-weight", "line-height", "letter-spacing", "text-align",
  "text-transform", "text-decoration-line", "text-overflow", "white-space", "word-break", "overflow-wrap",
  "vertical-align", "transform", "transform-origin", "translate", "direction",
  ...SVG_STYLE,
];

export type ImageSize = { width: number; height: number };

/** The image's size for graph bounds: padded, in graph units. */
export function imageSize(bounds: Rect): ImageSize {
  return { width: Math.ceil(bounds.width + 2 * PADDING), height: Math.ceil(bounds.height + 2 * PADDING) };
}

/** How many PNG pixels per graph unit: 2, fewer for a graph whose longer side would pass `maxSide` pixels. */
export function pngPixelRatio(size: ImageSize, maxSide: number = MAX_SIDE): number {
  return Math.min(2, maxSide / Math.max(size.width, size.height, 1));
}

export async function downloadGraphImage(
  root: HTMLElement, flow: ReactFlowInstance<Node>, format: "svg" | "png", basename: string,
  drawEverything: (on: boolean) => void,
): Promise<void> {
  const nodes = flow.getNodes();
  const viewportElement = root.querySelector<HTMLElement>(".react-flow__viewport");
  if (nodes.length === 0 || !viewportElement) throw new Error("There is no graph to export");
  const bounds = getNodesBounds(nodes.filter((node) => !node.parentId));
  const size = imageSize(bounds);

  drawEverything(true);
  let restoreStyles = () => {};
  try {
    await nextFrames(2); // React draws the nodes out of view
    restoreStyles = inlineSvgStyles(viewportElement);
    const options = {
      backgroundColor: "#ffffff",
      skipFonts: true,
      includeStyleProperties: STYLE,
      ...size,
      style: { ...px(size), transform: `translate(${PADDING - bounds.x}px, ${PADDING - bounds.y}px)` },
    };
    const url = format === "svg"
      ? await toSvg(viewportElement, options)
      : await toPng(viewportElement, { ...options, pixelRatio: pngPixelRatio(size) });
    download(url, `${basename}.${format}`);
  } finally {
    restoreStyles();
    drawEverything(false);
  }
}

function px({ width, height }: ImageSize): Partial<CSSStyleDeclaration> {
  return { width: `${width}px`, height: `${height}px` };
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
