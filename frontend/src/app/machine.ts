/**
 * The machine the page is about, as the Django template hands it over (data- attributes on the root element:
 * the page has no inline script), and its layout record through the REST API (the definition's calls are in
 * code/api.ts).
 */
import { request } from "./code/api";

export type MachineRef = { name: string; arn: string; apiUrl: string; canEdit: boolean };

export function machineFromElement(element: HTMLElement): MachineRef {
  const { machineName, machineArn, apiUrl, canEdit } = element.dataset;
  if (!machineName || !apiUrl) {
    throw new Error("the designer's root element needs data-machine-name and data-api-url");
  }
  return { name: machineName, arn: machineArn ?? "", apiUrl, canEdit: canEdit === "true" };
}

const layoutUrl = (machine: MachineRef) => `${machine.apiUrl.replace(/\/?$/, "/")}layout/`;

/** GET the layout record's positions ({} before anyone saved one). */
export async function fetchLayout(machine: MachineRef): Promise<unknown> {
  const body = await request<{ positions?: unknown }>(layoutUrl(machine));
  return body?.positions ?? {};
}

/** PUT the layout record: where the user dragged nodes, by node id. Never part of the definition. */
export async function saveLayout(machine: MachineRef, positions: Readonly<Record<string, { x: number; y: number }>>): Promise<void> {
  await request(layoutUrl(machine), "PUT", { positions });
}
