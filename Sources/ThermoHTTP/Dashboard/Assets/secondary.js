// The secondary station, phone-sized: the people waiting for a clinical reading, a form per
// person to record it, a form to send someone, and the confirmed fevers with the doctor's
// disposition. Everything here is health data: it is fetched with the token only, kept in the
// page's memory only (never the address or localStorage), and built with textContent only.
"use strict";

// Every visible word of the page, in one place for the locale catalogue to replace.
const TEXT = {
  title: "thermogate — secondary station",
  heading: "Secondary station",
  dashboardLink: "Duty dashboard",
  nameLabel: "Your name",
  namePlaceholder: "your name",
  tokenLabel: "API token",
  tokenPlaceholder: "token",
  waitingHeading: "Waiting",
  noWaiting: "Nobody is waiting.",
  sendHeading: "Send someone",
  entranceLabel: "Entrance",
  personLabel: "ID",
  personPlaceholder: "optional",
  noteLabel: "Note",
  notePlaceholder: "why they are sent (optional)",
  sendButton: "Send to the station",
  feversHeading: "Confirmed fevers",
  feversHint: "For the doctor: record what was decided for each person.",
  noFevers: "No confirmed fever in the last week.",
  methodLabel: "Method",
  valueLabel: "Reading °C",
  deviceLabel: "Thermometer",
  devicePlaceholder: "optional",
  recordButton: "Record reading",
  dispositionLabel: "Disposition",
  notesLabel: "Notes",
  notesPlaceholder: "optional",
  dispositionButton: "Record disposition",
  chooseDisposition: "choose…",
  methods: {
    oral: "oral",
    ear: "ear (tympanic)",
    axillary: "axillary (armpit)",
    forehead_contact: "forehead (contact)",
  },
  dispositions: {
    cleared_after_clinical_check: "cleared after clinical check",
    sent_home: "sent home",
    taken_to_hospital: "taken to hospital",
    isolated: "isolated",
  },
  origins: { elevated: "elevated at the entrance", guard: "sent by a guard" },
  noID: "no ID",
  infrared: (value) => `infrared ${value}`,
  waited: (time) => `waiting ${time}`,
  count: (count) => (count ? `(${count})` : ""),
  needName: "Type your name under “Your name” at the top first.",
  needToken: "Type the API token at the top: the people sent here are health data and are shown only with it.",
  refused: (reason) => `The gateway refused the list: ${reason}`,
  unreachable: (reason) => `The gateway cannot be reached (${reason}); trying again.`,
  cleared: (entrance, until, reading) =>
    until
      ? `cleared — one pass at ${entrance} until ${until} (${reading})`
      : `cleared — ${reading}; no pass was given`,
  fever: (entrance, reading) => `FEVER confirmed — ${reading} at ${entrance}: the doctor on call is being called`,
  reading: (method, value, threshold) => `${method} ${value}; fever level ${threshold}`,
  notRecorded: (reason) => `Not recorded: ${reason}`,
  notRecordedOffline: (reason) => `Not recorded: the gateway cannot be reached (${reason})`,
  sent: (entrance, id) => `Sent: case ${id} at ${entrance} is on the waiting list.`,
  notSent: (reason) => `Nobody sent: ${reason}`,
  disposed: (disposition, by) => `Disposition recorded: ${disposition} by ${by}.`,
  awaitingDisposition: "awaiting the doctor's disposition",
  disposition: (disposition, by, time, notes) => `${disposition} — ${by} at ${time}${notes ? `: ${notes}` : ""}`,
  confirmedAt: (time, by) => `confirmed at ${time} by ${by}`,
};

const REFRESH_MS = 3000;
// How far back the lists reach: a week covers a weekend's fevers still without a disposition.
const LIST_HOURS = 168;

const view = {
  gatewayTime: 0,
  receivedAt: 0,
  speed: 1,
  entrances: [],
  waiting: new Map(), // case id → row
  fevers: new Map(),
  refreshing: false,
  // Bumped by every write: a list read before it is stale and is thrown away.
  generation: 0,
  again: false,
  lastMethod: "oral",
  lastDevice: "",
};

function gatewayNow() {
  if (!view.receivedAt) return Date.now() / 1000;
  return view.gatewayTime + ((performance.now() - view.receivedAt) / 1000) * view.speed;
}

function readingText(reading) {
  if (!reading) return "";
  return TEXT.reading(TEXT.methods[reading.method] || reading.method, celsius(reading.value_c), celsius(reading.threshold_c));
}

function showMessage(node, text, kind) {
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
}

// ---- Operator ---------------------------------------------------------------------------

// The same keys as the duty dashboard: a name and token typed there carry over, and back.
function operator(messageNode) {
  const name = document.getElementById("ack-name").value.trim();
  const token = document.getElementById("ack-token").value.trim();
  if (!name) {
    showMessage(messageNode, TEXT.needName, "error");
    document.getElementById("ack-name").focus();
    return null;
  }
  return { name, token };
}

