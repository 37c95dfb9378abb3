// The DataNode's status page: its volumes, replicas and block scanner, from /api/v1/status,
// redrawn every few seconds.
"use strict";
(() => {
  const { h, getJson, bytes, number, time, ago, badge, bar, card, table, replace, error } = ckptfs;
  const page = document.getElementById("page");

  function view(d) {
    const now = Date.parse(d.now);
    const sc = d.scanner;
    const passPercent = sc && sc.passTotalBytes > 0 ? Math.min(100, 100 * sc.passBytes / sc.passTotalBytes) : (sc && sc.passesCompleted > 0 ? 100 : 0);
    const volumes = d.volumes.map(v => h("tr", { "data-storage": v.storageId },
      h("td", { class: "mono" }, v.storageId), h("td", { class: "mono" }, v.path),
      h("td", {}, v.failed ? badge("failed", "dead") : badge("ok", "live")),
      h("td", { class: "num" }, bytes(v.capacityBytes)), h("td", { class: "num" }, bytes(v.usedBytes)), h("td", { class: "num" }, bytes(v.remainingBytes)),
      h("td", {}, bar(v.capacityBytes - v.remainingBytes, v.capacityBytes)),
      h("td", { class: "num", "data-field": "finalizedReplicas" }, number(v.finalizedReplicas)), h("td", { class: "num" }, bytes(v.finalizedBytes)),
      h("td", { class: "num" }, number(v.writingReplicas)), h("td", { class: "num" }, bytes(v.writingBytes))));
    return [
      h("h1", {}, `DataNode ${d.uuid}`),
      h("div", { class: "cards" },
        card("NameNode", d.registered ? "registered" : "not registered", { tone: d.registered ? "ok" : "bad", sub: d.nameNode, field: "registered" }),
        card("Replicas", number(d.replicas.finalized), { sub: `${bytes(d.replicas.finalizedBytes)} finalized`, field: "replicas" }),
        card("Being written", number(d.replicas.writing), { sub: bytes(d.replicas.writingBytes), field: "writing" }),
        card("Transfers", number(d.transfersInProgress), { field: "transfers" }),
        card("Location", d.location || "/default", { sub: `started ${ago(Date.parse(d.started), now)}` })),
      h("h2", {}, "Volumes"),
      table(["Storage", "Path", "State", { text: "Capacity", class: "num" }, { text: "Used by replicas", class: "num" }, { text: "Free", class: "num" }, "Disk use",
        { text: "Replicas", class: "num" }, { text: "Bytes", class: "num" }, { text: "Writing", class: "num" }, { text: "Bytes", class: "num" }], volumes, { id: "volumes" }),
      h("h2", {}, "Block scanner"),
      !sc ? h("p", { class: "muted" }, "The scanner has not started yet.")
        : !sc.enabled ? h("p", { class: "muted", id: "scanner" }, "The block scanner is off (Scanner:Enabled).")
        : h("div", { id: "scanner" },
          h("div", { class: "cards" },
            card("This pass", `${passPercent.toFixed(0)} %`, { sub: `${bytes(sc.passBytes)} of ${bytes(sc.passTotalBytes)}`, field: "pass" }),
            card("Passes completed", number(sc.passesCompleted), { sub: sc.lastPassCompletedMs > 0 ? `last ${ago(sc.lastPassCompletedMs, now)}` : "none yet", field: "passes" }),
            card("Verified in all", bytes(sc.bytesScanned), { sub: `at most ${bytes(sc.bytesPerSecond)}/s` }),
            card("Corrupt found", number(sc.corruptFound), { tone: sc.corruptFound > 0 ? "bad" : "", field: "corrupt" })),
          h("div", { style: "margin-top:10px" }, bar(passPercent, 100)),
          h("p", { class: "muted" }, sc.passStartedMs > 0 ? `pass started ${time(sc.passStartedMs)}` : "waiting for the first pass")),
    ];
  }

  async function draw() {
    try {
      replace(page, view(await getJson("/api/v1/status")));
      document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString("en-GB")}`;
    } catch (failure) {
      replace(page, error(failure.message));
    }
    document.body.dataset.ready = "status";
  }

  draw();
  setInterval(draw, 3000);
})();
