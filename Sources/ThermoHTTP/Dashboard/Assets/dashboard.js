// The duty-office dashboard. Everything arrives on one Server-Sent Events stream
// (/api/events): a snapshot of the entrances and alerts every second, and chart points as
// screenings happen. The page never builds HTML from strings it received (textContent only).
"use strict";

// The words of the secondary station panel and the on-call line, in one place for the locale
// catalogue to replace (the rest of the page's words move here with it).
const TEXT = {
  secondaryHeading: "Secondary station",
  secondaryLink: "Open the station page",
  noFeversAwaiting: "No confirmed fever is waiting for a disposition.",
  secondaryNeedsToken: "Type the API token at the top to see the secondary station: it is health data.",
  secondaryRefused: (reason) => `The secondary station's list was refused: ${reason}`,
  secondaryUnreachable: (reason) => `The secondary station's list cannot be read (${reason}).`,
  secondaryCounts: { waiting: "waiting", cleared: "cleared", fever: "fever" },
  today: "today",
  noID: "no ID",
  awaitingDisposition: "awaiting the doctor's disposition",
  confirmedAt: (time) => `confirmed ${time}`,
  methods: { oral: "oral", ear: "ear", axillary: "axillary", forehead_contact: "forehead (contact)" },
  onCallNow: (name, channels) => `On call now: ${name}${channels.length ? ` (${channels.join(", ")})` : ""}`,
  onCallUntil: (time) => ` until ${time}`,
  onCallNext: (name) => `, then ${name}`,
  onCallNobody: "On call now: nobody on the roster",
  onCallChain: (stages) => ` · a fever calls ${stages.join(" → ")}`,
  onCallDutyOffice: "the duty office",
  onCallBackup: (name) => `${name} (backup)`,
  onCallNotConfigured: "On call now: on-call roster not configured",
  onCallUnavailable: (reason) => `On call now: unknown (${reason})`,
};

const CLASSES = ["normal", "elevated", "fever", "retry", "fault", "no_subject"];
const CLASS_COLOURS = {
  normal: "#176b2c", elevated: "#b07400", fever: "#c0141c", fault: "#5b2a86", retry: "#4a5361", no_subject: "#8a94a3",
};
const CHARTED = new Set(["normal", "elevated", "fever"]);
const STATE_LABELS = {
  ready: "ready", warming: "warming up", no_device: "no device", fault: "fault", silenced: "silenced",
};

const view = {
  snapshot: null,
  // Gateway time of the last snapshot and the page's clock when it came: the page ages
  // everything on the gateway's clock (which the demo may run fast), not the browser's.
  gatewayTime: 0,
  receivedAt: 0,
  speed: 1,
  points: new Map(), // entrance → [{time, body_c, class, threshold_c, baseline_c}]
  span: 3600,
  tiles: new Map(),
  alerts: new Map(),
  source: null,
  lastMessageAt: 0,
  retryDelay: 1000,
  reconnectTimer: null,
};

function gatewayNow() {
  if (!view.receivedAt) return Date.now() / 1000;
  return view.gatewayTime + ((performance.now() - view.receivedAt) / 1000) * view.speed;
}

