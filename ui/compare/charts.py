"""The picked runs' charts: options, an overlay or small multiples of w, b and loss, and the shared landscape."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.regression.config import ConfigError, RegressionConfig
from core.regression.smoothing import SMOOTHING_CHOICES
from core.store.axis_range import robust_range
from core.store.compare import X_AXES, chart_series, data_surface, landscape_box, landscape_paths, run_labels
from ui.compare import run_figures, training_figures

LAYOUTS: tuple[str, ...] = ("Overlay", "Side by side")
PER_ROW = 4
PLOTLY_CONFIG = {"displaylogo": False}


def options() -> dict[str, Any]:
    """Layout, x axis (step or fractional epoch), loss EMA smoothing, log-scale loss and ignoring outliers.

    The switches get a row of their own, each as wide as its label, so no label is cut off at 1280 px.
    """
    layout, axis, smoothing = st.columns([1, 1, 2], vertical_alignment="bottom")
    chosen = {
        "layout": layout.radio("Layout", LAYOUTS, horizontal=True, key="compare_layout"),
        "axis": axis.radio(
            "x axis",
            X_AXES,
            horizontal=True,
            key="compare_x_axis",
            help="epoch = step / steps per epoch, so it is fractional between epochs",
        ),
        "smoothing": SMOOTHING_CHOICES[
            smoothing.radio("Loss EMA smoothing", list(SMOOTHING_CHOICES), horizontal=True, key="compare_smoothing")
        ],
    }
    with st.container(horizontal=True, key="compare_chart_switches", gap="large"):
        chosen["log_y"] = st.toggle("Log-scale loss", key="compare_log_loss", width="content")
        chosen["ignore_outliers"] = st.toggle(
            "Ignore outliers",
            key="compare_ignore_outliers",
            width="content",
            help="fit the y axes to the runs that did not diverge and to the bulk of the values; "
            "every line is still drawn, just cut off at the axis",
        )
    return chosen


def show(runs: list[dict], points: dict[int, pd.DataFrame], chosen: dict[str, Any]) -> None:
    """Overlay: one chart per quantity, a colour per run. Side by side: one chart per run, four to a row."""
    labels = run_labels(runs)
    series = [
        chart_series(run, points[run["id"]], labels[run["id"]], chosen["axis"], chosen["smoothing"]) for run in runs
    ]
    x_title, log_y, robust = chosen["axis"], chosen["log_y"], chosen.get("ignore_outliers", False)
    if chosen["layout"] == "Overlay":
        for column, quantity in zip(st.columns(3), ("w", "b", "loss")):
            y_range = y_range_of(series, (quantity,), quantity == "loss" and log_y) if robust else None
            figure = training_figures.overlay_figure(series, quantity, x_title, log_y, y_range)
            column.plotly_chart(figure, key=f"compare_overlay_{quantity}", config=PLOTLY_CONFIG)
        _changes_caption(series)
        return
    st.caption("Blue: w, orange: b, dashed: their targets; green below: the loss; dotted: mid-run changes.")
    for start in range(0, len(series), PER_ROW):
        for column, item in zip(st.columns(PER_ROW), series[start : start + PER_ROW]):
            column.markdown(f"**{item['label']}**")  # wraps, where a Plotly title would be cut off
            ranges = {"w, b": y_range_of(series, ("w", "b")), "loss": y_range_of(series, ("loss",), log_y)}
            figure = training_figures.run_figure(item, x_title, log_y, ranges if robust else None)
            column.plotly_chart(figure, key=f"compare_run_{item['id']}", config=PLOTLY_CONFIG)


def y_range_of(series: list[dict[str, Any]], quantities: tuple[str, ...], log: bool = False) -> list[float] | None:
    """A y range without outliers for these quantities of every run, keeping each run's start and targets.

    The runs that did not diverge set the bulk of the values; a diverged run's swings beyond it are cut off.
    """
    drawn = [item[quantity] for item in series for quantity in quantities]
    drawn += [item["raw_loss"] for item in series if "loss" in quantities and item.get("raw_loss") is not None]
    settled = [item[quantity] for item in series for quantity in quantities if item.get("status") != "diverged"]
    anchors = [float(item[quantity][0]) for item in series for quantity in quantities if len(item[quantity])]
    anchors += [
        value
        for item in series
        for quantity in ("w", "b")
        if quantity in quantities
        for value in training_figures.target_path(item, quantity)["y"]
    ]
    return robust_range(drawn, anchors, log, reference=settled or None)


def _changes_caption(series: list[dict[str, Any]]) -> None:
    changed = [item["label"] for item in series if (item.get("events") or {}).get("x")]
    if changed:
        st.caption(
            f"◆ marks a mid-run change ({', '.join(changed)}): hover it for what changed; the Config tab lists them."
        )


def landscape(runs: list[dict], points: dict[int, pd.DataFrame]) -> None:
    """Every picked run's (w, b) path over the mean-loss contours of the first picked run's data and loss."""
    first = runs[0]
    try:
        config = RegressionConfig.from_dict(first["config"])
    except ConfigError as error:
        st.info(f"No landscape: run #{first['id']}'s stored config is not usable ({error}).")
        return
    labels = run_labels(runs)
    paths = landscape_paths(runs, points)
    surface, optimum = _surface(config.to_json(), landscape_box(runs, paths))
    target = (config.w_target, config.b_target)
    figure = run_figures.landscape_figure(surface, paths, target, optimum, f"mean loss ({labels[first['id']]})")
    st.plotly_chart(figure, key="compare_landscape", config=PLOTLY_CONFIG)
    st.caption(
        f"Contours: the mean {config.loss} loss on the data of **{labels[first['id']]}** (the first picked "
        "run); other runs' data may differ. Dots mark where each run ended."
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _surface(config_json: str, box: tuple[float, ...]) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """core's data_surface, cached per config and box."""
    return data_surface(RegressionConfig.from_json(config_json), box)
