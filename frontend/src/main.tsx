// The designer's entry: Django's design page (/machines/<name>/design/) loads this bundle and provides
// <div id="designer" data-machine-name=... data-api-url=... data-can-edit=...>.
import "@xyflow/react/dist/style.css";
import "./app/designer.css";
import "./app/code/code.css";
import "./app/toolbar/toolbar.css";
import "./app/inspector/inspector.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Designer } from "./app/Designer";
import { machineFromElement } from "./app/machine";

const root = document.getElementById("designer");
if (root === null) {
  throw new Error("the designer page has no #designer element");
}
createRoot(root).render(
  <StrictMode>
    <Designer machine={machineFromElement(root)} />
  </StrictMode>,
);
