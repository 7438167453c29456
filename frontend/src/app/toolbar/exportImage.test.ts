import { describe, expect, it } from "vitest";
import { imageSize } from "./exportImage";

describe("imageSize", () => {
  it("pads the graph's bounds at scale 1", () => {
    expect(imageSize({ x: -40, y: 10, width: 300, height: 500 })).toEqual({ width: 348, height: 548, scale: 1 });
  });

  it("scales a graph down so that its longer side fits", () => {
    const size = imageSize({ x: 0, y: 0, width: 952, height: 19_952 }, 2000);
    expect(size.scale).toBeCloseTo(0.1);
    expect(size.height).toBe(2000);
    expect(size.width).toBe(100);
  });
});
