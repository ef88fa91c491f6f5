// The Sweep dashboard: four pages (sweeps, a sweep, a trial, the study) over the JSON API, polled every 2 s with
// If-None-Match so an unchanged view costs a 304 and no redraw. Every value from the store is put into the page
// with textContent or as an SVG attribute value, never parsed as HTML: names come from users.
"use strict";

const POLL_MS = 2000;
const METRICS = ["testAccuracy", "devAccuracy", "trainAccuracy", "testWeightedF1", "testWeightedAreaRatio", "wallSeconds"];
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

// ---- DOM helpers -------------------------------------------------------------------------------------------

function h(tag, props, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function applyProps(node, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v; // CSSOM, which the content security policy allows (style attributes it does not)
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function link(href, text) { return h("a", { href, text }); }

function num(v, digits = 4) {
  if (v === null || v === undefined) return "—";
  const x = Number(v);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return String(v);
  return Number.isInteger(x) && digits !== 4 ? String(x) : x.toFixed(digits);
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function stat(s) {
  if (!s) return "—";
  return s.sd === null || s.sd === undefined ? `${num(s.mean)} (n=${s.n})` : `${num(s.mean)} ± ${num(s.sd)} (n=${s.n})`;
}

function signed(x) { return x === null || x === undefined ? "—" : (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(4); }

function table(headers, rows, props) {
  return h("table", props,
    h("thead", null, h("tr", null, headers.map(x => typeof x === "string" ? h("th", { text: x }) : x))),
    h("tbody", null, rows));
}

// ---- API with entity tags ----------------------------------------------------------------------------------

const known = new Map(); // url -> { etag, data }

/** GETs a JSON view; `changed` is false when the server answered 304 (nothing to redraw). */
async function api(url) {
  const previous = known.get(url);
  const response = await fetch(url, { headers: previous ? { "If-None-Match": previous.etag } : {}, cache: "no-store" });
  if (response.status === 304 && previous) return { data: previous.data, changed: false };
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `${url}: HTTP ${response.status}`);
  known.set(url, { etag: response.headers.get("ETag"), data });
  return { data, changed: true };
}

// ---- Router and polling ------------------------------------------------------------------------------------

let page = null;
let timer = null;
let generation = 0; // a poll loop stops when a newer one (another page, a changed control) has started

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const main = document.getElementById("main");
  main.replaceChildren();
  if (parts[0] === "sweep" && parts[1]) page = sweepPage(main, parts[1]);
  else if (parts[0] === "trial" && parts[1]) page = trialPage(main, parts[1]);
  else if (parts[0] === "study" && parts[1]) page = studyPage(main, parts[1]);
  else page = sweepsPage(main);
  refreshNow();
}

function refreshNow() {
  if (timer) clearTimeout(timer);
  tick(page, ++generation);
}

async function tick(current, g) {
  const live = document.getElementById("live");
  try {
    await current.refresh();
    live.className = "";
    live.textContent = `live · ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    live.className = "stale";
    live.textContent = `not updating: ${e.message}`;
  }
  if (g === generation) timer = setTimeout(() => tick(current, g), POLL_MS);
}

function crumbs(...items) {
  document.getElementById("crumbs").replaceChildren(...items.map(([href, text]) => href ? link(href, text) : h("span", { text })));
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  route();
  // Inside a silo the dashboard also serves the Orleans Dashboard (silos, grains, call rates): link to it.
  api("api/dashboard").then(({ data }) => {
    if (!data.orleansDashboard) return;
    const orleans = document.getElementById("orleans");
    orleans.href = data.orleansDashboard;
    orleans.hidden = false;
  }).catch(() => {});
});

// ---- Charts ------------------------------------------------------------------------------------------------

/**
 * A line chart of several series [{ name, color, points: [[x, y], ...] }]; `data-points` holds the number of
 * points drawn, so a test (or a curious user) can see it grow.
 */
function lineChart(title, series, { width = 420, height = 220, yMin, yMax } = {}) {
  const pad = { l: 44, r: 10, t: 18, b: 24 };
  const all = series.flatMap(s => s.points);
  const xs = all.map(p => p[0]);
  const ys = all.map(p => p[1]);
  const x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  const y0 = yMin ?? (ys.length ? Math.min(...ys) : 0), y1 = yMax ?? (ys.length ? Math.max(...ys) : 1);
  const sx = x => pad.l + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const sy = y => height - pad.b - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  const root = svg("svg", { class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, "data-points": all.length, role: "img" });
  root.append(svg("text", { x: pad.l, y: 12, class: "title" }, title));
  root.append(svg("line", { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, stroke: "#9ca3af" }));
  root.append(svg("line", { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, stroke: "#9ca3af" }));
  for (const [v, y] of [[y0, sy(y0)], [y1, sy(y1)]]) root.append(svg("text", { x: 4, y: y + 3 }, num(v, 3)));
  root.append(svg("text", { x: pad.l, y: height - 8 }, String(x0)));
  root.append(svg("text", { x: width - pad.r - 30, y: height - 8 }, String(x1)));
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(p => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
    root.append(svg("polyline", { points: d, fill: "none", stroke: s.color, "stroke-width": 1.5, "data-series": s.name }));
  }
  const legend = h("div", { class: "legend" }, series.map(s => h("span", null, h("i", { style: `background:${s.color}` }), s.name)));
  return h("div", null, root, legend);
}

/** Batch cost, batch accuracy and dev accuracy against step, from a curve [{ step, batchCost, batchAccuracy, devAccuracy }]. */
function curveCharts(title, curve) {
  const every = Math.max(1, Math.ceil(curve.length / 600));
  const thin = curve.filter((_, i) => i % every === 0 || i === curve.length - 1);
  const cost = thin.map(p => [p.step, Number(p.batchCost)]).filter(p => Number.isFinite(p[1]));
  const acc = thin.map(p => [p.step, Number(p.batchAccuracy)]).filter(p => Number.isFinite(p[1]));
  const dev = curve.map(p => [p.step, Number(p.devAccuracy)]).filter(p => Number.isFinite(p[1]));
  const wrap = h("div", { class: "charts", "data-curve-points": curve.length },
    lineChart(`${title}: batch cost`, [{ name: "batch cost", color: COLORS[1], points: cost }]),
    lineChart(`${title}: accuracy`, [
      { name: "batch accuracy", color: COLORS[0], points: acc },
      { name: "dev accuracy", color: COLORS[2], points: dev }], { yMin: 0, yMax: 1 }));
  return wrap;
}

/**
 * Parallel coordinates of dataset × architecture × filters × learning rate × seed against a metric; one
 * polyline per finished trial, coloured by the metric (blue = best).
 */
function parallelCoordinates(rows, metric) {
  const width = 900, height = 300, pad = { l: 40, r: 90, t: 26, b: 20 };
  const axes = [
    { key: "dataset", cat: true }, { key: "architecture", cat: true }, { key: "filters" },
    { key: "learningRate", log: true }, { key: "seed" }, { key: metric, metric: true }];
  const root = svg("svg", { class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, "data-lines": rows.length, role: "img" });
  const x = i => pad.l + i * (width - pad.l - pad.r) / (axes.length - 1);
  const scales = axes.map(a => {
    const values = rows.map(r => r[a.key]);
    if (a.cat) {
      const cats = [...new Set(values)].sort();
      return { ticks: cats.map(c => [c, c]), at: v => cats.length < 2 ? 0.5 : cats.indexOf(v) / (cats.length - 1) };
    }
    const f = v => a.log ? Math.log10(v) : Number(v);
    const finite = values.map(f).filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : 0, hi = finite.length ? Math.max(...finite) : 1;
    return { ticks: [[lo, a.log ? 10 ** lo : lo], [hi, a.log ? 10 ** hi : hi]].map(([, v]) => [v, v]),
      at: v => hi === lo ? 0.5 : (f(v) - lo) / (hi - lo), lo, hi };
  });
  const y = t => height - pad.b - t * (height - pad.t - pad.b);
  const m = scales[axes.length - 1];
  for (const r of rows) {
    const t = Number.isFinite(Number(r[metric])) ? m.at(r[metric]) : 0;
    const good = metric === "wallSeconds" ? 1 - t : t;
    const color = `hsl(${Math.round(good * 220)}, 70%, 45%)`;
    const pts = axes.map((a, i) => {
      const v = scales[i].at(r[a.key]);
      return `${x(i).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`;
    }).join(" ");
    root.append(svg("polyline", { points: pts, fill: "none", stroke: color, "stroke-width": 1.5, opacity: 0.8 },
      svg("title", null, r.trialId)));
  }
  axes.forEach((a, i) => {
    root.append(svg("line", { x1: x(i), y1: y(0), x2: x(i), y2: y(1), stroke: "#6b7280" }));
    root.append(svg("text", { x: x(i) - 20, y: 14, class: "title" }, a.key));
    for (const [v, label] of scales[i].ticks) {
      const t = scales[i].at(v);
      root.append(svg("text", { x: x(i) + 4, y: y(Number.isFinite(t) ? t : 0) + 3 }, typeof label === "number" ? (Number.isInteger(label) ? String(label) : num(label, 4)) : label));
    }
  });
  return root;
}

// ---- Page: sweeps ------------------------------------------------------------------------------------------

function progressBar(done, total) {
  const fraction = total > 0 ? done / total : 0;
  return h("div", { class: "bar", title: `${done} / ${total} steps`, "data-done": done, "data-total": total },
    h("div", { style: `width:${(fraction * 100).toFixed(1)}%` }));
}

function sweepsPage(main) {
  crumbs();
  const body = h("div", { class: "card" }, h("p", { class: "muted", text: "Loading sweeps…" }));
  main.append(h("h1", { text: "Sweeps" }), body);
  return {
    async refresh() {
      const { data, changed } = await api("api/sweeps");
      if (!changed) return;
      if (data.length === 0) {
        body.replaceChildren(h("p", { class: "muted", text: "No sweeps in this store yet; start one with 'sweep submit grid.json'." }));
        return;
      }
      body.replaceChildren(table(
        ["sweep", "state", "progress", "trials", "pending", "running", "paused", "completed", "pruned", "diverged", "failed", "cancelled", "ETA", "created"],
        data.map(s => h("tr", { "data-sweep": s.sweepId },
          h("td", null, link(`#/sweep/${encodeURIComponent(s.sweepId)}`, s.sweepId)),
          h("td", { class: `state-${s.state}`, text: s.state }),
          h("td", null, progressBar(s.stepsDone, s.stepsTotal), h("span", { class: "muted", text: ` ${Math.floor(100 * s.stepsDone / Math.max(1, s.stepsTotal))} %` })),
          ...[s.total, s.pending, s.running, s.paused, s.completed, s.pruned, s.diverged, s.failed, s.cancelled].map(n => h("td", { class: "num", text: n })),
          h("td", { text: s.state === "finished" ? "done" : duration(s.etaSeconds) }),
          h("td", { text: new Date(s.createdAt).toLocaleString() }))),
        { id: "sweeps" }));
    },
  };
}

