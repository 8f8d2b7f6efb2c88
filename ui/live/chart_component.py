"""Live Plotly charts that never remount: st.components.v2 components that hand each figure to Plotly.react.

st.plotly_chart remounts its chart whenever the data changes (flicker, lost zoom: streamlit issue 8782). Here
each chart is a small component holding one <div> for the life of the page. Every figure carries a
``uirevision``, so the user's zoom and pan survive updates. plotly.js is the copy that ships in the plotly
package, served by Streamlit's static file serving (see ui/static_assets.py).

The charts are drawn by full script runs only. The ticking fragment sends what is new through a tiny
``live_feed`` component (whose script is a few lines: an element carries its script every tick): the rows
after the step the charts hold and the parts that changed, which the charts' shared code appends to the
traces, thinning a trace past 4,000 points with its extremes kept, and redraws on the same ``uirevision``.
That keeps the charts outside the fragment, where the frontend's clean-up of a fragment run that races a full
run (a widget change while playing) can never unmount them.

The feed also clocks the ticks. There is no ``run_every`` timer (the browser's timer fires whether or not the
last run has finished, and under load each run is then cut short by the next): each feed says when the next
tick is due, and the browser asks for it with a trigger once this one has arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import streamlit as st

from ui.static_assets import PLOTLY_URL, ensure_plotly_js

SHARED_JS = """
const DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, i2: Int16Array, u1: Uint8Array };

