/**
 * What the palette offers: every ASL state type and a Task per integration Flowdeck runs (a Python function,
 * an activity, a callback with a task token, HTTP, XML-RPC, a nested workflow). A template is a function of the
 * names it needs (Parallel and Map come with a first state in their branch or processor, and state names are
 * unique machine-wide) and of the installation's region and account, read from the machine's ARN. A Choice
 * comes with one rule and a Default, each leading to a placeholder Pass state (as Workflow Studio draws a new
 * Choice with a rule and a Default branch): valid ASL at once, and the placeholders say what they are for.
 */
import { fromPlain, isObject, type JsonObject } from "../asl";

export interface StateTemplate {
  readonly id: string;
  /** What the palette shows and the state's first name. */
  readonly label: string;
  readonly group: "State" | "Task";
  readonly description: string;
  /** The state; `fresh(base)` gives unused names for states it nests. */
  build(env: TemplateEnv, fresh: (base: string) => string, beside: Beside): JsonObject;
}

/** What a template may add beside its state, in the same scope. */
export interface Beside {
  /**
   * An unused name for a placeholder state (a Pass that ends) added beside the new state, if the new state still
   * leads there once placed (inserted on an edge, a Choice's Default takes the edge's target instead).
   */
  placeholder(base: string, comment: string): string;
  /** The machine's QueryLanguage is JSONata (rules are Conditions). */
  readonly jsonata: boolean;
}

export interface TemplateEnv {
  readonly region: string;
  readonly account: string;
}

/** Region and account from a machine ARN (`arn:aws:states:<region>:<account>:stateMachine:<name>`). */
export function templateEnv(machineArn: string): TemplateEnv {
  const parts = machineArn.split(":");
  return { region: parts[3] || "us-east-1", account: parts[4] || "123456789012" };
}

function object(value: unknown): JsonObject {
  const json = fromPlain(value);
  if (!isObject(json)) throw new Error("a template is a JSON object");
  return json;
}

function nestedScope(fresh: (base: string) => string, base: string) {
  const name = fresh(base);
  return { StartAt: name, States: { [name]: { Type: "Pass", End: true } } };
}

export const TEMPLATES: readonly StateTemplate[] = [
  { id: "Pass", label: "Pass", group: "State", description: "Passes its input on, optionally changed",
    build: () => object({ Type: "Pass", End: true }) },
  { id: "Task", label: "Task", group: "State", description: "Runs a Python function",
    build: (env) => object({ Type: "Task", Resource: `arn:aws:lambda:${env.region}:${env.account}:function:my-function`, End: true }) },
  { id: "Choice", label: "Choice", group: "State",
    description: "Branches on rules: one rule and a Default to start with, each to a placeholder; drag its handles for more",
    build: (_env, _fresh, { placeholder, jsonata }) => {
      const rule = placeholder("Rule 1 step", "Placeholder: what the Choice's first rule leads to");
      const otherwise = placeholder("Default step", "Placeholder: what the Choice leads to when no rule matches");
      // A starter condition the user then edits: "the input has a value field", in the machine's query language.
      const condition = jsonata ? { Condition: "{% $exists($states.input.value) %}" } : { Variable: "$.value", IsPresent: true };
      return object({ Type: "Choice", Choices: [{ ...condition, Next: rule }], Default: otherwise });
    } },
  { id: "Wait", label: "Wait", group: "State", description: "Waits for a time or a number of seconds",
    build: () => object({ Type: "Wait", Seconds: 10, End: true }) },
  { id: "Parallel", label: "Parallel", group: "State", description: "Runs branches side by side",
    build: (_env, fresh) => object({ Type: "Parallel", Branches: [nestedScope(fresh, "Branch step"), nestedScope(fresh, "Branch step")], End: true }) },
  { id: "Map", label: "Map", group: "State", description: "Runs its item processor for each item",
    build: (_env, fresh) => object({
      Type: "Map",
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, ...nestedScope(fresh, "Item step") },
      End: true,
    }) },
  { id: "Succeed", label: "Succeed", group: "State", description: "Ends the execution successfully",
    build: () => object({ Type: "Succeed" }) },
  { id: "Fail", label: "Fail", group: "State", description: "Ends the execution with an error",
    build: () => object({ Type: "Fail", Error: "Failed", Cause: "Describe what went wrong" }) },
  { id: "Python function", label: "Python function", group: "Task", description: "Task: a Python function (Lambda-style ARN)",
    build: (env) => object({ Type: "Task", Resource: `arn:aws:lambda:${env.region}:${env.account}:function:my-function`, End: true }) },
  { id: "Activity", label: "Activity", group: "Task", description: "Task: work done by an activity worker",
    build: (env) => object({ Type: "Task", Resource: `arn:aws:states:${env.region}:${env.account}:activity:my-activity`, End: true }) },
  { id: "Callback", label: "Callback", group: "Task", description: "Task: calls a function with a task token and waits for the answer",
    build: () => object({
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: "my-function", Payload: { "token.$": "$$.Task.Token", "input.$": "$" } },
      End: true,
    }) },
  { id: "HTTP", label: "HTTP", group: "Task", description: "Task: calls an HTTP API through a connection",
    build: () => object({
      Type: "Task",
      Resource: "arn:aws:states:::http:invoke",
      Parameters: { ApiEndpoint: "/", Method: "GET", Authentication: { ConnectionArn: "my-api" } },
      End: true,
    }) },
  { id: "XML-RPC", label: "XML-RPC", group: "Task", description: "Task: calls an XML-RPC method through a connection",
    build: () => object({
      Type: "Task",
      Resource: "arn:flowdeck:states:::xmlrpc:call",
      Parameters: { Authentication: { ConnectionArn: "my-xmlrpc" }, MethodName: "system.listMethods", Params: {} },
      End: true,
    }) },
  { id: "Nested workflow", label: "Nested workflow", group: "Task", description: "Task: runs another state machine and waits for it",
    build: (env) => object({
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution.sync:2",
      Parameters: { StateMachineArn: `arn:aws:states:${env.region}:${env.account}:stateMachine:Child`, "Input.$": "$" },
      End: true,
    }) },
];

export function templateById(id: string): StateTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/** The MIME type a palette item's drag carries (its template id). */
export const TEMPLATE_MIME = "application/x-flowdeck-state";
