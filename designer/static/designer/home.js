// Home page: send the definition to POST /api/validate and list what comes back.
(function () {
  "use strict";

  const form = document.getElementById("validate-form");
  const editor = document.getElementById("definition");
  const button = document.getElementById("validate");
  const badge = document.getElementById("result");
  const summary = document.getElementById("summary");
  const list = document.getElementById("diagnostics");
  const demo = JSON.parse(document.getElementById("demo-definition").textContent);

  function show(result, text) {
    badge.className = "badge " + (result === "OK" ? "ok" : result === "FAIL" ? "fail" : "idle");
    badge.textContent = result === "OK" || result === "FAIL" ? result : "not checked";
    summary.textContent = text;
  }

  function item(diagnostic) {
    const li = document.createElement("li");
    const severity = String(diagnostic.severity || "").toLowerCase();
    li.className = severity;
    const meta = document.createElement("div");
    meta.className = "meta";
    for (const [cls, value] of [["severity", diagnostic.severity], ["code", diagnostic.code], ["location", diagnostic.location]]) {
      if (!value) continue;
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = value;
      meta.appendChild(span);
    }
    const message = document.createElement("p");
    message.className = "message";
    message.textContent = diagnostic.message;
    li.append(meta, message);
    return li;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  async function validate() {
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        credentials: "same-origin",
        body: JSON.stringify({ definition: editor.value }),
      });
      const body = await response.json().catch(() => ({}));
      list.replaceChildren();
      if (!response.ok) {
        show("", "The server refused the request (" + response.status + "): " + JSON.stringify(body));
        return;
      }
      const diagnostics = body.diagnostics || [];
      const errors = diagnostics.filter((d) => d.severity === "ERROR").length;
      const warnings = diagnostics.length - errors;
      show(body.result, diagnostics.length
        ? plural(errors, "error") + ", " + plural(warnings, "warning") + "."
        : "No problems found.");
      list.append(...diagnostics.map(item));
    } catch (err) {
      show("", "Could not reach the server: " + err.message);
    } finally {
      button.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    validate();
  });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      validate();
    }
  });
  document.getElementById("format").addEventListener("click", () => {
    try {
      editor.value = JSON.stringify(JSON.parse(editor.value), null, 2);
    } catch (err) {
      show("", "Not valid JSON, left as it is: " + err.message);
    }
  });
  document.getElementById("reset").addEventListener("click", () => {
    editor.value = demo;
    list.replaceChildren();
    show("", "Demo workflow restored.");
  });
})();