// ---- Page: a sweep -----------------------------------------------------------------------------------------

const LEADERBOARD_COLUMNS = [
  ["trialId", "trial"], ["dataset", "dataset"], ["architecture", "architecture"], ["filters", "filters", true],
  ["learningRate", "lr", true], ["seed", "seed", true], ["status", "status"], ["steps", "steps", true],
  ["trainAccuracy", "train", true], ["devAccuracy", "dev", true], ["testAccuracy", "test", true],
  ["testWeightedF1", "test F1", true], ["testWeightedAreaRatio", "test AR", true], ["wallSeconds", "seconds", true]];

function sweepPage(main, sweepId) {
  crumbs(["#/", "sweeps"], [null, sweepId]);
  const state = { metric: "testAccuracy", dataset: "", architecture: "", text: "", sortKey: null, ascending: false, rows: [] };
  const header = h("div", { class: "card" });
  const board = h("div", { id: "leaderboard" });
  const parallel = h("div", { id: "parallel" });
  const running = h("div", { id: "running", class: "charts" });
  const trials = h("div", { id: "trials" });
  const metric = h("select", { id: "metric", onchange: () => { state.metric = metric.value; refreshNow(); } },
    METRICS.map(m => h("option", { value: m, text: m })));
  const dataset = h("select", { id: "filter-dataset", onchange: () => { state.dataset = dataset.value; refreshNow(); } });
  const architecture = h("select", { id: "filter-architecture", onchange: () => { state.architecture = architecture.value; refreshNow(); } });
  const text = h("input", { id: "filter-text", type: "search", placeholder: "filter rows…", oninput: () => { state.text = text.value; drawBoard(); } });
  main.append(h("h1", { text: sweepId }), header,
    h("h2", { text: "Leaderboard" }),
    h("div", { class: "card" },
      h("div", { class: "controls" },
        h("label", null, "rank by ", metric), h("label", null, "dataset ", dataset), h("label", null, "architecture ", architecture),
        h("label", null, "text ", text), link(`#/study/${encodeURIComponent(sweepId)}`, "the study →")),
      board),
    h("h2", { text: "Parallel coordinates" }), h("div", { class: "card" }, parallel),
    h("h2", { text: "Running trials" }), h("div", { class: "card" }, running),
    h("h2", { text: "All trials" }), h("div", { class: "card" }, trials));

  function options(select, values, current) {
    const want = ["", ...values];
    if (select.options.length === want.length) return;
    select.replaceChildren(...want.map(v => h("option", { value: v, text: v === "" ? "all" : v, selected: v === current })));
  }

  function drawBoard() {
    const needle = state.text.toLowerCase();
    let rows = state.rows.filter(r => !needle || LEADERBOARD_COLUMNS.some(([k]) => String(r[k]).toLowerCase().includes(needle)));
    if (state.sortKey) {
      const k = state.sortKey;
      rows = [...rows].sort((a, b) => {
        const x = a[k], y = b[k];
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return state.ascending ? c : -c;
      });
    }
    const headers = LEADERBOARD_COLUMNS.map(([k, label, numeric]) => h("th", {
      class: `sortable${numeric ? " num" : ""}${state.sortKey === k ? " sorted" : ""}${state.sortKey === k && state.ascending ? " asc" : ""}`,
      "data-key": k, text: label,
      onclick: () => { state.ascending = state.sortKey === k ? !state.ascending : !numeric; state.sortKey = k; drawBoard(); },
    }));
    board.replaceChildren(rows.length === 0
      ? h("p", { class: "muted", text: state.rows.length === 0 ? "No finished trials yet." : "No row matches the filter." })
      : table(headers, rows.map(r => h("tr", { "data-trial": r.trialId },
        h("td", null, link(`#/trial/${encodeURIComponent(r.trialId)}`, r.trialId)),
        h("td", { text: r.dataset }), h("td", { text: r.architecture }), h("td", { class: "num", text: r.filters }),
        h("td", { class: "num", text: r.learningRate }), h("td", { class: "num", text: r.seed }),
        h("td", { class: `status-${r.status}`, text: r.status }), h("td", { class: "num", text: r.steps }),
        ...["trainAccuracy", "devAccuracy", "testAccuracy", "testWeightedF1", "testWeightedAreaRatio"].map(k => h("td", { class: "num", "data-key": k, text: num(r[k]) })),
        h("td", { class: "num", "data-key": "wallSeconds", text: num(r.wallSeconds, 2) }))), { id: "leaderboard-table" }));
  }

  const charts = new Map(); // trialId -> element

  const self = {
    async refresh() {
      const sweep = await api(`api/sweeps/${encodeURIComponent(sweepId)}`);
      if (sweep.changed) {
        const s = sweep.data;
        options(dataset, s.datasets, state.dataset);
        options(architecture, s.architectures, state.architecture);
        const cancel = h("button", { id: "cancel", disabled: s.state === "finished", onclick: () => cancelSweep(sweepId) }, "Cancel sweep…");
        header.replaceChildren(
          h("div", { class: "controls" },
            h("span", { class: `state-${s.state}`, text: s.state }), progressBar(s.stepsDone, s.stepsTotal),
            h("span", { text: `${s.completed + s.pruned + s.diverged + s.failed + s.cancelled} / ${s.total} trials finished` }),
            h("span", { class: "muted", text: `${s.running} running · ${s.paused} paused · ${s.pending} pending · ${s.pruned} pruned · ${s.failed} failed · ${s.diverged} diverged · ${s.cancelled} cancelled` }),
            h("span", { text: `ETA ${s.state === "finished" ? "done" : duration(s.etaSeconds)}` }), cancel),
          h("div", { class: "muted", text: `datasets ${s.datasets.join(", ")} · architectures ${s.architectures.join(", ")} · filters ${s.filters.join(", ")} · learning rates ${s.learningRates.join(", ")} · seeds ${s.seeds.join(", ")}` }));
      }
      const q = new URLSearchParams({ metric: state.metric });
      if (state.dataset) q.set("dataset", state.dataset);
      if (state.architecture) q.set("architecture", state.architecture);
      // Every change of a sweep (a trial finishing, a checkpoint landing) changes its steps or counts: when the
      // sweep is unchanged and so are the controls, nothing else can have changed either.
      if (!sweep.changed && state.lastQuery === q.toString()) return;
      const lb = await api(`api/sweeps/${encodeURIComponent(sweepId)}/leaderboard?${q}`);
      if (lb.changed || state.lastQuery !== q.toString()) {
        state.rows = lb.data;
        state.lastQuery = q.toString();
        drawBoard();
        parallel.replaceChildren(lb.data.length ? parallelCoordinates(lb.data, state.metric) : h("p", { class: "muted", text: "No finished trials yet." }));
      }
      const all = await api(`api/sweeps/${encodeURIComponent(sweepId)}/trials`);
      if (all.changed) {
        trials.replaceChildren(table(["trial", "status", "steps", "test", "error"], all.data.map(t => h("tr", null,
          h("td", null, link(`#/trial/${encodeURIComponent(t.trialId)}`, t.trialId)),
          h("td", { class: `status-${t.status}`, text: t.status }), h("td", { class: "num", text: t.steps }),
          h("td", { class: "num", text: num(t.testAccuracy) }), h("td", { class: "error", text: t.error ?? "" })))));
      }
      const live = all.data.filter(t => t.status === "running");
      for (const id of [...charts.keys()]) {
        if (!live.some(t => t.trialId === id)) { charts.get(id).remove(); charts.delete(id); }
      }
      for (const t of live) {
        const curve = await api(`api/trials/${encodeURIComponent(t.trialId)}/curve`);
        if (!curve.changed && charts.has(t.trialId)) continue;
        const box = h("div", { "data-running": t.trialId }, h("h3", null, link(`#/trial/${encodeURIComponent(t.trialId)}`, t.trialId)),
          curve.data.length ? curveCharts(`step ${t.steps}`, curve.data) : h("p", { class: "muted", text: "No checkpoint yet." }));
        if (charts.has(t.trialId)) charts.get(t.trialId).replaceWith(box); else running.append(box);
        charts.set(t.trialId, box);
      }
      if (live.length === 0 && !running.querySelector("p")) running.replaceChildren(h("p", { class: "muted", text: "No trial is running." }));
      else if (live.length > 0) running.querySelector(":scope > p")?.remove();
    },
  };
  return self;
}