function dateText(seconds) {
  return new Date(seconds * 1000).toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

function words(text) {
  return String(text || "").replaceAll("_", " ");
}

// ---- Connection -------------------------------------------------------------------------

function setConnected(connected, text) {
  const badge = document.getElementById("connection");
  // Only changes are written: the badge is a live region, read out when it changes.
  if (badge.dataset.connected === String(connected) && badge.textContent === text) return;
  badge.dataset.connected = String(connected);
  badge.textContent = text;
}

function connect() {
  clearTimeout(view.reconnectTimer);
  view.reconnectTimer = null;
  if (view.source) view.source.close();
  const source = new EventSource("/api/events");
  view.source = source;
  view.lastMessageAt = performance.now();
  source.addEventListener("open", () => {
    view.retryDelay = 1000;
  });
  source.addEventListener("snapshot", (event) => {
    view.lastMessageAt = performance.now();
    setConnected(true, "live");
    applySnapshot(JSON.parse(event.data));
  });
  source.addEventListener("points", (event) => {
    view.lastMessageAt = performance.now();
    applyPoints(JSON.parse(event.data));
  });
  source.addEventListener("error", () => {
    setConnected(false, "reconnecting…");
    // The browser retries by itself while the stream is only interrupted; once it gives up
    // (the daemon was down when it tried) the page starts over, backing off to 10 s.
    if (source.readyState === EventSource.CLOSED) scheduleReconnect();
  });
}

function scheduleReconnect() {
  clearTimeout(view.reconnectTimer);
  view.reconnectTimer = setTimeout(() => {
    view.reconnectTimer = null;
    connect();
  }, view.retryDelay);
  view.retryDelay = Math.min(view.retryDelay * 2, 10000);
}

// A stream that went silent (a half-open connection after the gateway box lost power) is
// replaced: the gateway sends a snapshot every second.
setInterval(() => {
  // Not while a reconnection is already scheduled: that one keeps its backoff.
  if (view.reconnectTimer !== null) return;
  if (view.source && performance.now() - view.lastMessageAt > 5000) {
    setConnected(false, "reconnecting…");
    view.lastMessageAt = performance.now();
    connect();
  }
}, 1000);

// ---- Snapshot ---------------------------------------------------------------------------

function applySnapshot(snapshot) {
  view.snapshot = snapshot;
  view.gatewayTime = snapshot.time;
  view.speed = snapshot.speed || 1;
  view.receivedAt = performance.now();
  document.getElementById("site").textContent = snapshot.site;
  document.title = `thermogate — ${snapshot.site}`;
  renderTiles(snapshot.entrances);
  renderEmergencySummary(snapshot.entrances);
  renderAlerts(snapshot.alerts);
  renderRechecks(snapshot.entrances);
  tick();
}

function applyPoints(message) {
  view.span = message.span || 3600;
  if (message.reset) view.points = new Map();
  for (const point of message.points) {
    if (!view.points.has(point.entrance)) view.points.set(point.entrance, []);
    view.points.get(point.entrance).push(point);
  }
  // Trimmed on the gateway's clock only: before the first snapshot the browser's clock is all
  // there is, and an offline gate box's clock may be hours off it.
  const cutoff = view.receivedAt ? gatewayNow() - view.span : -Infinity;
  for (const [entrance, points] of view.points) {
    const kept = points.filter((point) => point.time >= cutoff);
    view.points.set(entrance, kept);
    const tile = view.tiles.get(entrance);
    if (tile) drawChart(tile, entrance);
  }
}

// ---- Tiles ------------------------------------------------------------------------------

function makeTile(name) {
  const parts = {};
  parts.state = el("span", { class: "state" });
  parts.device = el("span");
  parts.last = el("div", { class: "row last" });
  parts.counts = el("div", { class: "counts", "aria-label": "today's screenings by class" });
  parts.threshold = el("div", { class: "row threshold" });
  parts.canvas = el("canvas", { class: "chart", width: "600", height: "150", role: "img" });
  parts.health = el("div", { class: "health" });
  parts.calibration = el("div", { class: "health calibration" });
  parts.gate = el("span", { class: "gate" });
  parts.mode = el("span", { class: "mode" });
  // The emergency banner and its buttons are made once: a click must not fall between two
  // snapshots that rebuild the tile.
  parts.emergencyText = el("span", { class: "emergency-text" });
  parts.clearButton = el("button", { type: "button", "data-action": "clear-emergency" });
  parts.clearButton.addEventListener("click", () => {
    const emergency = tile.status && tile.status.emergency;
    clearEmergency(emergency && emergency.all_entrances ? null : name, parts.clearButton);
  });
  parts.emergency = el("div", { class: "emergency-banner", role: "status" }, parts.emergencyText, parts.clearButton);
  parts.emergency.hidden = true;
  parts.releaseButton = el("button", {
    type: "button",
    class: "danger",
    "data-action": "release",
    text: "Release (free passage)",
    "aria-label": `Emergency release of ${name}: free passage`,
  });
  parts.releaseButton.addEventListener("click", () => releaseEmergency(name, parts.releaseButton));
  parts.decision = el("div", { class: "row decision" });
  parts.guardLine = el("div", { class: "row guard-line" });
  parts.access = el("div", { class: "counts access-counts", "aria-label": "today's access decisions" });
  const root = el(
    "article",
    { class: "tile", "data-entrance": name },
    el(
      "div",
      { class: "tile-head" },
      el("span", { class: "tile-name", text: name }),
      parts.mode,
      parts.gate,
      parts.state,
    ),
    parts.emergency,
    parts.decision,
    parts.guardLine,
    parts.access,
    el("div", { class: "row" }, el("span", { class: "label", text: "device" }), parts.device),
    parts.last,
    parts.counts,
    parts.threshold,
    parts.canvas,
    parts.health,
    parts.calibration,
    el("div", { class: "tile-actions" }, parts.releaseButton),
  );
  const tile = { root, parts };
  return tile;
}

function renderTiles(entrances) {
  const container = document.getElementById("tiles");
  const names = new Set(entrances.map((entrance) => entrance.entrance));
  for (const [name, tile] of view.tiles) {
    if (!names.has(name)) {
      tile.root.remove();
      view.tiles.delete(name);
    }
  }
  entrances.forEach((entrance, index) => {
    let tile = view.tiles.get(entrance.entrance);
    if (!tile) {
      tile = makeTile(entrance.entrance);
      view.tiles.set(entrance.entrance, tile);
    }
    if (container.children[index] !== tile.root) container.insertBefore(tile.root, container.children[index] || null);
    updateTile(tile, entrance);
  });
}

function updateTile(tile, entrance) {
  const { root, parts } = tile;
  tile.status = entrance;
  root.dataset.state = entrance.state;
  parts.state.dataset.state = entrance.state;
  parts.state.textContent = STATE_LABELS[entrance.state] || entrance.state;
  // A simulated device's address carries its scene settings after "?": the name is enough.
  parts.device.textContent = entrance.device.split("?")[0];
  parts.device.title = entrance.device;
  parts.gate.textContent = entrance.gate_held ? "GATE HELD" : "";
  root.dataset.mode = entrance.mode;
  parts.mode.dataset.mode = entrance.mode;
  parts.mode.textContent = entrance.mode === "access" ? "ACCESS" : "SCREEN";
  parts.mode.title =
    entrance.mode === "access" ? "access control: ID and temperature open the turnstile" : "screening only (free flow)";
  updateEmergency(tile, entrance);
  updateDecision(tile, entrance);

  parts.last.replaceChildren();
  const last = entrance.last_screening;
  if (last) {
    parts.last.dataset.class = last.class;
    const who = last.person ? ` · ${last.person}` : "";
    parts.last.append(
      el("span", { class: "label", text: "last" }),
      el("span", {
        class: "value",
        // Without a body estimate the reason says why (no stable reading, a sensor fault).
        text: `${last.class.replace("_", " ")} ${last.body_c == null ? `(${last.reason.replaceAll("_", " ")})` : celsius(last.body_c)}${who}`,
      }),
      el("span", { class: "label ago", "data-time": String(last.time) }),
    );
  } else {
    parts.last.dataset.class = "";
    parts.last.append(el("span", { class: "label", text: "no screening yet" }));
  }

  parts.counts.replaceChildren(el("span", { class: "label", text: "today" }));
  for (const name of CLASSES) {
    const count = (entrance.today || {})[name] || 0;
    if (count || name === "normal" || name === "elevated" || name === "fever") {
      parts.counts.append(el("span", { "data-class": name, text: `${name.replace("_", " ")} ${count}` }));
    }
  }

  const source = entrance.threshold_source === "baseline" ? "adaptive baseline" : "fixed";
  parts.threshold.replaceChildren(
    el("span", { class: "label", text: "threshold" }),
    el("span", { class: "value", text: `${celsius(entrance.threshold_c)} (${source})` }),
  );
  if (entrance.baseline_c != null) {
    parts.threshold.append(el("span", { class: "label", text: `baseline ${celsius(entrance.baseline_c)}` }));
  }
  if (entrance.open_rechecks) {
    parts.threshold.append(el("span", { class: "class-elevated", text: `${entrance.open_rechecks} re-check(s) open` }));
  }

  parts.health.replaceChildren(
    document.createTextNode(`${entrance.samples} samples · ${entrance.device_errors || 0} device errors`),
  );
  if (entrance.last_error) {
    parts.health.append(document.createTextNode(" · "), el("span", { class: "warn", text: entrance.last_error }));
  }

  parts.calibration.replaceChildren();
  const calibration = entrance.calibration;
  if (calibration) {
    const outOfService = calibration.outcome === "out_of_service";
    const what = calibration.kind === "check" ? "checked" : "calibrated";
    parts.calibration.dataset.outcome = calibration.outcome;
    parts.calibration.append(
      document.createTextNode(`${what} ${dateText(calibration.time)} by ${calibration.technician}`),
    );
    if (outOfService) {
      parts.calibration.append(document.createTextNode(" · "), el("span", { class: "warn", text: "OUT OF SERVICE" }));
    } else if (calibration.next_due_at != null) {
      const overdue = calibration.next_due_at < gatewayNow();
      parts.calibration.append(
        document.createTextNode(" · "),
        el("span", { class: overdue ? "warn" : "", text: `${overdue ? "was due" : "due"} ${dateText(calibration.next_due_at)}` }),
      );
    }
  } else {
    parts.calibration.dataset.outcome = "none";
    if (entrance.calibration_required) {
      parts.calibration.append(el("span", { class: "warn", text: "never calibrated" }));
    } else {
      parts.calibration.append(document.createTextNode("no calibration needed (simulated)"));
    }
  }
  drawChart(tile, entrance.entrance);
}

function updateEmergency(tile, entrance) {
  const { root, parts } = tile;
  const emergency = entrance.emergency;
  root.dataset.emergency = String(Boolean(emergency));
  parts.emergency.hidden = !emergency;
  parts.releaseButton.hidden = Boolean(emergency);
  const noToken = !view.snapshot.token_configured;
  for (const button of [parts.releaseButton, parts.clearButton]) {
    if (button.dataset.busy !== "true") button.disabled = noToken;
    button.title = noToken ? "this gateway has no API token configured (http.token_env); releasing is off" : "";
  }
  if (!emergency) return;
  const scope = emergency.all_entrances ? " (all entrances)" : "";
  const since = hourMinute(emergency.since);
  parts.emergencyText.textContent =
    `FREE PASSAGE — emergency release by ${emergency.by} since ${since}: ${emergency.reason}${scope}`;
  parts.clearButton.textContent = emergency.all_entrances ? "End free passage everywhere" : "End free passage here";
}

function updateDecision(tile, entrance) {
  const { parts } = tile;
  const decision = entrance.last_decision;
  parts.decision.replaceChildren(el("span", { class: "label", text: "access" }));
  if (decision) {
    parts.decision.dataset.outcome = decision.outcome;
    const who = decision.holder ? `${personText(decision.person, TEXT.noID)} (${decision.holder})` : personText(decision.person, TEXT.noID);
    parts.decision.append(
      el("span", { class: "outcome", "data-outcome": decision.outcome, text: decision.outcome.toUpperCase() }),
      el("span", { class: "value", text: `${words(decision.reason)} · ${who}` }),
      el("span", { class: "label ago", "data-time": String(decision.time) }),
    );
  } else {
    parts.decision.dataset.outcome = "";
    parts.decision.append(el("span", { class: "label", text: "no decision yet" }));
  }
  parts.guardLine.replaceChildren();
  const line = entrance.guard_line;
  parts.guardLine.hidden = !line;
  if (line) {
    parts.guardLine.dataset.instruction = line.instruction;
    parts.guardLine.append(
      el("span", { class: "label", text: "guard" }),
      el("span", { class: "value", text: line.text }),
    );
  }
  const today = entrance.today_access || {};
  parts.access.replaceChildren(
    el("span", { class: "label", text: "today" }),
    el("span", { "data-outcome": "granted", text: `in ${today.granted || 0}` }),
    el("span", { "data-outcome": "denied", text: `denied ${today.denied || 0}` }),
  );
}

function renderEmergencySummary(entrances) {
  const released = entrances.filter((entrance) => entrance.emergency);
  const summary = document.getElementById("emergency-summary");
  summary.hidden = released.length === 0;
  const text = released.length
    ? `FREE PASSAGE at ${released.map((entrance) => entrance.entrance).join(", ")} (emergency release)`
    : "";
  if (summary.textContent !== text) summary.textContent = text;
}

// ---- Emergency release and visitor passes -----------------------------------------------

// The guard's name and token, typed in the header; nil (with the reason shown) when missing.
function operator(messageID) {
  const name = document.getElementById("ack-name").value.trim();
  const token = document.getElementById("ack-token").value.trim();
  if (!name) {
    showMessage("Type your name under “Your name” first.", false, messageID);
    document.getElementById("ack-name").focus();
    return null;
  }
  sessionStorage.setItem("thermogate.name", name);
  sessionStorage.setItem("thermogate.token", token);
  return { name, token };
}

async function withButton(button, action) {
  if (button) {
    button.dataset.busy = "true";
    button.disabled = true;
  }
  try {
    await action();
  } finally {
    if (button) {
      button.dataset.busy = "false";
      button.disabled = !view.snapshot?.token_configured;
    }
  }
}

// `entrance` null: every entrance.
async function releaseEmergency(entrance, button) {
  const who = operator("emergency-message");
  if (!who) return;
  const reasonField = document.getElementById("emergency-reason");
  const reason = reasonField.value.trim();
  const where = entrance || "every entrance";
  if (!reason) {
    const text = `Type the reason for releasing ${where} under “Emergency release” first.`;
    showMessage(text, false, "emergency-message");
    reasonField.focus();
    return;
  }
  await withButton(button, async () => {
    try {
      const body = entrance ? { entrance, by: who.name, reason } : { by: who.name, reason };
      const { ok, status, answer } = await post("/api/emergency", who.token, body);
      showMessage(
        ok ? `Free passage at ${where}, released by ${who.name}.` : `${where} not released: ${answer.error || status}`,
        ok,
        "emergency-message",
      );
    } catch (error) {
      const text = `${where} not released: the gateway cannot be reached (${error.message})`;
      showMessage(text, false, "emergency-message");
    }
  });
}

async function clearEmergency(entrance, button) {
  const who = operator("emergency-message");
  if (!who) return;
  const where = entrance || "every entrance";
  await withButton(button, async () => {
    try {
      const body = entrance ? { entrance, by: who.name } : { by: who.name };
      const { ok, status, answer } = await post("/api/emergency/clear", who.token, body);
      if (!ok) {
        showMessage(`Free passage at ${where} not ended: ${answer.error || status}`, false, "emergency-message");
        return;
      }
      const still = entrance && (answer.active || []).some((release) => release.all_entrances);
      showMessage(
        still
          ? `${entrance} is still in free passage: every entrance is released. End it everywhere to lock it.`
          : `Free passage at ${where} ended by ${who.name}.`,
        !still,
        "emergency-message",
      );
    } catch (error) {
      const text = `Free passage at ${where} not ended: the gateway cannot be reached (${error.message})`;
      showMessage(text, false, "emergency-message");
    }
  });
}

async function issuePass(event) {
  event.preventDefault();
  const who = operator("visitor-message");
  if (!who) return;
  const form = event.target;
  const phone = document.getElementById("visitor-phone").value.trim();
  const body = {
    name: document.getElementById("visitor-name").value.trim(),
    host: document.getElementById("visitor-host").value.trim(),
    hours: Number(document.getElementById("visitor-hours").value),
    by: who.name,
  };
  if (phone) body.phone = phone;
  const codeNode = document.getElementById("visitor-code");
  codeNode.hidden = true;
  await withButton(form.querySelector("button"), async () => {
    try {
      const { ok, status, answer } = await post("/api/visitors", who.token, body);
      if (!ok) {
        showMessage(`No pass issued: ${answer.error || status}`, false, "visitor-message");
        return;
      }
      const until = new Date(answer.valid_until).getTime() / 1000;
      const phoneText = answer.phone_masked ? ` · phone ${answer.phone_masked}` : "";
      showMessage(
        `Pass for ${answer.name}, visiting ${answer.host}, ` +
          `valid until ${hourMinute(until)} ${dateText(until)}${phoneText}. ` +
          "The code is shown this once: hand it over now.",
        true,
        "visitor-message",
      );
      codeNode.replaceChildren(el("span", { class: "label", text: "code " }), el("strong", { text: answer.code }));
      codeNode.dataset.code = answer.code;
      codeNode.hidden = false;
      form.reset();
    } catch (error) {
      showMessage(`No pass issued: the gateway cannot be reached (${error.message})`, false, "visitor-message");
    }
  });
}

// ---- Chart ------------------------------------------------------------------------------

function drawChart(tile, entrance) {
  const canvas = tile.parts.canvas;
  const context = canvas.getContext("2d");
  const width = canvas.width;
  const height = canvas.height;
  // Judged screenings only: a retry's estimate (still warming up, skin too cold) is not a
  // body temperature and would stretch the scale.
  const points = (view.points.get(entrance) || []).filter(
    (point) => point.body_c != null && CHARTED.has(point.class),
  );
  const status = tile.status;
  const end = gatewayNow();
  const start = end - view.span;
  let low = 35.0;
  let high = 38.5;
  for (const point of points) {
    low = Math.min(low, point.body_c - 0.2);
    high = Math.max(high, point.body_c + 0.2, point.threshold_c + 0.3);
  }
  if (status) high = Math.max(high, status.threshold_c + 0.3);
  low = Math.max(low, 30);
  high = Math.min(high, 43);
  const x = (time) => ((time - start) / (end - start)) * (width - 52) + 36;
  const yRaw = (value) => height - 18 - ((value - low) / (high - low)) * (height - 26);
  const y = (value) => Math.max(4, Math.min(height - 18, yRaw(value)));

  context.clearRect(0, 0, width, height);
  context.font = "18px sans-serif";
  context.fillStyle = "#4a5361";
  context.strokeStyle = "#e4e8ee";
  context.lineWidth = 1;
  for (let value = Math.ceil(low); value <= high; value += 1) {
    context.beginPath();
    context.moveTo(36, y(value));
    context.lineTo(width, y(value));
    context.stroke();
    context.fillText(String(value), 2, y(value) + 6);
  }
  context.fillText("← last hour", 40, height - 2);

  // Threshold in force, as it was at each screening and now.
  context.strokeStyle = "#c0141c";
  context.setLineDash([8, 6]);
  context.lineWidth = 2;
  context.beginPath();
  let started = false;
  for (const point of points) {
    const px = Math.max(36, x(point.time));
    if (!started) {
      context.moveTo(36, y(point.threshold_c));
      started = true;
    }
    context.lineTo(px, y(point.threshold_c));
  }
  if (status) {
    if (!started) context.moveTo(36, y(status.threshold_c));
    context.lineTo(width, y(status.threshold_c));
  }
  context.stroke();
  if (status && status.baseline_c != null) {
    context.strokeStyle = "#0b5cad";
    context.setLineDash([3, 5]);
    context.beginPath();
    context.moveTo(36, y(status.baseline_c));
    context.lineTo(width, y(status.baseline_c));
    context.stroke();
  }
  context.setLineDash([]);

  for (const point of points) {
    if (point.time < start) continue;
    context.fillStyle = CLASS_COLOURS[point.class] || "#4a5361";
    const px = x(point.time);
    const py = y(point.body_c);
    context.beginPath();
    if (point.class === "fever") {
      // A square for a fever, a diamond for elevated, a dot for normal: not by colour alone.
      context.rect(px - 6, py - 6, 12, 12);
    } else if (point.class === "elevated") {
      context.moveTo(px, py - 7);
      context.lineTo(px + 7, py);
      context.lineTo(px, py + 7);
      context.lineTo(px - 7, py);
      context.closePath();
    } else {
      context.arc(px, py, 4, 0, Math.PI * 2);
    }
    context.fill();
  }
  canvas.setAttribute(
    "aria-label",
    `${entrance}: ${points.length} screenings in the last hour, threshold ${status ? celsius(status.threshold_c) : "unknown"}`,
  );
  canvas.dataset.points = String(points.length);
}

// ---- Alerts -----------------------------------------------------------------------------

function makeAlert(alert) {
  const parts = {};
  parts.kind = el("span", { class: "kind", "data-kind": alert.kind, text: alert.kind.replace("_", " ") });
  parts.summary = el("div", { class: "summary", text: alert.summary });
  parts.meta = el("div", { class: "meta" });
  parts.deliveries = el("div", { class: "deliveries" });
  parts.action = el("div", { class: "action" });
  parts.button = el("button", {
    type: "button",
    "data-action": "ack",
    text: "Acknowledge",
    "aria-label": `Acknowledge alert ${alert.id}: ${alert.summary}`,
  });
  parts.button.addEventListener("click", () => acknowledge(alert.id, parts.button));
  const body = el("div", {}, parts.summary, parts.meta, parts.deliveries);
  const root = el(
    "li",
    { class: "alert", "data-alert-id": String(alert.id), "data-kind": alert.kind, "data-entrance": alert.entrance },
    parts.kind,
    body,
    parts.action,
  );
  return { root, parts };
}

function renderAlerts(alerts) {
  const list = document.getElementById("alerts");
  const ids = new Set(alerts.map((alert) => alert.id));
  for (const [id, item] of view.alerts) {
    if (!ids.has(id)) {
      item.root.remove();
      view.alerts.delete(id);
    }
  }
  alerts.forEach((alert, index) => {
    let item = view.alerts.get(alert.id);
    if (!item) {
      item = makeAlert(alert);
      view.alerts.set(alert.id, item);
    }
    if (list.children[index] !== item.root) list.insertBefore(item.root, list.children[index] || null);
    updateAlert(item, alert);
  });
  document.getElementById("no-alerts").hidden = alerts.length > 0;
  const open = view.snapshot.open_alerts ?? alerts.filter((alert) => alert.open).length;
  const more = view.snapshot.open_alerts_capped ? "+" : "";
  document.getElementById("open-count").textContent = `(${open}${more} open)`;
}

function updateAlert(item, alert) {
  const { root, parts } = item;
  item.alert = alert;
  root.dataset.open = String(alert.open);
  root.dataset.acknowledged = String(alert.acknowledged_by != null);
  const meta = [`${alert.entrance}`, clockTime(alert.raised_at_s)];
  parts.meta.replaceChildren(
    document.createTextNode(meta.join(" · ") + " · "),
    el("span", { class: "ago", "data-time": String(alert.raised_at_s) }),
  );
  if (alert.acknowledged_by) {
    parts.meta.append(document.createTextNode(` · acknowledged by ${alert.acknowledged_by}`));
  } else if (alert.resolved_at) {
    parts.meta.append(document.createTextNode(" · resolved"));
  }
  parts.deliveries.replaceChildren();
  for (const delivery of alert.deliveries) {
    const repeat = delivery.sequence > 0 ? ` #${delivery.sequence + 1}` : "";
    const error = delivery.status === "failed" && delivery.last_error ? ` (${delivery.last_error})` : "";
    parts.deliveries.append(
      el("span", {
        "data-sink": delivery.sink,
        "data-status": delivery.status,
        text: `${delivery.sink}${repeat}: ${delivery.status}${error}`,
      }),
    );
  }
  if (alert.open && !parts.button.isConnected && parts.button.dataset.done !== "true") {
    parts.action.replaceChildren(parts.button);
  }
  // Without a token configured on the gateway nobody can acknowledge from here: say so.
  parts.button.disabled = !view.snapshot.token_configured;
  parts.button.title = view.snapshot.token_configured
    ? ""
    : "this gateway has no API token configured (http.token_env); acknowledging is off";
  if (!alert.open) parts.action.replaceChildren();
}

async function acknowledge(id, button) {
  const name = document.getElementById("ack-name").value.trim();
  const token = document.getElementById("ack-token").value.trim();
  if (!name) {
    showMessage("Type your name under “Your name” first.", false);
    document.getElementById("ack-name").focus();
    return;
  }
  sessionStorage.setItem("thermogate.name", name);
  sessionStorage.setItem("thermogate.token", token);
  button.disabled = true;
  try {
    const response = await fetch(`/api/alerts/${id}/ack`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ by: name }),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      showMessage(`Alert ${id} acknowledged by ${name}.`, true);
      // Gone from the list at the next snapshot; until then no second click.
      button.dataset.done = "true";
      button.remove();
      return;
    } else {
      showMessage(`Alert ${id} not acknowledged: ${answer.error || response.status}`, false);
    }
  } catch (error) {
    showMessage(`Alert ${id} not acknowledged: the gateway cannot be reached (${error.message})`, false);
  } finally {
    button.disabled = !view.snapshot?.token_configured;
  }
}