function shared() {
  if (window.__tapestream) return window.__tapestream;
  let plotly = null;
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotly) {
      plotly = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = new URL("__PLOTLY_URL__", document.baseURI).href;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => reject(new Error("could not load plotly.js from __PLOTLY_URL__"));
        document.head.appendChild(script);
      });
    }
    return plotly;
  }
  // Base64 to bytes: the browser's own decoder where it has one (Chromium 140+: under 1 ms for the 180 KB of one
  // array of an overlay of 1,000 runs, where Uint8Array.from with a mapping function took 25 ms), else a plain loop.
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  function decode(spec) {
    const bytes = base64Bytes(spec.bdata);
    const array = new DTYPES[spec.dtype](bytes.buffer);
    if (!spec.shape) return array;
    const [rows, cols] = spec.shape.split(",").map(Number);
    return Array.from({ length: rows }, (_, r) => array.subarray(r * cols, (r + 1) * cols));
  }
  // Packed arrays become typed arrays; an array whose bytes did not change keeps last frame's object, so
  // Plotly.react sees the same reference and skips recomputing that trace (e.g. the landscape's contours).
  function unpack(value, path, cache, seen) {
    if (Array.isArray(value)) return value.map((item, i) => unpack(item, path + "." + i, cache, seen));
    if (value && typeof value === "object") {
      if (typeof value.bdata === "string" && value.dtype) {
        seen.add(path);
        const hit = cache.get(path);
        if (hit && hit.bdata === value.bdata) return hit.array;
        const array = decode(value);
        cache.set(path, { bdata: value.bdata, array });
        return array;
      }
      const out = {};
      for (const key of Object.keys(value)) out[key] = unpack(value[key], path + "." + key, cache, seen);
      return out;
    }
    return value;
  }
  // A figure whose layout.meta has customdata_text (customdata value -> text: a run's name, settings and finals)
  // sends each text once: every point of a trace with customdata and no text of its own gets the text of its
  // customdata here, for its hovertemplate's %{text}. The table itself is not handed on to Plotly.
  function withCustomdataText(figure) {
    const meta = figure.layout && figure.layout.meta;
    if (!meta || !meta.customdata_text) return figure;
    const texts = meta.customdata_text;
    const data = figure.data.map((trace) => {
      if (!trace.customdata || trace.text !== undefined) return trace;
      const ids = trace.customdata, text = new Array(ids.length);
      for (let i = 0; i < ids.length; i++) text[i] = texts[ids[i]] || "";
      return Object.assign({}, trace, { text });
    });
    const { customdata_text, ...rest } = meta;
    return { data, layout: Object.assign({}, figure.layout, { meta: rest }) };
  }
  function frameOf(figure) {
    const layout = (figure && figure.layout) || {};
    return String(layout.uirevision) + "/" + String(layout.meta ? layout.meta.frame : "");
  }
  // Hand a figure to Plotly.react. Plotly keeps (and edits, on zoom) the objects it is given, so it gets copies and
  // chart.__latest stays what the server sent, for the next delta to build on.
  function render(chart, figure) {
    chart.style.height = ((figure.layout && figure.layout.height) || 360) + "px";
    chart.__latest = figure;
    loadPlotly().then((Plotly) => {
      if (chart.__latest !== figure) return false;  // a newer figure arrived meanwhile
      const data = figure.data.map((trace) => Object.assign({}, trace));
      return Plotly.react(chart, data, structuredClone(figure.layout), { responsive: true, displaylogo: false });
    }).then((drawn) => {
      if (drawn === false) return;
      if (chart.__clicks && !chart.__clickBound && chart.on) {  // a chart whose clicks the page reads (live_chart)
        chart.__clickBound = true;
        chart.on("plotly_click", (event) => {
          const picked = (event.points || []).map((p) => (p.customdata === undefined ? null : Number(p.customdata)));
          if (chart.__component) chart.__component.setTriggerValue("click", picked);
        });
      }
      chart.dataset.updates = String(Number(chart.dataset.updates) + 1);
      chart.dataset.frame = chart.__frame;
      chart.dataset.step = String(chart.__step);
    }).catch((error) => {
      chart.textContent = "Chart failed to draw: " + error.message;
    });
  }
  function draw(chart, data) {
    if (!data || frameOf(data) === chart.__frame) return;  // nothing new for this chart
    chart.__frame = frameOf(data);
    chart.__tick = -1;
    const seen = new Set();
    const figure = withCustomdataText(unpack(data, "", chart.__arrays, seen));
    for (const key of Array.from(chart.__arrays.keys())) if (!seen.has(key)) chart.__arrays.delete(key);
    chart.__step = (figure.layout && figure.layout.meta && figure.layout.meta.step) || 0;
    render(chart, figure);
  }
  // Min-max thinning of one trace (keeps the first and last points and each bucket's extremes in x and in y), so
  // a buffer never grows past MAX_BUFFER points however long the run.
  const MAX_BUFFER = 4000, THIN_TO = 2000;
  function thin(x, y) {
    const n = x.length;
    if (n <= MAX_BUFFER) return [x, y];
    const buckets = Math.floor((THIN_TO - 2) / 4), width = (n - 2) / buckets, keep = [0];
    for (let b = 0; b < buckets; b++) {
      const lo = 1 + Math.floor(b * width), hi = Math.min(1 + Math.floor((b + 1) * width), n - 1);
      if (hi <= lo) continue;
      let xMin = lo, xMax = lo, yMin = lo, yMax = lo;
      for (let i = lo + 1; i < hi; i++) {
        if (x[i] < x[xMin]) xMin = i;
        if (x[i] > x[xMax]) xMax = i;
        if (y[i] < y[yMin]) yMin = i;
        if (y[i] > y[yMax]) yMax = i;
      }
      keep.push(...Array.from(new Set([xMin, xMax, yMin, yMax])).sort((a, b) => a - b));
    }
    keep.push(n - 1);
    return [Float64Array.from(keep, (i) => x[i]), Float64Array.from(keep, (i) => y[i])];
  }
  function joined(old, fresh) {
    const out = new Float64Array((old ? old.length : 0) + fresh.length);
    if (old) out.set(old);
    out.set(fresh, out.length - fresh.length);
    return out;
  }
  function setPath(root, path, value) {
    const keys = path.split(".");
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const child = node[key];
      node = node[key] = Array.isArray(child) ? child.slice() : Object.assign({}, child);
    }
    node[keys[keys.length - 1]] = value;
  }
  function older(stream, than) {
    const [a, b] = [stream, than].map((s) => String(s).split("/").map(Number));
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }
  // Apply one tick's delta: append the rows after the chart's last step to its growing traces, set the changed
  // parts, redraw on the same uirevision (zoom kept). False when the chart holds another stream or misses rows.
  function extend(chart, payload, delta, columns) {
    if (!chart.__latest || older(payload.stream, chart.__frame)) return true;  // a tick from before the last draw
    if (chart.__frame !== payload.stream) return false;  // this chart missed a full draw
    if (payload.frame <= chart.__tick) return true;  // seen already
    if (chart.__step < payload.from) return false;  // rows between are missing
    const steps = columns.step;
    let start = 0;
    while (start < steps.length && steps[start] <= chart.__step) start++;
    const figure = { data: chart.__latest.data.slice(), layout: chart.__latest.layout };
    for (const [index, xName, yName] of delta.append) {
      if (start >= steps.length || !columns[xName] || !columns[yName]) continue;
      const trace = Object.assign({}, figure.data[index]);
      const x = joined(trace.x, columns[xName].subarray(start));
      [trace.x, trace.y] = thin(x, joined(trace.y, columns[yName].subarray(start)));
      figure.data[index] = trace;
    }
    for (const [path, value] of Object.entries(delta.set)) {
      setPath(figure, path, unpack(value, "", new Map(), new Set()));
    }
    chart.__tick = payload.frame;
    if (start < steps.length) chart.__step = steps[steps.length - 1];
    render(chart, figure);
    return true;
  }
  function chartFor(key) {
    return document.querySelector(".st-key-" + key + " .tapestream-chart");
  }
  // Payloads arrive as UTF-8 JSON bytes (cheaper for the server than a nested dict).
  function parse(data) {
    if (data instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(data));
    if (data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(new Uint8Array(data)));
    return data || {};
  }
  function decodeColumns(columns) {
    const out = {};
    for (const [name, spec] of Object.entries(columns || {})) out[name] = decode(spec);
    return out;
  }
  // The ticks' clock. A payload that says when the next tick is due ("next", seconds after the last one was asked
  // for) is answered once this one has arrived: so a tick is asked for only once the last one is in, and a busy
  // server slows its sessions down instead of piling up runs that interrupt each other. Where the server allows
  // ("http" in the fragment's payload: ui/live/tick_route.py), the tick is fetched over HTTP, outside any script
  // run; otherwise (or when that answer says "fallback") a "tick" trigger reruns the fragment. A tick whose answer
  // never comes (a dropped message) is asked for again after WATCHDOG_MS, up to RETRIES times.
  const MIN_GAP_MS = 15, WATCHDOG_MS = 5000, RETRIES = 3, NETWORK_RETRY_MS = 250;
  const clock = { timer: null, watchdog: null, askedAt: 0, answered: null, component: null, http: null };
  function ask(tick, retries, fragment = false) {
    clock.timer = null;
    const element = clock.component && clock.component.parentElement;
    if (!element || !element.isConnected) return;  // the page moved on (another page is shown): the clock stops
    clock.askedAt = performance.now();
    clearTimeout(clock.watchdog);
    clock.watchdog = retries > 0 ? setTimeout(() => ask(tick, retries - 1, fragment), WATCHDOG_MS) : null;
    if (clock.http && !fragment) fetchTick(clock.http, tick, retries);
    else clock.component.setTriggerValue("tick", tick);
  }
  function askFragment(tick) {
    ask(tick, RETRIES, true);
  }
  function fetchTick(http, tick, retries) {
    const url = new URL(http.url, window.location.origin);
    url.searchParams.set("token", http.token);
    url.searchParams.set("tick", String(tick));
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then((payload) => {
        if (clock.http !== http || clock.answered !== tick) return;  // a full run took over meanwhile
        clearTimeout(clock.watchdog);
        clock.watchdog = null;
        if (payload.gone) clock.http = null;  // this session's token is gone: the fragment serves the ticks
        if (payload.busy) {
          clock.timer = setTimeout(() => ask(tick, retries), Math.max(MIN_GAP_MS, payload.next * 1000));
        } else if (payload.fallback) {
          askFragment(tick);
        } else {
          apply(clock.component, payload);
          if (payload.rerun) askFragment(payload.tick);
        }
      })
      .catch(() => {
        if (clock.http !== http || clock.answered !== tick) return;
        clearTimeout(clock.watchdog);
        if (retries > 0) clock.timer = setTimeout(() => ask(tick, retries - 1), NETWORK_RETRY_MS);
        else askFragment(tick);
      });
  }
  function schedule(component, payload) {
    if (payload.tick === undefined || payload.tick === clock.answered) return;  // the same payload drawn again
    clock.answered = payload.tick;
    clock.component = component;
    clearTimeout(clock.timer);
    clearTimeout(clock.watchdog);
    clock.timer = clock.watchdog = null;
    if (typeof payload.next !== "number" || payload.rerun) return;  // nothing playing (or the page redraws)
    const wait = Math.max(MIN_GAP_MS, clock.askedAt + payload.next * 1000 - performance.now());
    clock.timer = setTimeout(() => ask(payload.tick, RETRIES), wait);
  }
  // The metrics, the status line and a race's lanes table, drawn by full runs as Streamlit elements, take a
  // tick's texts in place (ui/live/readouts.py).
  function setText(root, selector, text) {
    const node = root && root.querySelector(selector);
    if (node && node.textContent !== text) node.textContent = text;
  }
  function showReadouts(readouts) {
    if (!readouts) return;
    for (const metric of document.querySelectorAll('.st-key-live_metrics [data-testid="stMetric"]')) {
      const label = metric.querySelector('[data-testid="stMetricLabel"] p');
      const texts = label && readouts.metrics[label.textContent.trim()];
      if (!texts) continue;
      setText(metric, '[data-testid="stMetricValue"] p', texts[0]);
      setText(metric, '[data-testid="stMetricDelta"] p', texts[1]);
    }
    const line = document.querySelector('.st-key-live_status [data-testid="stMarkdownContainer"] p');
    if (line && line.lastChild && line.lastChild.nodeType === Node.TEXT_NODE) {
      setText(line, "code", readouts.status[0]);
      if (line.lastChild.nodeValue !== readouts.status[1]) line.lastChild.nodeValue = readouts.status[1];
    }
    const rows = document.querySelectorAll(".st-key-lanes_table tbody tr");
    (readouts.lanes || []).forEach((texts, i) => {
      const cells = rows[i] ? rows[i].querySelectorAll("td") : [];
      if (cells.length !== texts.length) return;  // the table drawn holds other lanes: the next full run redraws
      for (let c = 1; c < texts.length; c++) if (cells[c].textContent !== texts[c]) cells[c].textContent = texts[c];
    });
    const percent = Math.round(readouts.progress * 100);
    const bar = document.querySelector('.st-key-live_status [role="progressbar"]');
    if (bar && bar.getAttribute("aria-valuenow") !== String(percent)) {
      bar.setAttribute("aria-valuenow", String(percent));
      bar.setAttribute("aria-valuetext", percent + "%");
      const fill = bar.querySelector('[data-testid="stProgressBarTrack"] > div');
      if (fill) fill.style.transform = "translateX(" + (percent - 100) + "%)";
    }
  }
  // One tick's news for the charts (see live_feed): whole figures, or rows and parts to add to the full draw.
  function feed(component) {
    const payload = parse(component.data);
    if (payload.tick !== undefined && payload.tick !== clock.answered) clock.http = payload.http || null;
    apply(component, payload);
  }
  function apply(component, payload) {
    schedule(component, payload);
    showReadouts(payload.readouts);
    for (const [key, figure] of Object.entries(payload.full || {})) {
      const chart = chartFor(key);
      if (chart) draw(chart, figure);
      else window.__tapestream.pending.set(key, figure);  // the chart mounts a moment later
    }
    if (!payload.charts) return;
    const columns = decodeColumns(payload.columns);
    let lost = false;
    for (const [key, delta] of Object.entries(payload.charts)) {
      const chart = chartFor(key);
      if (chart && !extend(chart, payload, delta, columns)) lost = true;
    }
    // Charts that hold another stream, or miss rows, ask once for a full draw (the fragment reruns the app).
    if (lost && window.__tapestream.asked !== payload.stream) {
      window.__tapestream.asked = payload.stream;
      component.setTriggerValue("resync", payload.frame);
    }
  }
  window.__tapestream = { draw, feed, schedule, chartFor, parse, clock, pending: new Map(), preload: loadPlotly };
  return window.__tapestream;
}
"""

CHART_JS = (
    SHARED_JS
    + """