async function cancelSweep(sweepId) {
  const token = window.prompt(`Cancel sweep '${sweepId}'? Paste the token 'sweep dashboard' printed at start:`);
  if (!token) return;
  const response = await fetch(`api/sweeps/${encodeURIComponent(sweepId)}/cancel`, { method: "POST", headers: { "X-Sweep-Token": token } });
  const data = await response.json();
  window.alert(response.ok ? data.message : data.error);
}

// ---- Page: a trial -----------------------------------------------------------------------------------------

function trialPage(main, trialId) {
  const sweepId = trialId.split(".")[0];
  crumbs(["#/", "sweeps"], [`#/sweep/${encodeURIComponent(sweepId)}`, sweepId], [null, trialId]);
  const info = h("div", { class: "card" });
  const curves = h("div", { class: "card", id: "curve" });
  const metrics = h("div", { class: "card", id: "metrics" });
  main.append(h("h1", { text: trialId }), info, h("h2", { text: "Learning curves" }), curves, h("h2", { text: "Final metrics" }), metrics);
  return {
    async refresh() {
      const { data: t, changed } = await api(`api/trials/${encodeURIComponent(trialId)}`);
      if (changed) {
        const row = t.trial, c = t.config, tr = c.training;
        info.replaceChildren(h("div", null,
          t.error ? h("p", { class: "error", id: "trial-error", text: `failed: ${t.error}` }) : null,
          table(["setting", "value"], [
            ["status", row.status], ["steps", `${row.steps} / ${tr.steps}`], ["dataset", c.dataset.name],
            ["architecture", `${c.architecture} (${c.architectureText})`], ["filters", c.filters], ["learning rate", c.learningRate],
            ["seed", c.seed], ["batch size", tr.batchSize], ["dev evaluation", `every ${tr.evalEvery} steps on ${tr.devSize} images`],
            ["optimizer", `${tr.optimizer}, ${tr.activation}, ${tr.threads} thread(s)`],
            ["early stopping", tr.patience > 0 ? `patience ${tr.patience}, min delta ${tr.minDelta}` : "off"],
            ["checkpoints", t.checkpoint ? `newest at step ${t.checkpoint.step} (${(t.checkpoint.bytes / 1048576).toFixed(2)} MiB, ${new Date(t.checkpoint.savedAt).toLocaleString()}), ${tr.checkpointEvery === "auto" ? "every 500 steps or more (auto: sized to the network)" : tr.checkpointEvery ? `every ${tr.checkpointEvery} steps` : "none while training"}` : "none"],
            ["wall seconds", num(row.wallSeconds, 2)],
          ].map(([k, v]) => h("tr", null, h("td", { text: k }), h("td", { text: v }))), { class: "kv" })));
        metrics.replaceChildren(...finalMetrics(t));
      }
      const curve = await api(`api/trials/${encodeURIComponent(trialId)}/curve`);
      if (curve.changed) curves.replaceChildren(curve.data.length ? curveCharts("trial", curve.data) : h("p", { class: "muted", text: "No checkpoint yet." }));
    },
  };
}

