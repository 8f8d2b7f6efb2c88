"""The sidebar form for every RegressionConfig field, the backend and the speed; written once, shared by pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.regression.config import (
    BACKEND_NAMES,
    LOSSES,
    MAX_ABS_INIT,
    MAX_ABS_TARGET,
    MAX_EPOCHS,
    MAX_NOISE_STD,
    MAX_SAMPLES,
    MAX_SEED,
    OPTIMIZERS,
    RegressionConfig,
)

KEY_PREFIX = "cfg_"
LEARNING_RATES = [m * 10.0**e for e in range(-5, 1) for m in (1, 2, 5)] + [10.0]
SPEEDS: dict[str, float | None] = {
    "1/s": 1, "2/s": 2, "5/s": 5, "10/s": 10, "20/s": 20, "50/s": 50, "100/s": 100, "200/s": 200, "500/s": 500,
    "1k/s": 1_000, "5k/s": 5_000, "20k/s": 20_000, "100k/s": 100_000, "as fast as possible": None,
}  # fmt: skip
LABELS = {
    "w_target": "Target weight w*", "b_target": "Target bias b*", "n_samples": "Samples", "noise_std": "Noise std",
    "seed": "Seed", "shuffle": "Shuffle each epoch", "epochs": "Epochs", "learning_rate": "Learning rate (log scale)",
    "batch_size": "Batch size", "optimizer": "Optimizer", "loss": "Loss", "w_init": "Initial w", "b_init": "Initial b",
}  # fmt: skip
OnChange = Callable[[str, Any], None]


def widget_key(field: str) -> str:
    """Session-state key of a field's widget."""
    return KEY_PREFIX + field


def seed_widgets(config: RegressionConfig, backend: str, speed: float | None) -> None:
    """Give widgets their values from the run (needed after visiting another page drops widget state)."""
    values = {**config.to_dict(), "backend": backend, "speed": _speed_label(speed)}
    for name, value in values.items():
        st.session_state.setdefault(widget_key(name), value)


def _speed_label(speed: float | None) -> str:
    return next(label for label, value in SPEEDS.items() if value == speed) if speed in SPEEDS.values() else "200/s"


def speed_value(label: str) -> float | None:
    """Steps per second for a speed label (None = as fast as possible)."""
    return SPEEDS[label]


def _lr_options(current: float) -> list[float]:
    return sorted(set(LEARNING_RATES) | {current})


def render(config: RegressionConfig, on_change: OnChange) -> None:
    """Draw the sidebar; each change calls on_change(field, new value) before the page reruns."""

    def changed(field: str) -> Callable[[], None]:
        return lambda: on_change(field, st.session_state[widget_key(field)])

    sidebar = st.sidebar
    sidebar.header("Settings")
    sidebar.caption("Changes apply to the running run from its next step; Reset starts over.")
    with sidebar.expander("Target and data", expanded=True):
        _number("w_target", -MAX_ABS_TARGET, MAX_ABS_TARGET, 0.5, changed, "%.3f")
        _number("b_target", -MAX_ABS_TARGET, MAX_ABS_TARGET, 0.5, changed, "%.3f")
        _number("n_samples", 1, MAX_SAMPLES, 100, changed, None)
        _number("noise_std", 0.0, MAX_NOISE_STD, 0.1, changed, "%.3f")
        _number("seed", 0, MAX_SEED, 1, changed, None)
        st.toggle(LABELS["shuffle"], key=widget_key("shuffle"), on_change=changed("shuffle"))
    with sidebar.expander("Training", expanded=True):
        st.select_slider(
            LABELS["learning_rate"], options=_lr_options(config.learning_rate), key=widget_key("learning_rate"),
            format_func=lambda v: f"{v:g}", on_change=changed("learning_rate"),
        )  # fmt: skip
        _number("epochs", 1, MAX_EPOCHS, 1, changed, None)
        _number("batch_size", 1, MAX_SAMPLES, 1, changed, None, help="1 = one sample per step (the tutorial); "
                "equal to Samples = full batch")  # fmt: skip
        st.selectbox(LABELS["optimizer"], OPTIMIZERS, key=widget_key("optimizer"), on_change=changed("optimizer"))
        st.selectbox(LABELS["loss"], LOSSES, key=widget_key("loss"), on_change=changed("loss"))
        _number("w_init", -MAX_ABS_INIT, MAX_ABS_INIT, 0.5, changed, "%.3f")
        _number("b_init", -MAX_ABS_INIT, MAX_ABS_INIT, 0.5, changed, "%.3f")
    with sidebar.expander("Engine", expanded=True):
        st.selectbox("Backend", BACKEND_NAMES, key=widget_key("backend"), on_change=changed("backend"),
                     help="compiled: XLA GradientTape loop; eager: the tutorial's Python loop")  # fmt: skip
        st.select_slider("Speed (steps per second)", options=list(SPEEDS), key=widget_key("speed"),
                         on_change=changed("speed"))  # fmt: skip


def _number(field: str, low: float, high: float, step: float, changed: Any, fmt: str | None, **extra: Any) -> None:
    is_int = isinstance(getattr(RegressionConfig(), field), int)
    kwargs = {"min_value": int(low), "max_value": int(high), "step": int(step)} if is_int else {
        "min_value": float(low), "max_value": float(high), "step": float(step), "format": fmt}  # fmt: skip
    st.number_input(LABELS[field], key=widget_key(field), on_change=changed(field), **kwargs, **extra)
