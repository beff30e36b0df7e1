// What the duty dashboard and the secondary station's page both use: nodes built from text
// (never from received HTML), and times, temperatures and IDs as the pages show them. Loaded
// before each page's own script.
"use strict";

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// Seconds since the epoch of a wire time: a number already, or an ISO 8601 instant.
function epochSeconds(instant) {
  return typeof instant === "number" ? instant : Date.parse(instant) / 1000;
}

function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d`;
}

function clockTime(instant) {
  return new Date(epochSeconds(instant) * 1000).toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

function hourMinute(instant) {
  return new Date(epochSeconds(instant) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function celsius(value) {
  return value == null ? "–" : `${Number(value).toFixed(1)} °C`;
}

// A hashed person ID ("h:" and 64 hex digits) is shortened: enough to tell two apart.
function personText(person, missing) {
  if (!person) return missing;
  return person.startsWith("h:") && person.length > 12 ? `${person.slice(0, 10)}…` : person;
}

// A JSON POST with the operator's token; the answer's JSON (or nothing) with its status.
async function post(path, token, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}
