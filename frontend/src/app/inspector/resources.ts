/**
 * A Task's Resource in words: the resources the palette's task templates use (offered as suggestions in the
 * Resource field, which still takes any text) and a readable description of whatever ARN the field holds.
 */
import { stringField } from "../../asl";
import { TEMPLATES, type TemplateEnv } from "../templates";

export interface KnownResource {
  readonly resource: string;
  readonly label: string;
}

/** The task templates' resources, one per resource, labelled by their template. */
export function knownResources(env: TemplateEnv): KnownResource[] {
  const seen = new Set<string>();
  const out: KnownResource[] = [];
  for (const template of TEMPLATES) {
    if (template.group !== "Task") continue;
    // (task templates nest no states and add none beside them: the name callbacks are never used)
    const resource = stringField(template.build(env, (base) => base, { placeholder: (base) => base, jsonata: false }), "Resource");
    if (resource === undefined || seen.has(resource)) continue;
    seen.add(resource);
    out.push({ resource, label: `${template.label}: ${template.description.replace(/^Task: /, "")}` });
  }
  return out;
}

const PATTERNS: readonly [RegExp, (match: RegExpMatchArray) => string][] = [
  [/^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::(.+))?$/, (m) => `Python function ${m[1]}${m[2] ? ` (${m[2]})` : ""}`],
  [/^arn:[^:]+:states:[^:]*:[^:]*:activity:(.+)$/, (m) => `Activity ${m[1]}, done by an activity worker`],
  [/^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/, () => "Calls a function with a task token and waits for the answer"],
  [/^arn:[^:]+:states:::lambda:invoke$/, () => "Calls a function (FunctionName in the input)"],
  [/^arn:[^:]+:states:::http:invoke$/, () => "Calls an HTTP API through a connection"],
  [/^arn:flowdeck:states:::xmlrpc:call$/, () => "Calls an XML-RPC method through a connection"],
  [/^arn:[^:]+:states:::states:startExecution\.sync(?::2)?$/, () => "Runs another state machine and waits for it"],
  [/^arn:[^:]+:states:::states:startExecution$/, () => "Starts another state machine (does not wait)"],
  [/^arn:[^:]+:states:::states:startExecution\.waitForTaskToken$/, () => "Starts another state machine and waits for a task token"],
];

/** What the Resource runs, in words; undefined when it is not one Flowdeck knows. */
export function describeResource(resource: string): string | undefined {
  for (const [pattern, describe] of PATTERNS) {
    const match = resource.match(pattern);
    if (match) return describe(match);
  }
  return undefined;
}
