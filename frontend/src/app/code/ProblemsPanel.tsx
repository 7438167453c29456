/**
 * The definition's problems as a list: the JSON error, then the validator's diagnostics grouped by the state
 * they concern (the canvas marks the same states). Shown under the code view.
 */
import { parsePointer } from "../../asl";
import { diagnosticsByState, MACHINE } from "./diagnostics";
import type { DefinitionSnapshot } from "./definitionStore";

export function ProblemsPanel({ snapshot }: { snapshot: DefinitionSnapshot }) {
  const { syntaxError, validation, document, documentText, text } = snapshot;
  const fresh = validation !== null && validation.text === documentText && document !== null;
  const groups = fresh ? [...diagnosticsByState(document, validation.diagnostics)] : [];
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
          list.map((diagnostic, index) => (
            <li
              key={`${state}#${index}`}
              className={`problems__item problems__item--${diagnostic.severity.toLowerCase()}`}
              data-state={state}
            >
              <strong>{state === MACHINE ? "Machine" : parsePointer(state).at(-1)}</strong>: {diagnostic.code}:{" "}
              {diagnostic.message}
            </li>
          )),
        )}
      </ul>
    </section>
  );
}
