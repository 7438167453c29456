/**
 * What every part of the inspector is handed: one state of the definition, and a way to replace it.
 *
 * The inspector (Inspector.tsx) owns the selection and the store; the editors below it (sections, the Choice rule
 * builder, the Retry and Catch lists) only see the state's JSON and call `onChange` with the next version of it.
 * `onChange` is one undo step, so editors call it when a value is finished (blur, Enter, a select's change, a
 * checkbox), never per keystroke. Editors build the next object with src/asl's setField / removeField, so the
 * fields they do not know survive and the existing keys keep their place (new ones are appended).
 */
import type { JsonObject } from "../../asl";

export interface StateEditorProps {
  /** The state's pointer in the document (src/asl/document.ts statePointer), e.g. `/States/Check amount`. */
  readonly pointer: string;
  /** The state as it is now. */
  readonly state: JsonObject;
  /** The query language in force for this state: its own QueryLanguage, else the machine's, else JSONPath. */
  readonly queryLanguage: "JSONPath" | "JSONata";
  /** Names of the states this state may point at (its own scope's), for Next / Default / rule and Catch targets. */
  readonly targets: readonly string[];
  /** Replaces the state with `next` as one undo step. */
  readonly onChange: (next: JsonObject) => void;
  readonly readOnly: boolean;
}
