// CkptFS web UI: helpers shared by the NameNode's and the DataNode's pages (no framework, no
// external file). Elements are built with h() and text nodes only: names from the namespace are
// never parsed as HTML.
"use strict";
const ckptfs = (() => {
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    append(element, children);
    return element;
  }

  function append(element, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  // SVG elements need their namespace.
  function s(tag, attrs, ...children) {
    const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) element.setAttribute(name, String(value));
    }
    append(element, children);
    return element;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(body && body.error ? body.error : `${url}: HTTP ${response.status}`);
    return body;
  }

  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  function bytes(value) {
    let n = Number(value), unit = 0;
    while (Math.abs(n) >= 1024 && unit < units.length - 1) { n /= 1024; unit++; }
    return unit === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[unit]}`;
  }

  function number(value) { return Number(value).toLocaleString("en-US"); }

  function seconds(value) {
    if (value === null || value === undefined) return "-";
    const v = Number(value);
    if (v < 1) return `${Math.round(v * 1000)} ms`;
    if (v < 120) return `${v.toFixed(v < 10 ? 2 : 1)} s`;
    if (v < 7200) return `${(v / 60).toFixed(1)} min`;
    return `${(v / 3600).toFixed(2)} h`;
  }

  function time(ms) { return ms > 0 ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "-"; }

  function ago(ms, nowMs) {
    if (!(ms > 0)) return "never";
    const s = Math.max(0, ((nowMs || Date.now()) - ms) / 1000);
    return s < 60 ? `${s.toFixed(0)} s ago` : s < 3600 ? `${(s / 60).toFixed(0)} min ago` : `${(s / 3600).toFixed(1)} h ago`;
  }

  function percent(part, whole) { return whole > 0 ? (100 * part / whole) : 0; }

  function badge(text, kind) { return h("span", { class: `badge ${kind || text}` }, text); }

  function bar(part, whole) {
    const p = percent(part, whole);
    return h("div", { class: "bar", title: `${p.toFixed(1)} %` }, h("span", { style: `width:${p.toFixed(1)}%` }));
  }

  function card(label, value, options) {
    const o = options || {};
    return h("div", { class: `card ${o.tone || ""}`, "data-field": o.field },
      h("div", { class: "label" }, label), h("div", { class: "value" }, value), o.sub ? h("div", { class: "sub" }, o.sub) : null);
  }

  function table(headers, rows, attrs) {
    return h("table", attrs || {},
      h("thead", {}, h("tr", {}, headers.map(x => typeof x === "string" ? h("th", {}, x) : h("th", { class: x.class }, x.text)))),
      h("tbody", {}, rows));
  }

  function replace(container, ...children) {
    container.replaceChildren();
    append(container, children);
  }

  function error(message) { return h("div", { class: "error", role: "alert" }, message); }

  return { h, s, getJson, bytes, number, seconds, time, ago, percent, badge, bar, card, table, replace, error };
})();