function showMessage(text, ok, id = "ack-message") {
  const message = document.getElementById(id);
  message.textContent = text;
  message.dataset.kind = ok ? "ok" : "error";
  message.hidden = false;
}

// ---- Re-checks --------------------------------------------------------------------------

function renderRechecks(entrances) {
  const rechecks = [];
  for (const entrance of entrances) {
    for (const recheck of entrance.rechecks || []) rechecks.push({ entrance: entrance.entrance, ...recheck });
  }
  rechecks.sort((a, b) => a.deadline - b.deadline);
  const list = document.getElementById("rechecks");
  list.replaceChildren(
    ...rechecks.map((recheck) => {
      const who = recheck.person || "person without ID";
      return el(
        "li",
        { class: "recheck", "data-recheck": String(recheck.id), "data-entrance": recheck.entrance },
        el("span", { text: `${recheck.entrance} · ${who} · ${celsius(recheck.body_c)}` }),
        el("span", {
          class: "left",
          "data-deadline": String(recheck.deadline),
          "data-opened": String(recheck.opened_at),
        }),
        el("div", { class: "progress" }, el("div")),
      );
    }),
  );
  document.getElementById("no-rechecks").hidden = rechecks.length > 0;
  document.getElementById("recheck-count").textContent = rechecks.length ? `(${rechecks.length})` : "";
}

