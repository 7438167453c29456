/**
 * The pane beside the graph: two tabs, the Inspector and the Code view (with its problems list). Both stay
 * mounted and the hidden one is only hidden, so the code editor keeps its text, cursor and undo history
 * while the inspector is shown (WAI-ARIA tabs: arrow keys, Home and End move between the tabs).
 */
import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface Tab {
  readonly id: string;
  readonly label: string;
  readonly content: ReactNode;
}

export function SidePanel({ tabs, label }: { tabs: readonly Tab[]; label: string }) {
  const base = useId();
  const [active, setActive] = useState(tabs[0].id);
  const buttons = useRef(new Map<string, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === active);
    const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    setActive(next.id);
    buttons.current.get(next.id)?.focus();
  };

  return (
    <div className="side-panel">
      <div role="tablist" aria-label={label} className="side-panel__tabs" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => void (element ? buttons.current.set(tab.id, element) : buttons.current.delete(tab.id))}
            type="button"
            role="tab"
            id={`${base}-${tab.id}-tab`}
            aria-selected={tab.id === active}
            aria-controls={`${base}-${tab.id}-panel`}
            tabIndex={tab.id === active ? 0 : -1}
            className="side-panel__tab"
            onClick={() => setActive(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${base}-${tab.id}-panel`}
          aria-labelledby={`${base}-${tab.id}-tab`}
          className="side-panel__panel"
          tabIndex={0}
          hidden={tab.id !== active}
        >
          {tab.content}
        </div>
      ))}
    </div>
  );
}
