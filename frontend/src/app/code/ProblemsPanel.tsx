/**
 * The definition's problems as a list: the JSON error, then the validator's diagnostics grouped by the state
 * they concern (the canvas marks the same states). Shown under the code view; a state's name is a button that
 * shows that state on the graph (`onShow`: select it and bring it into view).
 */
import { parsePointer } from "../../asl";
import { currentDiagnostics, MACHINE } from "./diagnostics";
import type { DefinitionSnapshot } from "./definitionStore";

export function ProblemsPanel({ snapshot, onShow }: { snapshot: DefinitionSnapshot; onShow?: (state: string) => void }) {
  const { syntaxError, validation, document, documentText, text } = snapshot;
  const fresh = validation !== null && validation.text === documentText && document !== null;
  const groups = [...currentDiagnostics(snapshot)];
  const count = (syntaxError ? 1 : 0) + groups.reduce((sum, [, list]) => sum + list.length, 0);
  return (
    <section className="problems" aria-label="Problems">
      <h2 className="problems__title">
        {count === 0 ? (fresh && validation.text === text ? "No problems" : "Problems") : `Problems (${count})`}
      </h2>
      <ul>
        {syntaxError && (
          <li className="problems__item problems__item--error">JSON: {syntaxError.message}</li>
        )}
        {groups.map(([state, list]) =>
          list.map((diagnostic, index) => {
            const name = state === MACHINE ? "Machine" : String(parsePointer(state).at(-1));
            return (
              <li
                key={`${state}#${index}`}
                className={`problems__item problems__item--${diagnostic.severity.toLowerCase()}`}
                data-state={state}
              >
                {state !== MACHINE && onShow ? (
                  <button type="button" className="problems__state" title="Show on the graph" aria-label={`Show ${name} on the graph`}
                    onClick={() => onShow(state)}>
                    {name}
                  </button>
                ) : (
                  <strong>{name}</strong>
                )}
                : {diagnostic.code}: {diagnostic.message}
              </li>
            );
          }),
        )}
      </ul>
    </section>
  );
}