function finalMetrics(t) {
  if (!t.test) return [h("p", { class: "muted", text: "The trial has no final metrics yet." })];
  const splits = [["train", t.train], ["dev", t.dev], ["test", t.test]].filter(([, e]) => e);
  const out = [table(["split", "images", "accuracy", "weighted F1", "weighted AR"],
    splits.map(([name, e]) => h("tr", null, h("td", { text: name }), h("td", { class: "num", text: e.count }),
      h("td", { class: "num", text: num(e.accuracy) }), h("td", { class: "num", text: num(e.weightedF1) }), h("td", { class: "num", text: num(e.weightedAreaRatio) }))),
    { id: "splits" })];
  const test = t.test;
  out.push(h("h3", { text: "Per class (test)" }), table(["class", "images", "precision", "recall", "F1", "AR"],
    test.perClass.map(c => h("tr", null, h("td", { text: c.label }), h("td", { class: "num", text: c.count }),
      ...[c.precision, c.recall, c.f1, c.areaRatio].map(v => h("td", { class: "num", text: num(v) })))), { id: "per-class" }));
  const k = test.classes;
  const max = Math.max(1, ...test.confusion);
  const rows = [];
  for (let i = 0; i < k; i++) {
    rows.push(h("tr", null, h("th", { text: i }), ...Array.from({ length: k }, (_, j) => {
      const v = test.confusion[i * k + j];
      const a = (v / max).toFixed(2);
      return h("td", { style: `background: rgba(${i === j ? "37,99,235" : "220,38,38"},${a})`, text: v });
    })));
  }
  out.push(h("h3", { text: "Confusion matrix (test; rows: true class, columns: predicted)" }),
    table(["", ...Array.from({ length: k }, (_, j) => String(j))], rows, { class: "confusion", id: "confusion" }));
  return out;
}

