/**
 * Two panes side by side with a draggable separator (pointer or arrow keys), the graph on the left and the
 * code on the right. The left pane's share is kept in localStorage so it survives a reload; by default the
 * graph (with the palette beside it) takes most of the width, the code view is there to read and type in.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from "react";

const KEY = "flowdeck.designer.split";
const DEFAULT_SHARE = 63;
const clamp = (value: number) => Math.min(85, Math.max(15, value));

function initialShare(): number {
  const stored = Number(window.localStorage.getItem(KEY));
  return Number.isFinite(stored) && stored > 0 ? clamp(stored) : DEFAULT_SHARE;
}

export function SplitPane({ left, right }: { left: ReactNode; right: ReactNode }) {
  const [share, setShare] = useState(initialShare);
  const container = useRef<HTMLDivElement>(null);

  const commit = useCallback((value: number) => {
    const next = clamp(value);
    setShare(next);
    window.localStorage.setItem(KEY, String(Math.round(next)));
  }, []);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!event.currentTarget.hasPointerCapture(event.pointerId) || !container.current) return;
    const box = container.current.getBoundingClientRect();
    commit(((event.clientX - box.left) / box.width) * 100);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "ArrowLeft") commit(share - 5);
    else if (event.key === "ArrowRight") commit(share + 5);
    else return;
    event.preventDefault();
  };

  return (
    <div className="split" ref={container}>
      <div className="split__pane" style={{ flexBasis: `${share}%` }}>
        {left}
      </div>
      <div
        className="split__separator"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize graph and code"
        aria-valuemin={15}
        aria-valuemax={85}
        aria-valuenow={Math.round(share)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onKeyDown={onKeyDown}
      />
      <div className="split__pane split__pane--rest">{right}</div>
    </div>
  );
}
