// The KafkaConnector dashboard: renders the snapshots the server pushes as server-sent events.
"use strict";

const previous = { topics: new Map(), receivers: new Map(), at: 0 };

function cell(row, text, numeric) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "n";
  row.appendChild(td);
}

function fill(tableId, rows, decorate) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...rows.map(values => {
    const tr = document.createElement("tr");
    values.forEach(v => cell(tr, String(v ?? ""), typeof v === "number"));
    if (decorate) decorate(tr, values);
    return tr;
  }));
}

function list(id, items) {
  document.getElementById(id).replaceChildren(...items.map(text => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));
}

function rate(map, name, value, seconds) {
  const before = map.get(name);
  map.set(name, value);
  return before === undefined || seconds <= 0 ? 0 : Math.round((value - before) / seconds * 10) / 10;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : "";
}

function render(s) {
  const at = Date.parse(s.at);
  const seconds = previous.at ? (at - previous.at) / 1000 : 0;
  previous.at = at;
  document.getElementById("node").textContent = `layer ${s.layer ?? "-"} · node ${s.nodeId ?? "-"}`;
  document.getElementById("member-count").textContent = `(${s.members.length})`;
  list("members", s.members.map(m => `${m.nodeId} (up since ${time(m.startedAt)})`));
  list("member-events", s.memberEvents.map(e => `${time(e.at)} ${e.nodeId} ${e.kind.toLowerCase()}`));
  document.getElementById("in-flight").textContent = s.counters.inFlight;
  document.getElementById("paused").textContent = s.counters.pausedPartitions;
  fill("receivers", s.counters.receivers.map(r =>
    [r.name, r.processed, rate(previous.receivers, r.name, r.processed, seconds), r.failed, r.retried, r.deadLettered]));
  const lag = new Map();
  s.counters.lag.forEach(l => lag.set(l.topic, (lag.get(l.topic) ?? 0) + l.lag));
  fill("topics", s.counters.topics.map(t =>
    [t.name, t.sent, t.consumed, rate(previous.topics, t.name, t.consumed, seconds), t.failed, lag.has(t.name) ? lag.get(t.name) : "-"]));
  fill("receiver-status", s.receiverStatus.map(r =>
    [r.id, r.state, r.sharesWork ? `${r.groupId} (shared)` : r.groupId, r.partitions, r.inFlight, r.lag ?? "-",
      r.lastError ? `${time(r.lastErrorAt)} ${r.lastError}` : ""]),
    (tr, values) => { tr.cells[1].className = `state ${values[1].toLowerCase()}`; });
  fill("dead-letters", s.deadLetters.map(d =>
    [time(d.at), d.topic, d.key, d.receiver, `${d.exceptionType ?? ""}: ${d.exceptionMessage ?? ""}`, d.attempts]));
}

function connect() {
  const status = document.getElementById("status");
  const events = new EventSource("events");
  events.addEventListener("snapshot", e => {
    status.textContent = "live";
    status.className = "status live";
    render(JSON.parse(e.data));
  });
  events.onerror = () => {
    status.textContent = "reconnecting";
    status.className = "status down";
  };
}

connect();