function rememberOperator() {
  sessionStorage.setItem("thermogate.name", document.getElementById("ack-name").value.trim());
  sessionStorage.setItem("thermogate.token", document.getElementById("ack-token").value.trim());
}

async function withButton(button, body) {
  button.disabled = true;
  button.dataset.busy = "true";
  try {
    await body();
  } finally {
    button.dataset.busy = "false";
    button.disabled = false;
  }
}

// ---- Refresh ----------------------------------------------------------------------------

async function refresh() {
  if (view.refreshing) {
    view.again = true;
    return;
  }
  view.refreshing = true;
  view.again = false;
  const generation = view.generation;
  const status = document.getElementById("station-status");
  try {
    await refreshGateway();
    const token = document.getElementById("ack-token").value.trim();
    if (!token) {
      // Without the token nothing of anyone stays on the screen.
      clearLists();
      showMessage(status, TEXT.needToken, "info");
      return;
    }
    const headers = { Authorization: `Bearer ${token}` };
    const [waiting, fevers] = await Promise.all(
      ["waiting", "fever"].map((wanted) => fetch(`/api/secondary?status=${wanted}&hours=${LIST_HOURS}`, { headers })),
    );
    for (const response of [waiting, fevers]) {
      if (!response.ok) {
        const answer = await response.json().catch(() => ({}));
        clearLists();
        showMessage(status, TEXT.refused(answer.error || response.status), "error");
        return;
      }
    }
    const lists = [await waiting.json(), await fevers.json()];
    if (generation !== view.generation) {
      view.again = true;
      return;
    }
    renderWaiting(lists[0]);
    renderFevers(lists[1]);
    status.hidden = true;
  } catch (error) {
    showMessage(status, TEXT.unreachable(error.message), "error");
  } finally {
    view.refreshing = false;
    tick();
    if (view.again) setTimeout(refresh, 0);
  }
}

// After a write: what was being read is out of date, and the lists are read again now.
function written() {
  view.generation += 1;
  refresh();
}

// The gateway's clock (the demo may run it fast), its name and its entrances come from the
// dashboard's snapshot, which needs no token.
async function refreshGateway() {
  const response = await fetch("/api/dashboard");
  if (!response.ok) return;
  const snapshot = await response.json();
  view.gatewayTime = snapshot.time;
  view.speed = snapshot.speed || 1;
  view.receivedAt = performance.now();
  document.getElementById("site").textContent = snapshot.site;
  const names = snapshot.entrances.map((entrance) => entrance.entrance);
  if (names.join("\n") === view.entrances.join("\n")) return;
  view.entrances = names;
  const select = document.getElementById("send-entrance");
  const chosen = select.value;
  select.replaceChildren(...names.map((name) => el("option", { value: name, text: name })));
  if (names.includes(chosen)) select.value = chosen;
}

function clearLists() {
  for (const rows of [view.waiting, view.fevers]) {
    for (const row of rows.values()) row.root.remove();
    rows.clear();
  }
  document.getElementById("no-waiting").hidden = true;
  document.getElementById("no-fevers").hidden = true;
  document.getElementById("waiting-count").textContent = "";
  document.getElementById("fever-count").textContent = "";
}

// Rows are made once per case and updated in place: a refresh never takes a half-typed reading
// from under the nurse's fingers.
function renderList(list, rows, cases, make, update) {
  const ids = new Set(cases.map((found) => found.id));
  for (const [id, row] of rows) {
    if (!ids.has(id)) {
      row.root.remove();
      rows.delete(id);
    }
  }
  cases.forEach((found, index) => {
    let row = rows.get(found.id);
    if (!row) {
      row = make(found);
      rows.set(found.id, row);
    }
    if (list.children[index] !== row.root) list.insertBefore(row.root, list.children[index] || null);
    update(row, found);
  });
}

// ---- Waiting ----------------------------------------------------------------------------

function renderWaiting(cases) {
  // The longest waiting first.
  cases.sort((a, b) => epochSeconds(a.opened_at) - epochSeconds(b.opened_at));
  renderList(document.getElementById("waiting"), view.waiting, cases, makeWaiting, updateWaiting);
  document.getElementById("no-waiting").hidden = cases.length > 0;
  document.getElementById("waiting-count").textContent = TEXT.count(cases.length);
}

function options(labels, chosen) {
  return Object.entries(labels).map(([value, label]) => {
    const option = el("option", { value, text: label });
    if (value === chosen) option.selected = true;
    return option;
  });
}

