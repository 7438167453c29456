/**
 * The graph as an image file: the canvas's React Flow element drawn by html-to-image (SVG through a
 * foreignObject, PNG through a canvas), without the minimap and zoom controls, then downloaded.
 */
import { toPng, toSvg } from "html-to-image";

const LEAVE_OUT = ["react-flow__minimap", "react-flow__controls", "react-flow__panel", "react-flow__attribution"];

export async function downloadGraphImage(flow: HTMLElement, format: "svg" | "png", basename: string): Promise<void> {
  const options = {
    backgroundColor: "#ffffff",
    skipFonts: true,
    filter: (node: HTMLElement) => !(node.classList && LEAVE_OUT.some((name) => node.classList.contains(name))),
  };
  const url = format === "svg" ? await toSvg(flow, options) : await toPng(flow, { ...options, pixelRatio: 2 });
  download(url, `${basename}.${format}`);
}

export function download(url: string, filename: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}
