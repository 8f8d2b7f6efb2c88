"""Live Plotly charts that never remount: st.components.v2 components that hand each figure to Plotly.react.

st.plotly_chart remounts its chart whenever the data changes (flicker, lost zoom: streamlit issue 8782). Here
each chart is a small component holding one <div> for the life of the page. Every figure carries a
``uirevision``, so the user's zoom and pan survive updates. plotly.js is the copy that ships in the plotly
package, served by Streamlit's static file serving (see ui/static_assets.py).

The charts are drawn by full script runs only. The ticking fragment sends its new figures through a tiny
``live_feed`` component that redraws the charts in place. That keeps the charts outside the fragment, where
the frontend's clean-up of a fragment run that races a full run (a widget change while playing) can never
unmount them.
"""

from __future__ import annotations

import json
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
  function decode(spec) {
    const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
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
  function frameOf(figure) {
    const layout = (figure && figure.layout) || {};
    return String(layout.uirevision) + "/" + String(layout.meta ? layout.meta.frame : "");
  }
  function draw(chart, data) {
    if (!data || frameOf(data) === chart.__frame) return;  // nothing new for this chart
    chart.__frame = frameOf(data);
    const seen = new Set();
    const figure = unpack(data, "", chart.__arrays, seen);
    for (const key of Array.from(chart.__arrays.keys())) if (!seen.has(key)) chart.__arrays.delete(key);
    chart.style.height = ((figure.layout && figure.layout.height) || 360) + "px";
    chart.__latest = figure;
    loadPlotly().then((Plotly) => {
      if (chart.__latest !== figure) return false;  // a newer figure arrived meanwhile
      return Plotly.react(chart, figure.data, figure.layout, { responsive: true, displaylogo: false });
    }).then((drawn) => {
      if (drawn === false) return;
      chart.dataset.updates = String(Number(chart.dataset.updates) + 1);
      chart.dataset.frame = chart.__frame;
    }).catch((error) => {
      chart.textContent = "Chart failed to draw: " + error.message;
    });
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
  window.__tapestream = { draw, chartFor, parse, pending: new Map() };
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
  live.draw(chart, data.figure);
  const pending = live.pending.get(data.key);
  if (pending) {
    live.pending.delete(data.key);
    live.draw(chart, pending);
  }
}
"""
)

FEED_JS = (
    SHARED_JS
    + """
export default function (component) {
  const live = shared();
  for (const [key, figure] of Object.entries(live.parse(component.data))) {
    const chart = live.chartFor(key);
    if (chart) live.draw(chart, figure);
    else live.pending.set(key, figure);  // the chart mounts a moment later
  }
}
"""
)


@cache
def _chart_component() -> Any:
    return st.components.v2.component(
        "tapestream_live_chart", html="", js=CHART_JS.replace("__PLOTLY_URL__", PLOTLY_URL), isolate_styles=False
    )


@cache
def _feed_component() -> Any:
    return st.components.v2.component(
        "tapestream_live_feed", html="", js=FEED_JS.replace("__PLOTLY_URL__", PLOTLY_URL), isolate_styles=False
    )


def live_chart(figure: dict[str, Any], key: str) -> None:
    """Draw figure as the element keyed ``key`` (CSS class st-key-<key>); later calls update it in place."""
    ensure_plotly_js()
    _chart_component()(key=key, data=json.dumps({"key": key, "figure": figure}).encode())


def live_feed(figures: dict[str, dict[str, Any]], key: str = "live_feed") -> None:
    """Send new figures to charts already drawn with live_chart (from inside a ticking fragment)."""
    _feed_component()(key=key, data=json.dumps(figures).encode())
