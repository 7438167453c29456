// The state forms rendered to HTML (no DOM here: vitest runs in node): which controls a state gets, their
// accessible names, and the problems they show for a stored value. The edits are fields.test.ts's and
// composite.test.ts's business; the interaction is the browser tests'.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, it } from "vitest";
import { parseJson, type JsonObject } from "../../asl";
import { StateInspector, type StateInspectorProps } from "./StateInspector";

function renderState(state: string, more: Partial<StateInspectorProps> = {}): string {
  const props: StateInspectorProps = {
    pointer: "/States/Here",
    name: "Here",
    state: parseJson(state) as JsonObject,
    queryLanguage: "JSONPath",
    machineLanguage: "JSONPath",
    targets: ["Here", "Next one"],
    onChange: () => {},
    onRename: () => undefined,
    readOnly: false,
    resources: [],
    isOpen: () => true,
    onToggle: () => {},
    ...more,
  };
  return renderToStaticMarkup(createElement(StateInspector, props));
}

const options = (html: string, label: string) => {
  const id = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(html)?.[1];
  const select = new RegExp(`<select id="${id}"[^>]*>(.*?)</select>`).exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"/g)].map((match) => match[1]);
};

it("offers a JSONata machine's state no JSONPath, and lists the fields of the other language to remove", () => {
  const html = renderState('{"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "$.a", "End": true}',
    { queryLanguage: "JSONata", machineLanguage: "JSONata" });
  expect(options(html, "QueryLanguage")).toEqual(["", "JSONata"]);
  expect(html).toContain('aria-label="Fields not allowed here"');
  expect(html).toContain("Not allowed here: <code>InputPath</code> (a JSONPath field)");
  expect(html).toContain('aria-label="Remove InputPath"');
  expect(options(renderState('{"Type": "Pass", "End": true}'), "QueryLanguage")).toEqual(["", "JSONPath", "JSONata"]);
  const downgraded = renderState('{"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}', { machineLanguage: "JSONata" });
  expect(downgraded).toContain("JSONPath (not allowed in a JSONata machine)");
  expect(downgraded).toContain("A state of a JSONata machine can only be JSONata.");
});

it("marks a Wait without a duration, on the kind it shows", () => {
  const html = renderState('{"Type": "Wait", "Next": "Next one"}');
  expect(html).toContain("A Wait needs a duration: enter a value for Seconds.");
  expect(html).toMatch(/aria-invalid="true"/);
  expect(renderState('{"Type": "Wait", "Seconds": 3, "Next": "Next one"}')).not.toContain("needs a duration");
});

it("offers a DISTRIBUTED Map's execution types without a (none), and asks for one that is missing", () => {
  const map = (config: string) => renderState(`{"Type": "Map", "ItemProcessor": {"ProcessorConfig": ${config}, "StartAt": "A", "States": {}}, "End": true}`);
  expect(options(map('{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}'), "Execution type")).toEqual(["STANDARD", "EXPRESS"]);
  const missing = map('{"Mode": "DISTRIBUTED"}');
  expect(options(missing, "Execution type")).toEqual(["", "STANDARD", "EXPRESS"]);
  expect(missing).toContain("A DISTRIBUTED Map needs the type of its child workflows.");
  expect(map('{"Mode": "INLINE"}')).not.toContain(">Execution type</label>");
});

it("shows a pair's clash and a heartbeat over the timeout under the fields", () => {
  const html = renderState('{"Type": "Task", "Resource": "r", "TimeoutSeconds": 10, "HeartbeatSeconds": 20, "HeartbeatSecondsPath": "$.h", "End": true}');
  expect(html.split("Set HeartbeatSeconds or HeartbeatSecondsPath, not both").length - 1).toBe(2);
  const heartbeat = renderState('{"Type": "Task", "Resource": "r", "TimeoutSeconds": 10, "HeartbeatSeconds": 20, "End": true}');
  expect(heartbeat).toContain("HeartbeatSeconds must be smaller than TimeoutSeconds (10).");
});

/** The accessible names of the form controls: a <label for> or the control's own aria-label. */
function controlNames(html: string): string[] {
  const labels = new Map([...html.matchAll(/<label for="([^"]+)">([^<]*)<\/label>/g)].map((m) => [m[1], m[2]]));
  return [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].map((m) => {
    const ariaLabel = /aria-label="([^"]*)"/.exec(m[2])?.[1];
    const id = /id="([^"]*)"/.exec(m[2])?.[1];
    return ariaLabel ?? labels.get(id ?? "") ?? "(none)";
  });
}

it("gives every control of a Task and a Choice a name of its own", () => {
  const task = renderState(`{"Type": "Task", "Resource": "r", "Assign": {}, "Next": "Next one",
    "Retry": [{"ErrorEquals": ["States.Timeout"]}, {"ErrorEquals": ["States.ALL"]}],
    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Next one", "Assign": {}}, {"ErrorEquals": ["States.ALL"], "Next": "Next one"}]}`);
  const choice = renderState(`{"Type": "Choice", "Comment": "c", "Choices": [
    {"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "StringEquals": "x"}], "Next": "Next one", "Comment": "r"},
    {"Not": {"Variable": "$.c", "IsNull": true}, "Next": "Next one"}]}`);
  const jsonata = renderState(`{"Type": "Task", "Resource": "r", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Next one"}]}`,
    { queryLanguage: "JSONata" });
  for (const html of [task, choice, jsonata]) {
    const names = controlNames(html);
    expect(names).not.toContain("(none)");
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  }
  expect(controlNames(task)).toEqual(expect.arrayContaining(["Next state", "Catcher 1 next state", "Assign", "Catcher 1 assign", "Catcher 2 error names"]));
  expect(controlNames(choice)).toEqual(expect.arrayContaining(["Comment", "Rule 1 comment", "Rule 1, condition 2 value", "Rule 2, negated condition operator"]));
});