function makeWaiting(found) {
  const parts = {};
  parts.who = el("div", { class: "case-who" });
  parts.about = el("div", { class: "case-about" });
  parts.waited = el("span", { class: "waited", "data-opened": String(epochSeconds(found.opened_at)) });
  parts.method = el("select", { name: "method", required: "" }, ...options(TEXT.methods, view.lastMethod));
  parts.value = el("input", {
    name: "value_c",
    type: "number",
    step: "0.1",
    inputmode: "decimal",
    required: "",
    autocomplete: "off",
  });
  parts.device = el("input", { name: "device", placeholder: TEXT.devicePlaceholder, autocomplete: "off" });
  parts.device.value = view.lastDevice;
  parts.button = el("button", { type: "submit", "data-action": "record", text: TEXT.recordButton });
  parts.message = el("p", { class: "message", role: "alert" });
  parts.message.hidden = true;
  const form = el(
    "form",
    { class: "form station-form", method: "post", autocomplete: "off" },
    el("label", {}, el("span", { text: TEXT.methodLabel }), parts.method),
    el("label", {}, el("span", { text: TEXT.valueLabel }), parts.value),
    el("label", {}, el("span", { text: TEXT.deviceLabel }), parts.device),
    el("div", { class: "buttons" }, parts.button),
  );
  const root = el(
    "li",
    { class: "case", "data-case": String(found.id), "data-entrance": found.entrance },
    parts.who,
    parts.about,
    form,
    parts.message,
  );
  const row = { root, parts, found };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    recordReading(row);
  });
  return row;
}

function updateWaiting(row, found) {
  const { parts } = row;
  row.found = found;
  parts.who.replaceChildren(
    el("strong", { class: "entrance", text: found.entrance }),
    document.createTextNode(" · "),
    el("span", { class: "person", text: personText(found.person, TEXT.noID), title: found.person || "" }),
    document.createTextNode(" · "),
    parts.waited,
  );
  const about = [TEXT.origins[found.origin] || found.origin];
  if (found.infrared_body_c != null) about.push(TEXT.infrared(celsius(found.infrared_body_c)));
  if (found.note) about.push(found.note);
  parts.about.textContent = about.join(" · ");
}

async function recordReading(row) {
  const { parts, found } = row;
  const who = operator(parts.message);
  if (!who) return;
  const body = { method: parts.method.value, value_c: Number(parts.value.value), by: who.name };
  const device = parts.device.value.trim();
  if (device) body.device = device;
  await withButton(parts.button, async () => {
    try {
      const { ok, status, answer } = await post(`/api/secondary/${found.id}/reading`, who.token, body);
      if (!ok) {
        // As the gateway said it; the form keeps what was typed and the person stays listed.
        showMessage(parts.message, TEXT.notRecorded(answer.error || status), "error");
        return;
      }
      view.lastMethod = body.method;
      view.lastDevice = device;
      const reading = readingText(answer.reading);
      const result = document.getElementById("station-message");
      if (answer.status === "fever") {
        showMessage(result, TEXT.fever(answer.entrance, reading), "fever");
      } else {
        const until = answer.pass_until ? hourMinute(answer.pass_until) : null;
        showMessage(result, TEXT.cleared(answer.entrance, until, reading), "ok");
      }
      result.dataset.case = String(found.id);
      result.dataset.status = answer.status;
      row.root.remove();
      view.waiting.delete(found.id);
      document.getElementById("waiting-count").textContent = TEXT.count(view.waiting.size);
      document.getElementById("no-waiting").hidden = view.waiting.size > 0;
      written();
    } catch (error) {
      showMessage(parts.message, TEXT.notRecordedOffline(error.message), "error");
    }
  });
}

// ---- Sending someone --------------------------------------------------------------------

async function sendSomeone(event) {
  event.preventDefault();
  const message = document.getElementById("send-message");
  const who = operator(message);
  if (!who) return;
  const body = { entrance: document.getElementById("send-entrance").value, by: who.name };
  const person = document.getElementById("send-person").value.trim();
  const note = document.getElementById("send-note").value.trim();
  if (person) body.person = person;
  if (note) body.note = note;
  await withButton(event.target.querySelector("button"), async () => {
    try {
      const { ok, status, answer } = await post("/api/secondary", who.token, body);
      if (!ok) {
        showMessage(message, TEXT.notSent(answer.error || status), "error");
        return;
      }
      showMessage(message, TEXT.sent(answer.entrance, answer.id), "ok");
      document.getElementById("send-person").value = "";
      document.getElementById("send-note").value = "";
      written();
    } catch (error) {
      showMessage(message, TEXT.notSent(error.message), "error");
    }
  });
}

// ---- Confirmed fevers -------------------------------------------------------------------

function renderFevers(cases) {
  // Those still waiting for the doctor first, then the newest.
  cases.sort((a, b) => (a.disposition ? 1 : 0) - (b.disposition ? 1 : 0) || epochSeconds(b.opened_at) - epochSeconds(a.opened_at));
  renderList(document.getElementById("fevers"), view.fevers, cases, makeFever, updateFever);
  document.getElementById("no-fevers").hidden = cases.length > 0;
  const awaiting = cases.filter((found) => !found.disposition).length;
  document.getElementById("fever-count").textContent = TEXT.count(awaiting);
}

