// The execution page, live: history events and status changes arrive over /ws/executions/<id>/?after=<last id>
// (executions/consumers.py). Text only ever goes in through textContent: event details are user data.
(function () {
  "use strict";

  const root = document.getElementById("execution");
  if (!root) {
    return;
  }
  const executionId = root.dataset.executionId;
  const history = document.getElementById("history");
  const badge = document.getElementById("execution-status");
  const live = document.getElementById("live");
  let after = Number(root.dataset.after || 0);
  let status = root.dataset.status;
  let retryDelay = 1000;

  const REFUSED = { 4401: "Log in again to follow this execution.", 4403: "You may not view this execution." };

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function addEvent(event) {
    if (event.id <= after) {
      return; // already shown (a reconnect replays from the last id we saw)
    }
    after = event.id;
    const details = {};
    for (const [key, value] of Object.entries(event)) {
      if (!["id", "type", "timestamp", "previousEventId"].includes(key)) {
        details[key] = value;
      }
    }
    const row = document.createElement("tr");
    row.dataset.eventId = String(event.id);
    row.append(cell(String(event.id)), cell(event.type), cell(event.timestamp));
    row.lastChild.className = "when";
    const detailCell = document.createElement("td");
    if (Object.keys(details).length) {
      const pre = document.createElement("pre");
      pre.textContent = JSON.stringify(details, null, 1);
      detailCell.append(pre);
    }
    row.append(detailCell);
    history.append(row);
  }

  function pretty(text) {
    if (text === null || text === undefined) {
      return "";
    }
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (error) {
      return text;
    }
  }

  function setText(id, text) {
    const element = document.getElementById(id);
    if (element) {
      element.textContent = text || "";
    }
  }

  function showStatus(message) {
    status = message.status;
    badge.textContent = status;
    badge.className = "badge " + status;
    root.dataset.status = status;
    if (status === "RUNNING") {
      return;
    }
    setText("execution-stop-date", message.stop_date ? message.stop_date.replace("T", " ").slice(0, 19) : "");
    setText("execution-output", pretty(message.output));
    setText("execution-error", message.error);
    setText("execution-cause", message.cause);
    document.getElementById("execution-result").hidden = false;
    document.getElementById("execution-failure").hidden = !(message.error || message.cause);
    const stop = document.getElementById("stop-form");
    if (stop) {
      stop.hidden = true;
    }
  }

  function setLive(text, connected) {
    live.textContent = text;
    live.classList.toggle("connected", connected);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${window.location.host}/ws/executions/${executionId}/?after=${after}`;
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retryDelay = 1000;
      setLive("live", true);
    });
    socket.addEventListener("message", (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "event") {
        addEvent(data.event);
      } else if (data.type === "status") {
        showStatus(data);
        if (status !== "RUNNING") {
          setLive("", false);
        }
      }
    });
    socket.addEventListener("close", (closed) => {
      if (REFUSED[closed.code]) {
        setLive(REFUSED[closed.code], false);
      } else if (status === "RUNNING") {
        setLive("reconnecting…", false);
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
      }
    });
  }

  connect();
})();
