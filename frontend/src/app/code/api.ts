/**
 * The REST calls the code view and the toolbar make, with the session cookie and Django's CSRF token.
 *
 * The token is read from the page's own forms (base.html's logout form carries `csrfmiddlewaretoken`), as
 * home.js does: the cookie's name depends on the deployment (__Host- prefix behind HTTPS).
 */
import type { MachineRef } from "../machine";
import type { ServerDiagnostic } from "./diagnostics";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function csrfToken(): string {
  const input = document.querySelector<HTMLInputElement>('input[name="csrfmiddlewaretoken"]');
  return input?.value ?? "";
}

/** The error text of a Flowdeck answer: AWS shape {"__type", "message"} or DRF's {"detail"}. */
function reason(body: unknown, status: number): string {
  if (body && typeof body === "object") {
    const fields = body as { message?: unknown; detail?: unknown; __type?: unknown };
    const text = fields.message ?? fields.detail;
    if (typeof text === "string") return typeof fields.__type === "string" ? `${fields.__type}: ${text}` : text;
  }
  return `HTTP ${status}`;
}

/** POSTs `payload` and answers the response body as a file (a Blob), or throws ApiError with the server's reason. */
async function postForFile(url: string, payload: unknown): Promise<Blob> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
    body: JSON.stringify(payload),
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(reason(body, response.status), response.status, body);
  }
  return response.blob();
}

export async function request<T>(url: string, method = "GET", payload?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(reason(body, response.status), response.status, body);
  return body as T;
}

export interface Validation {
  result: "OK" | "FAIL";
  diagnostics: ServerDiagnostic[];
}

/** The validator's verdict on `definition` (POST /api/validate). */
export function validateDefinition(definition: string): Promise<Validation> {
  return request<Validation>("/api/validate", "POST", { definition });
}

export interface MachineState {
  name: string;
  definition: string;
  revision_id: string;
}

export interface Draft extends Validation {
  definition: string;
  base_revision_id: string | null;
  updated_at: string;
}

export interface Revision {
  revision_id: string;
  definition: string;
  created_at: string;
}

export interface Version {
  number: number;
  arn: string;
  revision_id: string;
  description: string;
  created_at: string;
}

const sub = (machine: MachineRef, path: string) => `${machine.apiUrl}${path}`;

export const api = {
  machine: (machine: MachineRef) => request<MachineState>(machine.apiUrl),
  save: (machine: MachineRef, definition: string) => request<MachineState>(machine.apiUrl, "PATCH", { definition }),
  draft: (machine: MachineRef) => request<{ draft: Draft | null }>(sub(machine, "draft/")),
  saveDraft: (machine: MachineRef, definition: string, baseRevisionId?: string) =>
    request<{ draft: Draft }>(sub(machine, "draft/"), "PUT", { definition, base_revision_id: baseRevisionId ?? null }),
  discardDraft: (machine: MachineRef) => request<null>(sub(machine, "draft/"), "DELETE"),
  revisions: (machine: MachineRef) => request<Revision[]>(sub(machine, "revisions/")),
  revision: (machine: MachineRef, id: string) => request<Revision>(sub(machine, `revisions/${encodeURIComponent(id)}/`)),
  versions: (machine: MachineRef) => request<Version[]>(sub(machine, "versions/")),
  publish: (machine: MachineRef, revisionId: string) =>
    request<Version>(sub(machine, "versions/"), "POST", { revision_id: revisionId }),
  /** The definition being edited (saved or not) as a JSON or YAML file: the server converts, stores nothing. */
  exportFile: (machine: MachineRef, format: "json" | "yaml", definition: string) =>
    postForFile(sub(machine, `export/?format=${format}`), { definition }),
};