// ---- Page: the study ---------------------------------------------------------------------------------------

function studyPage(main, sweepId) {
  crumbs(["#/", "sweeps"], [`#/sweep/${encodeURIComponent(sweepId)}`, sweepId], [null, "study"]);
  const body = h("div", { id: "study" });
  main.append(h("h1", { text: `Study: ${sweepId}` }), body);
  return {
    async refresh() {
      const { data: r, changed } = await api(`api/sweeps/${encodeURIComponent(sweepId)}/study`);
      if (!changed) return;
      const t = r.trials;
      const parts = [];
      if (!r.complete) {
        parts.push(h("div", { class: "banner", id: "partial", text: `PARTIAL SWEEP — ${t.running + t.pending + t.paused} trial(s) have not finished and ${t.failed + t.cancelled} have no result; comparisons with a missing side are INCOMPLETE and provisional.` }));
      }
      parts.push(h("p", { class: "muted", text: `${t.planned} trials planned: ${t.completed} completed, ${t.diverged} diverged, ${t.failed} failed, ${t.cancelled} cancelled, ${t.running} running, ${t.pending} pending, ${t.paused} paused, ${t.pruned} pruned (excluded from every mean). Each model at the learning rate with the best mean dev accuracy; comparisons paired by seed, ${Math.round(r.settings.confidenceLevel * 100)} % intervals, significance at ${r.settings.alpha}.` }));
      for (const d of r.datasets) {
        parts.push(h("h2", { text: d.dataset }));
        parts.push(h("div", { class: "card" }, h("h3", { text: "Accuracy (mean ± sd over seeds)" }), table(
          ["model", "lr", "train", "dev", "test", "weighted F1", "weighted AR", "convergence step"],
          d.models.map(m => h("tr", null, h("td", { text: label(m.model) }), h("td", { text: m.chosenLearningRate ?? "—" }),
            ...[m.trainAccuracy, m.devAccuracy, m.testAccuracy, m.testWeightedF1, m.testWeightedAreaRatio].map(s => h("td", { class: "num", text: stat(s) })),
            h("td", { class: "num", text: m.convergenceStep ? num(m.convergenceStep.mean, 0) : "—" }))),
          { class: "models" })));
        const comparisons = [...d.denseVsConv, ...d.extraConvLayer, ...d.filterStudies.flatMap(f => f.rows.map(x => x.gainOverSmallest).filter(Boolean))];
        if (comparisons.length) {
          parts.push(h("div", { class: "card" }, h("h3", { text: "Comparisons (test accuracy, candidate − baseline)" }), table(
            ["study", "baseline → candidate", "lr", "difference [t CI over seeds]", "bootstrap CI (test images)", "McNemar p pooled (Fisher)", "verdict"],
            comparisons.map(c => h("tr", { class: "comparison" },
              h("td", { text: c.study }), h("td", { text: `${label(c.baseline)} → ${label(c.candidate)}` }), h("td", { text: c.learningRate ?? "—" }),
              h("td", { class: "num", text: c.difference ? `${signed(c.difference.mean)}${c.difference.ciLow !== null ? ` [${signed(c.difference.ciLow)}, ${signed(c.difference.ciHigh)}]` : ""}` : "—" }),
              h("td", { class: "num", text: c.bootstrap ? `[${signed(c.bootstrap.ciLow)}, ${signed(c.bootstrap.ciHigh)}]` : "—" }),
              h("td", { class: "num", text: c.mcNemar ? `${c.mcNemar.pooledPValue.toPrecision(3)} (${c.mcNemar.fisherPValue.toPrecision(3)})` : "—" }),
              h("td", { class: "verdict", text: c.verdict }))),
            { id: `comparisons-${d.dataset}` })));
        }
        for (const f of d.filterStudies) {
          parts.push(h("div", { class: "card" }, h("h3", { text: `Filter count: ${f.architecture} at lr ${f.learningRate ?? "—"}` }), table(
            ["filters", "test accuracy", "weighted F1", "weighted AR", "gain over smallest", "verdict"],
            f.rows.map(x => h("tr", null, h("td", { text: x.filters }), ...[x.testAccuracy, x.testWeightedF1, x.testWeightedAreaRatio].map(s => h("td", { class: "num", text: stat(s) })),
              h("td", { class: "num", text: x.gainOverSmallest?.difference ? signed(x.gainOverSmallest.difference.mean) : "—" }),
              h("td", { text: x.gainOverSmallest?.verdict ?? "" }))))));
        }
        const withClasses = d.models.filter(m => m.perClass.length);
        if (withClasses.length) {
          const labels = withClasses[0].perClass;
          parts.push(h("div", { class: "card" }, h("h3", { text: "Per class: test F1 / AR" }), table(
            ["class", "images", ...withClasses.map(m => label(m.model))],
            labels.map((c, i) => h("tr", null, h("td", { text: c.name }), h("td", { class: "num", text: c.count }),
              ...withClasses.map(m => h("td", { class: "num", text: `${num(m.perClass[i]?.f1?.mean)} / ${num(m.perClass[i]?.areaRatio?.mean)}` })))))));
        }
        if (d.notes.length) parts.push(h("ul", null, d.notes.map(n => h("li", { class: "muted", text: n }))));
        if (d.paper) {
          parts.push(h("div", { class: "card" }, h("h3", { text: `The paper (${d.paper.tables})` }), table(
            ["model", "train", "dev", "test", "weighted F1", "weighted AR"],
            d.paper.accuracy.map(p => h("tr", null, h("td", { text: p.model }),
              ...[p.trainAccuracy, p.devAccuracy, p.testAccuracy, p.weightedF1, p.weightedAreaRatio].map(v => h("td", { class: "num", text: num(v) })))))));
        }
      }
      body.replaceChildren(...parts);
    },
  };
}

function label(model) { return model.filters > 0 ? `${model.architecture} f${model.filters}` : model.architecture; }
