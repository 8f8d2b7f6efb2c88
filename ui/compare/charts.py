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
from core.store.run_store import StoreError
from core.sweep.summary import seed_band, seed_groups
from ui.choices import forget_missing
from ui.compare import (
    many_runs_figures,
    overlay_chart,
    picks,
    run_figures,
    run_highlight,
    store_reads,
    training_figures,
)
from ui.compare.colour_key import BY_RUN, COLOUR_METRICS, ColourKey, colour_key, colour_options, needs_convergence
from ui.compare.many_runs_figures import LEGEND_RUNS

LAYOUTS: tuple[str, ...] = ("Overlay", "Side by side")
PER_ROW = 4
MAX_SIDE_BY_SIDE = 24
MAX_LANDSCAPE_RUNS = 50
PLOTLY_CONFIG = {"displaylogo": False}
COLOUR_KEY = "compare_colour_by"
PREFERRED_COLOURS = ("learning_rate", "optimizer", "batch_size", "loss", "epochs")  # the first that varies: default
BANDS_KEY = "compare_seed_bands"
SCATTER_KEY = "compare_result_scatter"
COLOUR_HELP = (
    "run: a colour per run. A numeric setting or result gets a continuous scale with a colour bar (log10 where "
    "the values span two decades or more); a category such as the optimizer gets a colour per value"
)


def wants_convergence() -> bool:
    """Whether the chosen colour needs the runs' steps to converge (read before the widgets are drawn)."""
    return needs_convergence(st.session_state.get(COLOUR_KEY, BY_RUN))


def options(runs: list[dict] | None = None, values: dict[int, dict] | None = None) -> dict[str, Any]:
    """Layout, x axis (step or fractional epoch), loss EMA smoothing, log-scale loss and ignoring outliers;
    colour by a setting or result, and seeds as bands.

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
        chosen["bands"] = st.toggle(
            "Seeds as bands",
            key=BANDS_KEY,
            width="content",
            help="runs that differ only by seed become one mean ± std band per config, on every overlay chart",
        )
    choices = colour_options(runs, values) if runs and values else [BY_RUN]
    if st.session_state.get(COLOUR_KEY) not in choices:
        varying = sorted(
            (choice for choice in choices if choice not in (BY_RUN, *COLOUR_METRICS)),
            key=lambda choice: (PREFERRED_COLOURS + (choice,)).index(choice),
        )
        many = runs is not None and len(runs) > LEGEND_RUNS
        st.session_state[COLOUR_KEY] = varying[0] if many and varying else BY_RUN
    chosen["colour"] = st.selectbox("Colour by", choices, key=COLOUR_KEY, help=COLOUR_HELP)
    return chosen


def panel(runs: list[dict], points: dict[int, pd.DataFrame]) -> None:
    """The Charts tab: options, charts and the result chart, as a fragment (_panel) of the page."""
    _panel(runs, points, picks.picked())


@st.fragment
def _panel(runs: list[dict], points: dict[int, pd.DataFrame], picked_then: list[int]) -> None:
    """A change of the panel's own widgets (the colour, layout and axes, a click or lasso that highlights runs)
    reruns only this fragment, so neither the server nor the browser redoes the table, the other tabs and the sweeps
    around it. "Keep only these" changes the picks, which the whole page shows: then the whole page reruns. The
    runs' columns are read here, as the chosen colour may need their steps to converge."""
    if picks.picked() != picked_then:
        st.rerun(scope="app")
    values = store_reads.column_values(runs, with_convergence=wants_convergence())
    if values is not None:
        show(runs, points, options(runs, values), values)


def show(
    runs: list[dict], points: dict[int, pd.DataFrame], chosen: dict[str, Any], values: dict[int, dict] | None = None
) -> None:
    """Overlay: one chart per quantity, a colour per run (or by the colour key). Side by side: one chart per run,
    four to a row. Above 12 runs the overlays join lines of a colour into one trace, without a legend."""
    labels = run_labels(runs)
    series = _series(runs, points, labels, chosen)
    x_title, log_y, robust = chosen["axis"], chosen["log_y"], chosen.get("ignore_outliers", False)
    values = values or {}
    key = colour_key(runs, values, chosen.get("colour", BY_RUN)) if values else colour_key(runs, {}, BY_RUN)
    varying = _varying(values, runs) if values else []
    hover = _hover_texts(runs, values, labels, varying) if values else {}
    if chosen["layout"] == "Overlay" and chosen.get("bands"):
        _bands(runs, points, labels, key, log_y)
    elif chosen["layout"] == "Overlay" and len(runs) > LEGEND_RUNS:
        _many_overlays(runs, series, hover, key, chosen)
    elif chosen["layout"] == "Overlay":
        for column, quantity in zip(st.columns(3), ("w", "b", "loss")):
            y_range = y_range_of(series, (quantity,), quantity == "loss" and log_y) if robust else None
            figure = training_figures.overlay_figure(series, quantity, x_title, log_y, y_range)
            if key.column != BY_RUN:
                figure = many_runs_figures.keyed_colours(figure, key, [run["id"] for run in runs])
            with column:
                _overlay(figure, quantity, runs, chosen)
        _changes_caption(series)
    else:
        _side_by_side(series, chosen)
    if len(runs) > 1 and values:
        _result_scatter(runs, values, varying, hover, key)