// ---- Secondary station and on call ------------------------------------------------------

const SECONDARY_REFRESH_MS = 5000;
// Who is on call changes at the roster's hours, not by the second.
const ON_CALL_REFRESH_MS = 30000;
// Fevers still without a disposition are looked for this far back (a weekend and then some).
const AWAITING_HOURS = 168;

function operatorToken() {
  return document.getElementById("ack-token").value.trim();
}

function authorization() {
  const token = operatorToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// Hours from the gateway's local midnight to now: the API takes "hours back", the panel counts
// today.
function hoursToday() {
  const now = gatewayNow();
  const midnight = new Date(now * 1000);
  midnight.setHours(0, 0, 0, 0);
  return Math.max(1 / 60, (now - midnight.getTime() / 1000) / 3600);
}

async function refreshSecondary() {
  const status = document.getElementById("secondary-status");
  // Only with a token: without one the page shows nothing of anyone sent there.
  if (!operatorToken()) {
    renderSecondary(null, null);
    status.textContent = TEXT.secondaryNeedsToken;
    status.hidden = false;
    return;
  }
  try {
    const headers = authorization();
    const [today, fevers] = await Promise.all([
      fetch(`/api/secondary?status=all&hours=${hoursToday().toFixed(3)}`, { headers }),
      fetch(`/api/secondary?status=fever&hours=${AWAITING_HOURS}`, { headers }),
    ]);
    for (const response of [today, fevers]) {
      if (!response.ok) {
        const answer = await response.json().catch(() => ({}));
        renderSecondary(null, null);
        status.textContent = TEXT.secondaryRefused(answer.error || response.status);
        status.hidden = false;
        return;
      }
    }
    renderSecondary(await today.json(), await fevers.json());
    status.hidden = true;
  } catch (error) {
    status.textContent = TEXT.secondaryUnreachable(error.message);
    status.hidden = false;
  }
}

function renderSecondary(today, fevers) {
  const counts = document.getElementById("secondary-counts");
  const list = document.getElementById("secondary-fevers");
  const none = document.getElementById("no-secondary-fevers");
  if (!today || !fevers) {
    counts.hidden = true;
    counts.replaceChildren();
    list.replaceChildren();
    none.hidden = true;
    return;
  }
  counts.replaceChildren(el("span", { class: "label", text: TEXT.today }));
  for (const [name, label] of Object.entries(TEXT.secondaryCounts)) {
    const count = today.filter((found) => found.status === name).length;
    counts.append(el("span", { "data-status": name, text: `${label} ${count}` }));
  }
  counts.hidden = false;
  const awaiting = fevers
    .filter((found) => !found.disposition)
    .sort((a, b) => Date.parse(a.settled_at || a.opened_at) - Date.parse(b.settled_at || b.opened_at));
  list.replaceChildren(
    ...awaiting.map((found) => {
      const reading = found.reading
        ? `${TEXT.methods[found.reading.method] || found.reading.method} ${celsius(found.reading.value_c)}`
        : "";
      const confirmed = found.settled_at ? TEXT.confirmedAt(hourMinute(found.settled_at)) : "";
      return el(
        "li",
        { class: "recheck", "data-case": String(found.id), "data-entrance": found.entrance },
        el("span", { text: [found.entrance, personText(found.person, TEXT.noID), reading, confirmed].filter(Boolean).join(" · ") }),
        el("span", { class: "awaiting", text: TEXT.awaitingDisposition }),
      );
    }),
  );
  none.hidden = awaiting.length > 0;
}

async function refreshOnCall() {
  const line = document.getElementById("on-call");
  let state = "unavailable";
  let text;
  try {
    const response = await fetch("/api/on-call", { headers: authorization() });
    if (response.status === 404) {
      state = "unconfigured";
      text = TEXT.onCallNotConfigured;
    } else if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      text = TEXT.onCallUnavailable(answer.error || response.status);
    } else {
      state = "configured";
      text = onCallText(await response.json());
    }
  } catch (error) {
    text = TEXT.onCallUnavailable(error.message);
  }
  line.dataset.state = state;
  if (line.textContent !== text) line.textContent = text;
}