export default function (component) {
  const live = shared();
  const data = live.parse(component.data);
  const { parentElement } = component;
  let chart = parentElement.querySelector(".tapestream-chart");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "tapestream-chart";
    chart.dataset.updates = "0";
    chart.__arrays = new Map();
    parentElement.appendChild(chart);
  }
  chart.__component = component;
  chart.__clicks = Boolean(data.clicks);
  if (!data.figure) live.preload();  // an empty chart, mounted early so the charts drawn later find their code loaded
  live.draw(chart, data.figure);
  const pending = live.pending.get(data.key);
  if (pending) {
    live.pending.delete(data.key);
    live.draw(chart, pending);
  }
}
"""
)

# The feed is written on every tick, and a component's element carries its whole script each time: so the
# feed's script is a few lines that hand over to the code the charts (drawn by full runs) put on the page.
FEED_JS = """
export default function (component) {
  const live = () => window.__tapestream;
  if (live()) return void live().feed(component);
  setTimeout(() => {  // the charts' shared code may mount a moment after the feed
    if (live()) return void live().feed(component);
    const payload = JSON.parse(new TextDecoder().decode(component.data));
    if ((payload.charts || typeof payload.next === "number") && !window.__tapestreamAsked) {
      window.__tapestreamAsked = true;  // no chart on this page: ask once for a full draw
      component.setTriggerValue("resync", -1);
    }
  }, 250);
}
"""


@cache
def _chart_component() -> Any:
    return st.components.v2.component(
        "tapestream_live_chart", html="", js=CHART_JS.replace("__PLOTLY_URL__", PLOTLY_URL), isolate_styles=False
    )


@cache
def _feed_component() -> Any:
    return st.components.v2.component("tapestream_live_feed", html="", js=FEED_JS, isolate_styles=False)


def live_chart(figure: dict[str, Any], key: str, on_click: Callable[[list[Any]], None] | None = None) -> None:
    """Draw figure as the element keyed ``key`` (CSS class st-key-<key>); later calls update it in place.

    on_click, if given, is a callback that gets the customdata of the points a click on the chart hit, as numbers
    (one entry per point; None where a trace has none), before the rerun the click causes.
    """
    ensure_plotly_js()
    data = json.dumps({"key": key, "figure": figure, "clicks": on_click is not None}).encode()
    if on_click is None:
        _chart_component()(key=key, data=data)
        return
    _chart_component()(key=key, data=data, on_click_change=lambda: on_click(_clicked(key)))


def preload_live_charts(key: str) -> None:
    """An empty live chart keyed ``key`` (no figure, no height): mounted when a page opens, it has the browser load
    Streamlit's component code, this chart's script and plotly.js, so the first charts drawn later (a pick on
    Compare) mount at once instead of waiting for them."""
    ensure_plotly_js()
    _chart_component()(key=key, data=json.dumps({"key": key, "figure": None, "clicks": False}).encode())


def _clicked(key: str) -> list[Any]:
    """The click trigger's value, as the component's entry in session_state presents it."""
    value = st.session_state.get(key)
    picked = value.get("click") if isinstance(value, dict) else getattr(value, "click", None)
    return picked if isinstance(picked, list) else []


def live_feed(payload: dict[str, Any], key: str = "live_feed") -> bool:
    """Send a tick's news to charts already drawn with live_chart (from inside a ticking fragment).

    payload is {"full": {key: figure}} (whole figures) or a delta: {"stream", "frame", "from", "columns",
    "charts": {key: {"append": [...], "set": {...}}}} (see ui/live/panel.feed), or neither; with "tick" (this
    tick's number) and "next" (seconds from the last tick's request to the next one's, or None when nothing plays),
    the browser asks for the next tick with a "tick" trigger, which reruns the fragment. Returns True when the
    browser asked for a full draw because its charts hold another stream or miss rows.
    """
    result = _feed_component()(
        key=key, data=json.dumps(payload).encode(), on_resync_change=_ignore, on_tick_change=_ignore
    )
    return bool(getattr(result, "resync", None))


def _ignore() -> None:
    """A trigger needs a callback; the caller reads the result instead."""
