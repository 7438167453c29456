import { describe, expect, it } from "vitest";
import { imageSize, pngPixelRatio } from "./exportImage";

describe("graph image size", () => {
  it("pads the graph's bounds, in graph units", () => {
    expect(imageSize({ x: -40, y: 10, width: 300, height: 500.5 })).toEqual({ width: 348, height: 549 });
  });

  it("draws a PNG at twice the size, less when its longer side would pass the limit", () => {
    expect(pngPixelRatio({ width: 348, height: 548 })).toBe(2);
    expect(pngPixelRatio({ width: 1000, height: 20_000 }, 8000)).toBeCloseTo(0.4);
    expect(pngPixelRatio({ width: 0, height: 0 })).toBe(2);
  });
});
