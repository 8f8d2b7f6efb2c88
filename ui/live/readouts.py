"""The numbers above the live charts: the metrics row, the status line with its progress bar, a race's lanes table.

Full script runs draw them as Streamlit elements (st.metric Weight, Bias, Loss and Step; a markdown status line;
st.progress; the st.table of ui/live/lanes_table.py). While a run plays, the ticking fragment writes no element
for them: each tick's live feed carries their new texts (``payload``) and the feed's script puts them into those
elements in place (see ui/live/chart_component.py, showReadouts). That keeps a tick to one element, which is most
of what a tick costs the server when a class plays at once.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui.live import feed_state, lanes_table, rate_display
from ui.live.run_state import LiveRun

RATE_SAMPLES_KEY = "live_rate_samples"
METRICS_KEY, STATUS_KEY = "live_metrics", "live_status"


def status_word(run: LiveRun, view: dict[str, Any]) -> str:
    """ready (nothing run yet), running, paused, done or diverged."""
    if view["status"] != "running":
        return view["status"]
    if run.playing:
        return "running"
    return "paused" if view["steps_done"] else "ready"


def delta_to_target(value: float, target: float, name: str) -> str:
    """'+0.1234 vs w*', or 'on target' when it rounds to zero: never '-0.0000'."""
    delta = value - target
    if f"{abs(delta):.4f}" == "0.0000":
        return "on target"
    return f"{delta:+.4f} vs {name}"


def metric_texts(view: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each metric's label → (value, delta) as shown: Weight, Bias, Loss and Step, then R², RMSE and MAE of the fit
    when the view has them. Without a true line (uploaded or curved data), w_target and b_target hold the
    least-squares fit, and the deltas say so."""
    config = view["config"]
    true_line = view.get("true_line", True)
    left = view["total_steps"] - view["steps_done"]
    converged = view.get("converged_step")
    if converged is not None:
        progress_text = f"converged at step {converged:,}"
    else:
        progress_text = f"{left:,} to go" if left else "finished"
    texts = {
        "Weight": (f"{view['w']:.4f}", delta_to_target(view["w"], config["w_target"], "w*" if true_line else "LS w")),
        "Bias": (f"{view['b']:.4f}", delta_to_target(view["b"], config["b_target"], "b*" if true_line else "LS b")),
        "Loss": (
            f"{view['mean_loss']:.4g}",
            f"{view['mean_loss'] - view.get('optimum_loss', 0.0):+.3g} vs best fit",
        ),
        "Step": (f"{view['steps_done']:,}", progress_text),
    }
    fit = view.get("fit")
    if fit:
        texts["R²"] = (f"{fit['r2']:.4f}", "")
        texts["RMSE"] = (f"{fit['rmse']:.4g}", "")
        texts["MAE"] = (f"{fit['mae']:.4g}", "")
    return texts


HELP = {
    "Loss": "mean loss over all the data at the current w and b; the loss chart shows each step's own loss",
    "R²": "1 − (sum of squared residuals) / (sum of squares of y about its mean), over all the data",
    "RMSE": "root mean squared error of the current line over all the data",
    "MAE": "mean absolute error of the current line over all the data",
}


def metrics(view: dict[str, Any]) -> None:
    """Weight, Bias, Loss and Step, each with its delta to the target, in one compact row (no arrows: a tick
    updates the texts in place, and an arrow's direction would go stale)."""
    row = st.container(key=METRICS_KEY, horizontal=True)
    for label, (value, delta) in metric_texts(view).items():
        row.metric(label, value, delta or None, delta_color="off", delta_arrow="off", help=HELP.get(label))


def shown_rate(run: LiveRun, steps_done: int) -> str:
    """The speed while playing, over a window of recent frames kept in the tick state ('' when not playing)."""
    if not run.playing:
        feed_state.current()[RATE_SAMPLES_KEY] = []
        return ""
    speed = None if run.run_to_end else run.speed
    samples = rate_display.kept_samples(
        feed_state.current().get(RATE_SAMPLES_KEY, []), time.perf_counter(), steps_done, speed
    )
    feed_state.current()[RATE_SAMPLES_KEY] = samples
    return rate_display.rate_text(rate_display.windowed_rate(samples), speed)


def status_parts(run: LiveRun, view: dict[str, Any]) -> tuple[str, str]:
    """The status word, and the rest of the line: speed, steps, epoch and backend."""
    rate = shown_rate(run, view["steps_done"])
    epoch = min(view["epoch"] + 1, view["config"]["epochs"])
    parts = [
        *([rate] if rate else []),
        f"{view['steps_done']:,} / {view['total_steps']:,} steps",
        f"epoch {epoch}/{view['config']['epochs']}",
        f"backend {view['backend']}",
    ]
    return status_word(run, view), "".join(f" · {part}" for part in parts)


def progress(view: dict[str, Any]) -> float:
    """The share of the run's steps done, 0 to 1."""
    return min(view["steps_done"] / max(view["total_steps"], 1), 1.0)


def status_line(run: LiveRun, view: dict[str, Any]) -> None:
    """Status, speed, steps, epoch and backend on one line, over a thin progress bar."""
    word, rest = status_parts(run, view)
    with st.container(key=STATUS_KEY):
        st.markdown(f"**Status:** `{word}`{rest}")
        st.progress(progress(view))


def payload(run: LiveRun, view: dict[str, Any]) -> dict[str, Any]:
    """What a tick's feed carries for these elements (see ui/live/chart_component.py, showReadouts)."""
    word, rest = status_parts(run, view)
    texts = {"metrics": metric_texts(view), "status": [word, rest], "progress": progress(view)}
    texts["lanes"] = lanes_table.cell_texts(view)
    return texts
