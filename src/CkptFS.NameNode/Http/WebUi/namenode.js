// The NameNode's pages: one document, one page per location hash (#/overview, #/datanodes,
// #/browse?path=/a, #/checkpoints?job=/jobs/a, #/events), each drawn from /api/v1 (README: Web UI)
// and redrawn every few seconds while it is shown (not the browser, which keeps the user's place).
"use strict";
(() => {
  const { h, s, getJson, bytes, number, seconds, time, ago, badge, bar, card, table, replace, error } = ckptfs;
  const page = document.getElementById("page");
  const RefreshMs = 3000;
  let timer = null;
  let drawing = 0;

  function route() {
    const [name, query] = (location.hash.replace(/^#\/?/, "") || "overview").split("?");
    return { name: name || "overview", params: new URLSearchParams(query || "") };
  }

  function link(name, params) {
    const query = new URLSearchParams(params || {}).toString();
    return `#/${name}${query ? "?" + query : ""}`;
  }

  const pages = {
    async overview() {
      const [o, events] = await Promise.all([getJson("/api/v1/overview"), getJson("/api/v1/events?limit=5")]);
      const d = o.datanodes;
      return [
        h("h1", {}, "Overview"),
        h("div", { class: "cards" },
          card("Safe mode", o.safeMode ? "ON" : "off", { tone: o.safeMode ? "warn" : "ok", field: "safeMode", sub: o.safeMode ? "reads only until enough blocks are reported" : "taking writes" }),
          card("Capacity", bytes(o.capacityBytes), { field: "capacity", sub: `${bytes(o.usedBytes)} in replicas, ${bytes(o.remainingBytes)} free` }),
          card("Blocks", number(o.totalBlocks), { field: "totalBlocks" }),
          card("Under-replicated", number(o.underReplicatedBlocks), { tone: o.underReplicatedBlocks > 0 ? "warn" : "", field: "underReplicatedBlocks" }),
          card("Corrupt replicas", number(o.corruptReplicas), { tone: o.corruptReplicas > 0 ? "bad" : "", field: "corruptReplicas" }),
          card("Missing blocks", number(o.missingBlocks), { tone: o.missingBlocks > 0 ? "bad" : "", field: "missingBlocks" }),
          card("Live DataNodes", number(d.live), { tone: "ok", field: "live" }),
          card("Stale", number(d.stale), { tone: d.stale > 0 ? "warn" : "", field: "stale" }),
          card("In maintenance", number(d.maintenance), { field: "maintenance" }),
          card("Dead", number(d.dead), { tone: d.dead > 0 ? "bad" : "", field: "dead" })),
        h("div", { style: "margin-top:12px", title: "disk in use (replicas and everything else on the DataNodes' disks)" }, bar(o.capacityBytes - o.remainingBytes, o.capacityBytes)),
        h("p", { class: "muted" }, `RPC ${o.rpcAddress} · started ${time(Date.parse(o.started))} · ${number(o.inodes)} inodes`),
        h("h2", {}, "Recent events"),
        eventsTable(events.events, "No events since this NameNode started."),
        h("p", {}, h("a", { href: link("events") }, "All events")),
      ];
    },

    async datanodes() {
      const [{ datanodes }, o] = await Promise.all([getJson("/api/v1/datanodes"), getJson("/api/v1/overview")]);
      const now = Date.parse(o.now);
      const rows = datanodes.map(n => h("tr", { "data-uuid": n.uuid, "data-state": n.state },
        h("td", {}, n.httpPort > 0 ? h("a", { href: `http://${n.host}:${n.httpPort}/` }, n.uuid) : n.uuid),
        h("td", { class: "mono" }, `${n.host}:${n.transferPort}`),
        h("td", {}, n.location),
        h("td", {}, badge(n.state)),
        h("td", { class: "num" }, bytes(n.capacityBytes)),
        h("td", { class: "num" }, bytes(n.usedBytes)),
        h("td", { class: "num" }, bytes(n.remainingBytes)),
        h("td", {}, bar(n.capacityBytes - n.remainingBytes, n.capacityBytes)),
        h("td", { class: "num", "data-field": "blocks" }, number(n.blocks)),
        h("td", { class: "num" }, number(n.transfersInProgress)),
        h("td", {}, ago(n.lastHeartbeatMs, now))));
      return [
        h("h1", {}, `DataNodes (${datanodes.length})`),
        table(["DataNode", "Address", "Location", "State", { text: "Capacity", class: "num" }, { text: "Used", class: "num" },
          { text: "Remaining", class: "num" }, "Disk use", { text: "Blocks", class: "num" }, { text: "Xfers", class: "num" }, "Last heartbeat"],
          rows.length ? rows : h("tr", {}, h("td", { colspan: 11, class: "muted" }, "No DataNode has registered.")), { id: "datanodes" }),
      ];
    },

    async browse(params) {
      const path = params.get("path") || "/";
      const crumbs = [h("a", { href: link("browse", { path: "/" }) }, "/")];
      let prefix = "";
      for (const part of path.split("/").filter(Boolean)) {
        prefix += "/" + part;
        crumbs.push(h("a", { href: link("browse", { path: prefix }) }, part), h("span", { class: "muted" }, "/"));
      }
      const listing = await getJson(`/api/v1/listing?path=${encodeURIComponent(path)}&limit=1000`);
      const only = listing.entries.length === 1 ? listing.entries[0] : null;
      if (only && only.type === "file" && only.path === listing.path) {
        return [h("h1", {}, "File"), h("div", { class: "crumbs" }, crumbs), await fileView(path)];
      }
      const rows = listing.entries.map(e => h("tr", { "data-path": e.path },
        h("td", {}, h("a", { href: link("browse", { path: e.path }) }, e.name + (e.type === "directory" ? "/" : ""))),
        h("td", {}, e.type),
        h("td", { class: "num" }, e.type === "file" ? bytes(e.length) : ""),
        h("td", { class: "num" }, e.type === "file" ? e.replication : ""),
        h("td", { class: "num" }, e.type === "file" ? e.blocks : ""),
        h("td", {}, time(e.modificationTimeMs)),
        h("td", {}, `${e.owner}:${e.group}`),
        h("td", { class: "mono" }, e.permission),
        h("td", {}, e.underConstruction ? badge("open for write", "pending") : "")));
      return [
        h("h1", {}, "Browse"),
        h("div", { class: "crumbs" }, crumbs),
        h("h2", {}, `${listing.path} (${listing.entries.length}${listing.remaining ? ` of ${listing.entries.length + listing.remaining}` : ""} entries)`),
        table(["Name", "Type", { text: "Size", class: "num" }, { text: "Repl", class: "num" }, { text: "Blocks", class: "num" }, "Modified", "Owner", "Mode", ""],
          rows.length ? rows : h("tr", {}, h("td", { colspan: 9, class: "muted" }, "Empty directory.")), { id: "listing" }),
      ];
    },

    async checkpoints(params) {
      const job = params.get("job");
      if (!job) {
        const { jobs } = await getJson("/api/v1/checkpoints");
        const rows = jobs.map(j => h("tr", { "data-job": j.job },
          h("td", {}, h("a", { href: link("checkpoints", { job: j.job }) }, j.job)),
          h("td", { class: "num" }, j.latestStep ?? "-"),
          h("td", { class: "num" }, j.committed),
          h("td", {}, j.retention.description)));
        return [h("h1", {}, "Checkpoint jobs"),
          table(["Job", { text: "Latest step", class: "num" }, { text: "Checkpoints", class: "num" }, "Retention"],
            rows.length ? rows : h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No job has committed a checkpoint yet.")), { id: "jobs" })];
      }
      const mtbfHours = Number(params.get("mtbfHours") || 24), restartMinutes = Number(params.get("restartMinutes") || 0);
      const j = await getJson(`/api/v1/checkpoints/job?job=${encodeURIComponent(job)}&mtbfSeconds=${mtbfHours * 3600}&restartSeconds=${restartMinutes * 60}`);
      const committed = j.checkpoints.filter(c => c.state !== "pending");
      const damaged = committed.filter(c => c.state === "damaged").length;
      const rows = j.checkpoints.map(c => h("tr", { "data-step": c.step, "data-state": c.state },
        h("td", { class: "num" }, c.step),
        h("td", {}, badge(c.state), " ", c.latest ? badge("latest") : null),
        h("td", { class: "num" }, c.shards),
        h("td", { class: "num" }, bytes(c.bytes)),
        h("td", {}, c.committedMs > 0 ? time(c.committedMs) : "-"),
        h("td", { class: "num" }, c.blockingSaveMs > 0 ? seconds(c.blockingSaveMs / 1000) : "-"),
        h("td", { class: "num" }, c.totalSaveMs > 0 ? seconds(c.totalSaveMs / 1000) : "-"),
        h("td", {}, h("a", { href: link("browse", { path: c.path }) }, c.path), c.problem ? h("div", { class: "muted" }, c.problem) : null)));
      return [
        h("h1", {}, `Checkpoints of ${j.job}`),
        h("div", { class: "cards" },
          card("Latest step", j.latestStep ?? "-", { field: "latestStep" }),
          card("Committed", number(committed.length), { field: "committed" }),
          card("Damaged", number(damaged), { tone: damaged > 0 ? "bad" : "", field: "damaged" }),
          card("Retention", j.retention.description, { field: "retention" }),
          card("Size of latest", j.latestStep === null ? "-" : bytes((committed.find(c => c.step === j.latestStep) || {}).bytes || 0), { field: "latestBytes" })),
        h("h2", {}, "Size and save time per step"),
        stepChart(committed),
        h("h2", {}, "Checkpoint interval advice"),
        adviceView(j, mtbfHours, restartMinutes),
        h("h2", {}, "Steps"),
        table([{ text: "Step", class: "num" }, "State", { text: "Shards", class: "num" }, { text: "Size", class: "num" }, "Committed",
          { text: "Blocking save", class: "num" }, { text: "Total save", class: "num" }, "Path"],
          rows.length ? rows : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No checkpoint.")), { id: "steps" }),
      ];
    },

    async events() {
      const e = await getJson("/api/v1/events");
      return [h("h1", {}, "Events"),
        h("p", { class: "muted" }, `The last ${e.events.length} of ${e.total} events since this NameNode started (it keeps ${e.capacity}).`),
        eventsTable(e.events, "No events since this NameNode started.")];
    },
  };

  function eventsTable(events, empty) {
    const rows = events.map(e => h("tr", { "data-kind": e.kind },
      h("td", {}, time(e.timeMs)), h("td", {}, badge(e.kind)), h("td", { class: "mono" }, e.subject), h("td", {}, e.message)));
    return table(["Time", "Kind", "Subject", "What happened"], rows.length ? rows : h("tr", {}, h("td", { colspan: 4, class: "muted" }, empty)), { class: "events" });
  }

  async function fileView(path) {
    const f = await getJson(`/api/v1/file?path=${encodeURIComponent(path)}`);
    const rows = f.blocks.map(b => h("tr", { "data-block": b.blockId },
      h("td", { class: "mono" }, `blk_${b.blockId}`),
      h("td", { class: "num" }, b.generationStamp),
      h("td", { class: "num" }, number(b.offset)),
      h("td", { class: "num" }, bytes(b.length)),
      h("td", {}, b.corrupt ? badge("corrupt") : null, b.locations.map(l => [badge(l.uuid, l.state), " "])),
      h("td", { class: "num" }, `${b.locations.length} / ${f.file.replication}`)));
    const file = f.file;
    return h("div", {},
      h("div", { class: "cards" },
        card("Size", bytes(file.length), { sub: `${number(file.length)} bytes`, field: "length" }),
        card("Replication", file.replication, { field: "replication" }),
        card("Block size", bytes(file.blockSize), { field: "blockSize" }),
        card("Blocks", f.blocks.length, { field: "blocks" }),
        card("State", file.underConstruction ? "open" : "closed", { tone: file.underConstruction ? "warn" : "ok", sub: `${file.owner}:${file.group} ${file.permission}` })),
      h("h2", {}, "Blocks and replicas"),
      table(["Block", { text: "Genstamp", class: "num" }, { text: "Offset", class: "num" }, { text: "Length", class: "num" }, "Replicas", { text: "Count", class: "num" }],
        rows.length ? rows : h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No blocks.")), { id: "blocks" }));
  }

  // Bars: each committed step's size (left axis); dots joined by a line: its blocking save time (right axis).
  function stepChart(checkpoints) {
    if (checkpoints.length === 0) return h("div", { class: "chart muted" }, "No committed checkpoint yet.");
    const width = 900, height = 240, left = 64, right = 56, top = 14, bottom = 34;
    const plotW = width - left - right, plotH = height - top - bottom;
    const maxBytes = Math.max(1, ...checkpoints.map(c => c.bytes));
    const maxSave = Math.max(1, ...checkpoints.map(c => Math.max(c.blockingSaveMs, c.totalSaveMs)));
    const slot = plotW / checkpoints.length, barW = Math.max(2, Math.min(48, slot * 0.6));
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, id: "step-chart", role: "img", "aria-label": "size and save time per step" });
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH * (1 - i / 4);
      svg.append(s("line", { x1: left, x2: left + plotW, y1: y, y2: y, stroke: "#e3e7ee" }),
        s("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6475" }, bytes(maxBytes * i / 4)),
        s("text", { x: left + plotW + 6, y: y + 4, "font-size": 11, fill: "#a05a00" }, seconds(maxSave * i / 4000)));
    }
    const points = [];
    checkpoints.forEach((c, i) => {
      const x = left + slot * (i + 0.5);
      const barH = plotH * c.bytes / maxBytes;
      svg.append(s("rect", { x: x - barW / 2, y: top + plotH - barH, width: barW, height: Math.max(barH, 1), fill: c.state === "damaged" ? "#b3261e" : "#2456b3", "data-step": c.step, "data-bytes": c.bytes },
        s("title", {}, `step ${c.step}: ${bytes(c.bytes)}, blocking save ${seconds(c.blockingSaveMs / 1000)}, total ${seconds(c.totalSaveMs / 1000)}`)));
      if (checkpoints.length <= 40 || i % Math.ceil(checkpoints.length / 40) === 0) {
        svg.append(s("text", { x, y: height - bottom + 16, "text-anchor": "middle", "font-size": 11, fill: "#5b6475" }, c.step));
      }
      if (c.blockingSaveMs > 0) points.push([x, top + plotH * (1 - c.blockingSaveMs / maxSave), c]);
    });
    if (points.length > 1) svg.append(s("polyline", { points: points.map(p => `${p[0]},${p[1]}`).join(" "), fill: "none", stroke: "#a05a00", "stroke-width": 2 }));
    for (const [x, y, c] of points) svg.append(s("circle", { cx: x, cy: y, r: 3.5, fill: "#a05a00", "data-save-step": c.step }));
    svg.append(s("text", { x: left + plotW / 2, y: height - 4, "text-anchor": "middle", "font-size": 11, fill: "#5b6475" }, "step"));
    return h("div", { class: "chart" }, svg,
      h("div", { class: "legend" }, h("i", { style: "background:#2456b3" }), "size (left)", h("i", { style: "background:#a05a00" }), "blocking save time (right)"));
  }

  function adviceView(j, mtbfHours, restartMinutes) {
    const a = j.advice;
    const form = h("form", { class: "inline", id: "advice-form", onsubmit: event => {
      event.preventDefault();
      const data = new FormData(event.target);
      location.hash = link("checkpoints", { job: j.job, mtbfHours: data.get("mtbfHours"), restartMinutes: data.get("restartMinutes") });
    } },
      h("label", {}, "MTBF (hours) ", h("input", { name: "mtbfHours", type: "number", min: "0.01", step: "any", value: mtbfHours })),
      h("label", {}, "Restart (minutes) ", h("input", { name: "restartMinutes", type: "number", min: "0", step: "any", value: restartMinutes })),
      h("button", { type: "submit" }, "Advise"));
    if (a.costSeconds === null) {
      return h("div", { id: "advice" }, form, h("p", { class: "muted" }, "No save cost recorded yet: the job's saves have not reported their blocking time."));
    }
    const row = (name, how, x) => x ? h("tr", { "data-advice": name }, h("td", {}, name), h("td", { class: "num" }, seconds(x.intervalSeconds)),
      h("td", { class: "num" }, `${(100 * x.waste).toFixed(1)} %`), h("td", { class: "muted" }, how)) : null;
    return h("div", { id: "advice" }, form,
      h("p", {}, `Save cost C = ${seconds(a.costSeconds)} (median of the last ${a.commits} commits), MTBF M = ${seconds(a.mtbfSeconds)}, restart R = ${seconds(a.restartSeconds)}: `,
        h("strong", {}, `checkpoint every ${seconds(a.daly.intervalSeconds)} (Daly)`), "."),
      table(["", { text: "Interval", class: "num" }, { text: "Expected waste", class: "num" }, ""], [
        row("young", "sqrt(2CM)", a.young), row("daly", "higher order (Daly 2006)", a.daly), row("current", "median interval between the job's commits", a.current)]));
  }

  async function draw() {
    const { name, params } = route();
    const drawn = location.hash;
    for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", a.dataset.page === name);
    const render = pages[name];
    const mine = ++drawing;
    try {
      const content = render ? await render(params) : [h("h1", {}, "Not found"), h("p", {}, h("a", { href: link("overview") }, "Overview"))];
      if (mine !== drawing) return;
      replace(page, content);
      document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString("en-GB")}`;
      document.body.dataset.ready = drawn;
    } catch (failure) {
      if (mine !== drawing) return;
      replace(page, error(failure.message));
      document.body.dataset.ready = drawn;
    }
  }

  function schedule() {
    clearInterval(timer);
    // The browser and the form are left alone while the user reads or types; the rest follows the cluster.
    timer = setInterval(() => {
      const { name } = route();
      if (name !== "browse" && !(document.activeElement && document.activeElement.tagName === "INPUT")) draw();
    }, RefreshMs);
  }

  window.addEventListener("hashchange", () => { draw(); schedule(); });
  draw();
  schedule();
})();
