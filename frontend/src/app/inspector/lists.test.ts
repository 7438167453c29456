// The editors rendered to HTML (no DOM here: vitest runs in node): the accessible names, the typed values and
// the inline problems each shows for a given state. The edits themselves are rules.test.ts's business.
import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { parseJson, type JsonObject } from "../../asl";
import { CatchList } from "./CatchList";
import { ChoiceRules } from "./ChoiceRules";
import { RetryList, retrierSummary } from "./RetryList";
import type { StateEditorProps } from "./types";

function render(component: FunctionComponent<StateEditorProps>, state: string, more: Partial<StateEditorProps> = {}): string {
  const props: StateEditorProps = {
    pointer: "/States/Here",
    state: parseJson(state) as JsonObject,
    queryLanguage: "JSONPath",
    targets: ["Here", "Big", "Small", "Failed"],
    onChange: () => {},
    readOnly: false,
    ...more,
  };
  return renderToStaticMarkup(createElement(component, props));
}

const count = (html: string, text: string) => html.split(text).length - 1;

describe("ChoiceRules", () => {
  const state = `{"Type": "Choice", "Choices": [
    {"And": [{"Variable": "$.amount", "NumericGreaterThan": 1000.00}, {"Not": {"Variable": "$.vip", "BooleanEquals": true}}], "Next": "Big"},
    {"Variable": "$.when", "TimestampLessThan": "soon", "Next": "Gone"}
  ], "Default": "Small"}`;

  it("labels each rule and each nested condition, and summarises the rule in its header", () => {
    const html = render(ChoiceRules, state);
    expect(html).toContain('<li class="ilist__item"><div role="group" aria-label="Rule 1">'); // (the li keeps its list semantics)
    expect(html).not.toMatch(/<li[^>]*role=/);
    expect(html).toContain('aria-label="Rule 1 next state"');
    expect(html).toContain('aria-label="Rule 1, condition 2 condition type"');
    expect(html).toContain('aria-label="Rule 1, condition 2, negated variable"');
    expect(html).toContain('aria-label="Rule 1, condition 2"');
    expect(html).toContain('aria-label="Rule 1, condition 2, negated"');
    expect(html).toContain("<code>And($.amount &gt; 1000.00, Not($.vip == true))</code> → Big");
    expect(html).toContain('aria-label="Move rule 1 up" title="Move up" disabled=""');
    expect(count(html, ">Variable</label>")).toBe(3);
    expect(count(html, ">Operator</label>")).toBe(3);
    expect(html).toContain("Add condition to rule 1");
    expect(html).toMatch(/the first that matches/);
  });

  it("shows values typed for their operator, the number as written", () => {
    const html = render(ChoiceRules, state);
    expect(html).toContain('value="1000.00"');
    expect(html).toMatch(/<select[^>]*>(?:(?!<\/select>).)*<option value="true" selected="">true<\/option>/);
    expect(html).toContain('<option value="NumericGreaterThan" selected="">');
  });

  it("marks what the validator would refuse: a bad timestamp, a target not in scope", () => {
    const html = render(ChoiceRules, state);
    expect(html).toMatch(/value="soon"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*value="soon"/);
    expect(html).toContain("RFC 3339");
    expect(html).toContain("There is no state &#x27;Gone&#x27; here.");
    expect(html).toContain("Gone (missing)");
  });

  it("edits a JSONata rule's Condition and Output, and no JSONPath fields", () => {
    const html = render(ChoiceRules, `{"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "Big"}]}`, { queryLanguage: "JSONata" });
    expect(html).toContain('value="{% $states.input.n &gt; 1 %}"');
    expect(html).toContain(">Output</label>");
    expect(html).toContain(">Assign</label>");
    expect(html).not.toContain(">Variable</label>");
    expect(html).toContain("<code>$states.input.n &gt; 1</code>");
  });

  it("shows an And / Or / Not that is not what ASL says as a problem, instead of failing", () => {
    for (const bad of ["{}", "null", "true", '"x"', "1"]) {
      for (const kind of ["And", "Or"]) {
        const html = render(ChoiceRules, `{"Type": "Choice", "Choices": [{"${kind}": ${bad}, "Next": "Big"}]}`);
        expect(html).toContain(`${kind} must be a list of conditions`);
      }
      const not = render(ChoiceRules, `{"Type": "Choice", "Choices": [{"Not": ${bad}, "Next": "Big"}]}`);
      expect(not).toContain(bad === "{}" ? "Choose an operator." : "not a JSON object"); // ({}: a comparison to fill in)
      const nested = render(ChoiceRules, `{"Type": "Choice", "Choices": [{"Not": {"And": ${bad}}, "Next": "Big"}]}`);
      expect(nested).toContain("And must be a list of conditions");
    }
  });

  it("shows a JSONata rule's Output expression bare, as the state's Output field does", () => {
    const html = render(ChoiceRules, `{"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Output": "{% $states.input.a %}", "Next": "Big"}]}`, { queryLanguage: "JSONata" });
    expect(html).toMatch(/<textarea[^>]*>\{% \$states.input.a %\}<\/textarea>/);
  });

  it("disables everything when read-only", () => {
    expect(render(ChoiceRules, state, { readOnly: true })).toMatch(/^<fieldset class="ilist" disabled=""/);
  });
});