def _series(
    runs: list[dict], points: dict[int, pd.DataFrame], labels: dict[int, str], chosen: dict[str, Any]
) -> list[dict[str, Any]]:
    """core's chart_series for each run, kept per run version, point count, label, axis and smoothing."""
    view = (chosen["axis"], chosen["smoothing"])
    return store_reads.memoised_each(
        runs,
        lambda run: ("chart_series", len(points[run["id"]]), labels[run["id"]], *view),
        lambda run: chart_series(run, points[run["id"]], labels[run["id"]], *view),
    )


def _thinned_series(series: list[dict[str, Any]], runs: list[dict], quantity: str, axis: str) -> list[dict[str, Any]]:
    """Each run's series for one overlay of many runs: its share of the chart's points, kept by that quantity's own
    extremes (many_runs_figures.thinned), per run version and view."""
    share = store_reads.points_per_run(len(runs))
    by_id = {item["id"]: item for item in series}
    return store_reads.memoised_each(
        runs,
        lambda run: ("thinned", quantity, share, axis, by_id[run["id"]]["label"], by_id[run["id"]]["smoothing"]),
        lambda run: many_runs_figures.thinned(by_id[run["id"]], quantity, share),
        memo="thinned series",
    )


def _varying(values: dict[int, dict], runs: list[dict]) -> list[str]:
    return [choice for choice in colour_options(runs, values) if choice not in (BY_RUN, *COLOUR_METRICS)]


def _hover_texts(
    runs: list[dict], values: dict[int, dict], labels: dict[int, str], fields: list[str]
) -> dict[int, str]:
    return {run["id"]: many_runs_figures.hover_text(labels[run["id"]], values[run["id"]], fields) for run in runs}


def _many_overlays(
    runs: list[dict], series: list[dict[str, Any]], hover: dict[int, str], key: ColourKey, chosen: dict[str, Any]
) -> None:
    """Many runs: one line trace per colour, the colour key, hover per run; a click on a line highlights it."""
    lit = run_highlight.highlighted(runs)
    log_y, robust = chosen["log_y"], chosen.get("ignore_outliers", False)
    framed = {}
    for quantity in ("w", "b", "loss"):  # all three built before the first is sent: they reach the browser together
        drawn = _thinned_series(series, runs, quantity, chosen["axis"])
        y_range = y_range_of(drawn, (quantity,), quantity == "loss" and log_y) if robust else None
        figure = many_runs_figures.many_overlay_figure(drawn, quantity, chosen["axis"], key, hover, lit, log_y, y_range)
        framed[quantity] = _framed_overlay(figure, quantity, runs, chosen)
    for column, quantity in zip(st.columns(3), framed):
        with column:
            overlay_chart.draw(framed[quantity], f"compare_overlay_{quantity}", run_highlight.take_clicked)
    st.caption(
        f"{len(runs)} runs, coloured by **{key.column}**: hover a line for its run's settings and final values; "
        "click a line, or click or lasso runs on the result chart below, to highlight them. Mid-run change marks and "
        f"faint raw losses are left out above {LEGEND_RUNS} runs."
    )
    run_highlight.controls(runs)


def _overlay(figure: dict[str, Any], quantity: str, runs: list[dict], chosen: dict[str, Any]) -> None:
    """An overlay as a live chart (Plotly.react in place); its zoom lasts while the same runs and axes are drawn."""
    framed = _framed_overlay(figure, quantity, runs, chosen)
    overlay_chart.draw(framed, f"compare_overlay_{quantity}", on_click=run_highlight.take_clicked)


def _framed_overlay(figure: dict[str, Any], quantity: str, runs: list[dict], chosen: dict[str, Any]) -> dict[str, Any]:
    """An overlay's figure as the live chart gets it, with a uirevision that holds while the same runs and axes are
    drawn."""
    view = [chosen.get(name) for name in ("axis", "log_y", "ignore_outliers", "bands", "smoothing")]
    uirevision = overlay_chart.revision(f"compare_overlay_{quantity}", [run["id"] for run in runs], *view)
    return overlay_chart.framed(figure, uirevision)