function onCallText(roster) {
  const now = roster.now;
  let text = now ? TEXT.onCallNow(now.name, now.channels || []) : TEXT.onCallNobody;
  if (roster.next_change_at) {
    text += TEXT.onCallUntil(hourMinute(roster.next_change_at));
    if (roster.next && roster.next.name) text += TEXT.onCallNext(roster.next.name);
  }
  const stages = (roster.chain || []).map((stage) => {
    if (stage.role === "duty_office" || !stage.name) return TEXT.onCallDutyOffice;
    return stage.role === "backup" ? TEXT.onCallBackup(stage.name) : stage.name;
  });
  if (stages.length) text += TEXT.onCallChain(stages);
  return text;
}

function startSecondaryPanel() {
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = TEXT[node.dataset.text];
  // Kept for the tab, under the keys the secondary station's page reads too.
  const name = document.getElementById("ack-name");
  name.addEventListener("change", () => sessionStorage.setItem("thermogate.name", name.value.trim()));
  const token = document.getElementById("ack-token");
  token.addEventListener("change", () => {
    sessionStorage.setItem("thermogate.token", operatorToken());
    refreshSecondary();
    refreshOnCall();
  });
  refreshSecondary();
  refreshOnCall();
  setInterval(refreshSecondary, SECONDARY_REFRESH_MS);
  setInterval(refreshOnCall, ON_CALL_REFRESH_MS);
}

