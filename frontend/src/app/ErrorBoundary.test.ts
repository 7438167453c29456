// The boundary's own rules (no DOM here: renderToStaticMarkup has no error boundaries, so the statics are
// called directly); the browser test test_designer_inspector.py sees it catch a real render error.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ErrorBoundary, ErrorMessage } from "./ErrorBoundary";

describe("ErrorBoundary", () => {
  it("keeps the error until the reset key changes", () => {
    const error = new Error("boom");
    const failed = { resetKey: "a", ...ErrorBoundary.getDerivedStateFromError(error) };
    expect(failed.error).toBe(error);
    expect(ErrorBoundary.getDerivedStateFromProps({ what: "x", resetKey: "a", children: null }, failed)).toBeNull();
    expect(ErrorBoundary.getDerivedStateFromProps({ what: "x", resetKey: "b", children: null }, failed)).toEqual({ resetKey: "b", error: undefined });
    expect(ErrorBoundary.getDerivedStateFromError("not an Error").error?.message).toBe("not an Error");
  });

  it("says what failed and why, as an alert with a way to retry", () => {
    const html = renderToStaticMarkup(createElement(ErrorMessage, { what: "The inspector could not show this state", message: "x.map is not a function", onRetry: () => {} }));
    expect(html).toContain('role="alert"');
    expect(html).toContain("The inspector could not show this state: x.map is not a function");
    expect(html).toContain(">Try again</button>");
  });
});