function makeFever(found) {
  const parts = {};
  parts.who = el("div", { class: "case-who" });
  parts.about = el("div", { class: "case-about" });
  parts.state = el("div", { class: "disposition" });
  // Nothing chosen until the doctor chooses: no disposition by default.
  parts.disposition = el(
    "select",
    { name: "disposition", required: "" },
    el("option", { value: "", text: TEXT.chooseDisposition, disabled: "", selected: "" }),
    ...options(TEXT.dispositions, null),
  );
  parts.notes = el("input", { name: "notes", placeholder: TEXT.notesPlaceholder, autocomplete: "off" });
  parts.button = el("button", { type: "submit", "data-action": "dispose", text: TEXT.dispositionButton });
  parts.form = el(
    "form",
    { class: "form station-form", method: "post", autocomplete: "off" },
    el("label", {}, el("span", { text: TEXT.dispositionLabel }), parts.disposition),
    el("label", {}, el("span", { text: TEXT.notesLabel }), parts.notes),
    el("div", { class: "buttons" }, parts.button),
  );
  parts.message = el("p", { class: "message", role: "alert" });
  parts.message.hidden = true;
  const root = el(
    "li",
    { class: "case fever", "data-case": String(found.id), "data-entrance": found.entrance },
    parts.who,
    parts.about,
    parts.state,
    parts.form,
    parts.message,
  );
  const row = { root, parts, found };
  parts.form.addEventListener("submit", (event) => {
    event.preventDefault();
    recordDisposition(row);
  });
  return row;
}

function updateFever(row, found) {
  const { root, parts } = row;
  row.found = found;
  root.dataset.disposition = found.disposition || "";
  parts.who.replaceChildren(
    el("strong", { class: "entrance", text: found.entrance }),
    document.createTextNode(" · "),
    el("span", { class: "person", text: personText(found.person, TEXT.noID), title: found.person || "" }),
  );
  const about = [readingText(found.reading)];
  if (found.settled_at) about.push(TEXT.confirmedAt(hourMinute(found.settled_at), found.settled_by || ""));
  parts.about.textContent = about.filter(Boolean).join(" · ");
  if (found.disposition) {
    parts.state.textContent = TEXT.disposition(
      TEXT.dispositions[found.disposition] || found.disposition,
      found.disposition_by || "",
      found.disposition_at ? hourMinute(found.disposition_at) : "",
      found.disposition_notes,
    );
    parts.form.remove();
  } else {
    parts.state.textContent = TEXT.awaitingDisposition;
  }
}

async function recordDisposition(row) {
  const { parts, found } = row;
  const who = operator(parts.message);
  if (!who) return;
  const body = { disposition: parts.disposition.value, by: who.name };
  const notes = parts.notes.value.trim();
  if (notes) body.notes = notes;
  await withButton(parts.button, async () => {
    try {
      const { ok, status, answer } = await post(`/api/secondary/${found.id}/disposition`, who.token, body);
      if (!ok) {
        showMessage(parts.message, TEXT.notRecorded(answer.error || status), "error");
        return;
      }
      showMessage(parts.message, TEXT.disposed(TEXT.dispositions[answer.disposition] || answer.disposition, who.name), "ok");
      updateFever(row, answer);
      written();
    } catch (error) {
      showMessage(parts.message, TEXT.notRecordedOffline(error.message), "error");
    }
  });
}

// ---- Clock ------------------------------------------------------------------------------

function tick() {
  const now = gatewayNow();
  if (view.receivedAt) {
    document.getElementById("clock").textContent = clockTime(now);
  }
  for (const node of document.querySelectorAll(".waited[data-opened]")) {
    node.textContent = TEXT.waited(duration(now - Number(node.dataset.opened)));
  }
}

function applyText() {
  document.title = TEXT.title;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = TEXT[node.dataset.text];
  for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = TEXT[node.dataset.placeholder];
}

document.addEventListener("DOMContentLoaded", () => {
  applyText();
  const name = document.getElementById("ack-name");
  const token = document.getElementById("ack-token");
  name.value = sessionStorage.getItem("thermogate.name") || "";
  token.value = sessionStorage.getItem("thermogate.token") || "";
  document.getElementById("operator").addEventListener("submit", (event) => event.preventDefault());
  name.addEventListener("change", rememberOperator);
  token.addEventListener("change", () => {
    rememberOperator();
    refresh();
  });
  document.getElementById("send-form").addEventListener("submit", sendSomeone);
  refresh();
  setInterval(refresh, REFRESH_MS);
  setInterval(tick, 1000);
});
