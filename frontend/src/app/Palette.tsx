import { memo } from "react";
import { TEMPLATE_MIME, TEMPLATES, type StateTemplate } from "./templates";

/**
 * Every state type and the task templates, each a button that can be dragged onto the canvas (into a branch
 * or processor, or onto an edge to insert it there) or pressed to add the state to the workflow.
 */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (template: StateTemplate) => void }) {
  const groups: StateTemplate["group"][] = ["State", "Task"];
  return (
    <nav className="palette" aria-label="Palette">
      {groups.map((group) => (
        <section key={group} aria-label={group === "State" ? "State types" : "Task templates"}>
          <h2 className="palette__heading">{group === "State" ? "States" : "Tasks"}</h2>
          <ul className="palette__list">
            {TEMPLATES.filter((template) => template.group === group).map((template) => (
              <li key={template.id}>
                <button
                  type="button"
                  className={`palette__item palette__item--${group.toLowerCase()}`}
                  draggable
                  aria-label={`Add ${template.label}${group === "Task" ? " task" : " state"}`}
                  title={template.description}
                  onDragStart={(event) => {
                    event.dataTransfer.setData(TEMPLATE_MIME, template.id);
                    event.dataTransfer.effectAllowed = "copy";
                  }}
                  onClick={() => onAdd(template)}
                >
                  {template.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
});