describe("RetryList", () => {
  const state = `{"Type": "Task", "Retry": [
    {"ErrorEquals": ["States.ALL"], "BackoffRate": 2.0, "x-keep": 1},
    {"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}
  ]}`;

  it("labels retriers and fields, defaults shown as placeholders and numbers as written", () => {
    const html = render(RetryList, state);
    expect(html).toContain('aria-label="Retrier 2"');
    expect(html).toContain('placeholder="3"');
    expect(html).toContain('placeholder="2.0"');
    expect(html).toContain('value="2.0"');
    expect(html).toContain(">Max attempts</label>");
    expect(html).toContain('aria-label="Remove States.ALL from retrier 1"');
    expect(html).toContain('aria-label="Retrier 2 max attempts"');
    expect(html).toContain('<option value="States.Timeout" label=');
  });

  it("lets Jitter go back to Default (no JitterStrategy) once it is set", () => {
    const html = render(RetryList, `{"Type": "Task", "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL"}]}`);
    expect(html).toContain('<option value="">Default (NONE)</option>');
  });

  it("says that States.ALL belongs in the last Retrier", () => {
    const html = render(RetryList, state);
    expect(count(html, 'aria-invalid="true"')).toBe(1);
    expect(html).toContain("A Retrier with States.ALL must be the last one");
  });

  it("summarises a retrier", () => {
    const one = (text: string) => retrierSummary(parseJson(text) as JsonObject);
    expect(one(`{"ErrorEquals": ["States.Timeout"], "BackoffRate": 1.50, "MaxAttempts": 5}`)).toBe("States.Timeout · 5 attempts · 1 s ×1.50");
    expect(one(`{"ErrorEquals": [], "MaxAttempts": 0}`)).toBe("no errors · never retried");
  });
});

describe("CatchList", () => {
  const state = `{"Type": "Task", "Catch": [{"ErrorEquals": ["States.ALL", "States.Timeout"], "Next": "Failed", "ResultPath": null}]}`;

  it("shows ResultPath for JSONPath (null as null) and Output for JSONata", () => {
    const html = render(CatchList, state);
    expect(html).toContain('aria-label="Catcher 1"');
    expect(html).toContain(">Result path</label>");
    expect(html).toContain('value="null"');
    expect(html).not.toContain(">Output</label>");
    expect(html).toContain("States.ALL must be the only error name of its Catcher.");
    const jsonata = render(CatchList, state, { queryLanguage: "JSONata" });
    expect(jsonata).toContain(">Output</label>");
    const expression = render(CatchList, `{"Type": "Task", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "Output": "{% $states.errorOutput %}"}]}`, { queryLanguage: "JSONata" });
    expect(expression).toMatch(/<textarea[^>]*>\{% \$states.errorOutput %\}<\/textarea>/);
    expect(jsonata).not.toContain(">Result path</label>");
  });

  it("offers the scope's states as targets", () => {
    const html = render(CatchList, state);
    expect(html).toContain('<option value="Failed" selected="">Failed</option>');
    expect(html).toContain(">Next state</label>");
  });
});