def _side_by_side(series: list[dict[str, Any]], chosen: dict[str, Any]) -> None:
    x_title, log_y, robust = chosen["axis"], chosen["log_y"], chosen.get("ignore_outliers", False)
    if len(series) > MAX_SIDE_BY_SIDE:
        st.caption(f"Side by side shows the first {MAX_SIDE_BY_SIDE} of {len(series)} runs; the overlay shows all.")
        series = series[:MAX_SIDE_BY_SIDE]
    st.caption("Blue: w, orange: b, dashed: their targets; green below: the loss; dotted: mid-run changes.")
    for start in range(0, len(series), PER_ROW):
        for column, item in zip(st.columns(PER_ROW), series[start : start + PER_ROW]):
            column.markdown(f"**{item['label']}**")  # wraps, where a Plotly title would be cut off
            ranges = {"w, b": y_range_of(series, ("w", "b")), "loss": y_range_of(series, ("loss",), log_y)}
            figure = training_figures.run_figure(item, x_title, log_y, ranges if robust else None)
            column.plotly_chart(figure, key=f"compare_run_{item['id']}", config=PLOTLY_CONFIG)


def _bands(
    runs: list[dict], points: dict[int, pd.DataFrame], labels: dict[int, str], key: ColourKey, log_y: bool
) -> None:
    """Runs that differ only by seed as mean ± std bands (by step), the other runs as lines, on each overlay."""
    groups = seed_groups(runs)
    grouped = {run["id"] for _, members in groups for run in members}
    singles = [
        {"id": run["id"], "label": labels[run["id"]], **{c: points[run["id"]][c].to_numpy() for c in POINT_NAMES}}
        for run in runs
        if run["id"] not in grouped
    ]
    for column, quantity in zip(st.columns(3), ("w", "b", "loss")):
        bands = [
            {**seed_band([points[run["id"]] for run in members], quantity), "label": label}
            | {"ids": [run["id"] for run in members]}
            for label, members in groups
        ]
        figure = many_runs_figures.band_overlay_figure(bands, singles, quantity, key, log_y)
        with column:
            _overlay(figure, quantity, runs, {"bands": True, "log_y": log_y})
    if groups:
        st.caption(
            f"{len(groups)} configs drawn as mean ± one standard deviation over their seeds "
            f"({len(grouped)} runs), {len(singles)} runs without seed siblings as lines; bands are by step."
        )
    else:
        st.caption("No picked runs differ only by seed, so there are no bands: every run is a line.")


def _result_scatter(
    runs: list[dict], values: dict[int, dict], varying: list[str], hover: dict[int, str], key: ColourKey
) -> None:
    """One point per run, a setting against a result; click or lasso points to highlight their runs."""
    varying = sorted(varying, key=lambda choice: (PREFERRED_COLOURS + (choice,)).index(choice))
    x_choices = [*(varying or ["learning_rate"]), "id"]
    y_choices = [metric for metric in COLOUR_METRICS if any(values[run["id"]].get(metric) is not None for run in runs)]
    if not y_choices:
        return
    forget_missing("compare_scatter_x", x_choices)
    forget_missing("compare_scatter_y", y_choices)
    x_column, y_column = st.columns(2)
    x_field = x_column.selectbox("Result chart x", x_choices, key="compare_scatter_x")
    y_field = y_column.selectbox("Result chart y", y_choices, key="compare_scatter_y")
    points = [
        {
            "id": run["id"],
            "x": values[run["id"]].get(x_field),
            "y": values[run["id"]][y_field],
            "hover": hover[run["id"]],
        }
        for run in runs
        if values[run["id"]].get(y_field) is not None
    ]
    lit = run_highlight.highlighted(runs)
    log_y = y_field in ("final_loss", "final_step_loss")
    figure = many_runs_figures.result_scatter_figure(points, x_field, y_field, key, lit, log_y)
    st.plotly_chart(
        figure,
        key=SCATTER_KEY,
        config=PLOTLY_CONFIG,
        on_select=run_highlight.on_select(SCATTER_KEY),
        selection_mode=("points", "box", "lasso"),
    )
    if len(runs) <= LEGEND_RUNS:
        run_highlight.controls(runs)


POINT_NAMES = ("step", "w", "b", "loss")


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
    if len(runs) > MAX_LANDSCAPE_RUNS:
        st.caption(f"The landscape draws the first {MAX_LANDSCAPE_RUNS} of the {len(runs)} picked runs.")
        runs = runs[:MAX_LANDSCAPE_RUNS]
    labels = run_labels(runs)
    paths = landscape_paths(runs, points)
    try:
        surface, optimum = _surface(config.to_json(), landscape_box(runs, paths))
    except (ConfigError, StoreError) as error:
        st.info(f"No landscape: the data of run #{first['id']} can't be drawn here ({error}).")
        return
    target = (config.w_target, config.b_target)
    figure = run_figures.landscape_figure(surface, paths, target, optimum, f"mean loss ({labels[first['id']]})")
    st.plotly_chart(figure, key="compare_landscape", config=PLOTLY_CONFIG)
    st.caption(
        f"Contours: the mean {config.loss} loss on the data of **{labels[first['id']]}** (the first picked "
        "run); other runs' data may differ. Dots mark where each run ended."
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _surface(config_json: str, box: tuple[float, ...]) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
    """core's data_surface, cached per config (its data set's hash included) and box."""
    config = RegressionConfig.from_json(config_json)
    return data_surface(config, box, store_reads.datasets_of(config))
