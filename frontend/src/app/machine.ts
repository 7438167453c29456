/**
 * The machine the page is about, as the Django template hands it over (data- attributes on the root element:
 * the page has no inline script), and its definition from the REST API.
 */
import type { AslDefinition } from "./definitionGraph";

export type MachineRef = { name: string; arn: string; apiUrl: string; canEdit: boolean };

export function machineFromElement(element: HTMLElement): MachineRef {
  const { machineName, machineArn, apiUrl, canEdit } = element.dataset;
  if (!machineName || !apiUrl) {
    throw new Error("the designer's root element needs data-machine-name and data-api-url");
  }
  return { name: machineName, arn: machineArn ?? "", apiUrl, canEdit: canEdit === "true" };
}

/** GET /api/state-machines/<name>/ with the session cookie; its `definition` is ASL as JSON text. */
export async function fetchDefinition(machine: MachineRef): Promise<AslDefinition> {
  const response = await fetch(machine.apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw new Error(`loading ${machine.name} failed: HTTP ${response.status}`);
  }
  const body: { definition?: string } = await response.json();
  if (typeof body.definition !== "string") {
    throw new Error(`the API's answer for ${machine.name} has no definition`);
  }
  return JSON.parse(body.definition) as AslDefinition;
}