// ---- Clock ------------------------------------------------------------------------------

function tick() {
  const now = gatewayNow();
  if (view.receivedAt) document.getElementById("clock").textContent = clockTime(now);
  for (const node of document.querySelectorAll(".ago[data-time]")) {
    node.textContent = `${duration(now - Number(node.dataset.time))} ago`;
  }
  for (const node of document.querySelectorAll(".left[data-deadline]")) {
    const deadline = Number(node.dataset.deadline);
    const opened = Number(node.dataset.opened);
    const left = deadline - now;
    node.dataset.late = String(left < 0);
    node.textContent = left >= 0 ? `${duration(left)} left` : `overdue ${duration(-left)}`;
    const bar = node.parentElement.querySelector(".progress div");
    if (bar) bar.style.width = `${Math.max(0, Math.min(100, (left / (deadline - opened)) * 100))}%`;
  }
}
setInterval(tick, 500);

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("ack-name").value = sessionStorage.getItem("thermogate.name") || "";
  document.getElementById("ack-token").value = sessionStorage.getItem("thermogate.token") || "";
  document.getElementById("operator").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("emergency-form").addEventListener("submit", (event) => event.preventDefault());
  document.querySelector('[data-action="release-all"]').addEventListener("click", (event) =>
    releaseEmergency(null, event.currentTarget),
  );
  document.querySelector('[data-action="clear-all"]').addEventListener("click", (event) =>
    clearEmergency(null, event.currentTarget),
  );
  document.getElementById("visitor-form").addEventListener("submit", issuePass);
  startSecondaryPanel();
  connect();
});
