"""A live Plotly chart: a small st.components.v2 component that calls Plotly.react, so charts never remount.

st.plotly_chart remounts its chart whenever the data changes (flicker, lost zoom: streamlit issue 8782). This
component keeps one <div> per chart for the life of the page and hands each new figure to Plotly.react, and
every figure carries a ``uirevision`` so the user's zoom and pan survive updates. plotly.js is the copy that
ships in the plotly package, served by Streamlit's static file serving (see ui/static_assets.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import streamlit as st

from ui.static_assets import PLOTLY_URL, ensure_plotly_js

CHART_JS = """
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__tapestreamPlotly) {
    window.__tapestreamPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("__PLOTLY_URL__", document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("could not load plotly.js from __PLOTLY_URL__"));
      document.head.appendChild(script);
    });
  }
  return window.__tapestreamPlotly;
}

const DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, i2: Int16Array, u1: Uint8Array };

function decode(spec) {
  const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
  const array = new DTYPES[spec.dtype](bytes.buffer);
  if (!spec.shape) return array;
  const [rows, cols] = spec.shape.split(",").map(Number);
  return Array.from({ length: rows }, (_, r) => array.subarray(r * cols, (r + 1) * cols));
}

// Replace packed arrays with typed arrays, reusing last frame's array object when the bytes are unchanged, so
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

export default function (component) {
  const { data, parentElement } = component;
  let chart = parentElement.querySelector(".tapestream-chart");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "tapestream-chart";
    chart.dataset.updates = "0";
    chart.__arrays = new Map();
    parentElement.appendChild(chart);
  }
  const frame = data && data.layout && data.layout.meta ? data.layout.meta.frame : undefined;
  if (frame !== undefined && chart.__frame === frame && chart.__revision === data.layout.uirevision) return;
  chart.__frame = frame;
  chart.__revision = data && data.layout ? data.layout.uirevision : undefined;
  const seen = new Set();
  const figure = unpack(data || { data: [], layout: {} }, "", chart.__arrays, seen);
  for (const key of Array.from(chart.__arrays.keys())) if (!seen.has(key)) chart.__arrays.delete(key);
  chart.style.height = (figure.layout && figure.layout.height ? figure.layout.height : 360) + "px";
  chart.__latest = figure;
  loadPlotly().then((Plotly) => {
    if (chart.__latest !== figure) return false;  // a newer figure arrived while plotly.js loaded
    return Plotly.react(chart, figure.data, figure.layout, { responsive: true, displaylogo: false });
  }).then((drawn) => {
    if (drawn === false) return;
    chart.dataset.updates = String(Number(chart.dataset.updates) + 1);
    chart.dataset.frame = String(figure.layout && figure.layout.meta ? figure.layout.meta.frame : "");
  }).catch((error) => {
    chart.textContent = "Chart failed to draw: " + error.message;
  });
}
"""


@cache
def _component() -> Any:
    return st.components.v2.component(
        "tapestream_live_chart", html="", js=CHART_JS.replace("__PLOTLY_URL__", PLOTLY_URL), isolate_styles=False
    )


def live_chart(figure: dict[str, Any], key: str) -> None:
    """Draw figure as the element keyed ``key`` (CSS class st-key-<key>); later calls update it in place."""
    ensure_plotly_js()
    _component()(key=key, data=figure)
