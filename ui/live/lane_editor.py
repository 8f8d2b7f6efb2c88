"""The Live page's lane controls: Race preset, Add lane, and the editor that changes one lane mid-run."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.race.lane_fields import MAX_LANES
from core.race.lane_specs import LaneSpec, lane_config, lane_labels
from core.race.presets import RACE_PRESETS
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import FIELDS, LOSSES, OPTIMIZERS
from ui.engine_handle import engine_error_message
from ui.live import race_state, sidebar_form
from ui.live.lane_figures import SMALL_MULTIPLES_KEY
from ui.live.run_state import LiveRun

PRESET_KEY = "race_preset"
ONE_LANE = "One lane (the tutorial)"
PRESET_TEXT = {
    "Optimizers": "Optimizers: sgd, momentum, nesterov, rmsprop, adam, adagrad",
    "Learning rates": "Learning rates: 0.001, 0.01, 0.1, 0.5",
    "Batch sizes": "Batch sizes: 1, 32, full",
    "Losses": "Losses: mse, mae, huber, with noise on",
    "Starting points": "Starting points: four corners of the landscape",
}
PRESET_OPTIONS = (ONE_LANE, *(PRESET_TEXT[name] for name in RACE_PRESETS))
LANE_PICK_KEY = "race_lane_pick"
PICKED_KEY = "race_lane_picked"  # the lane last picked, kept apart from the widget's value (which is its label)
PICK_LABELS_KEY = "race_lane_pick_labels"  # the lane labels the picker was last drawn with
EDITOR_KEY = "race_lane_editor"
EDITED = ("optimizer", "learning_rate", "batch_size", "loss", "w_init", "b_init")


def start_lanes(run: LiveRun, lanes: list[dict[str, Any]], config: RegressionConfig | None = None) -> bool:
    """Save the current run, then start the given lanes (a race, or one lane) at step 0; False if the save failed."""
    run.playing = run.run_to_end = False
    if not run.autosave():
        run.notices.append("The lanes were not changed: the current run could not be saved first (see above).")
        return False
    if config is not None:
        for name in config.to_dict():
            if getattr(config, name) != getattr(run.config, name):
                st.session_state.pop(sidebar_form.widget_key(name), None)
    run.lanes = lanes if len(lanes) > 1 else []
    run.start_over(config)
    return True


def _on_preset() -> None:
    run = st.session_state["live_run"]
    choice = st.session_state.get(PRESET_KEY, ONE_LANE)
    try:
        if choice == ONE_LANE:
            start_lanes(run, [])
            return
        name = next(name for name, text in PRESET_TEXT.items() if text == choice)
        base, lanes = race_state.preset_lanes(name, run.config)
        start_lanes(run, lanes, base)
    except ConfigError as error:
        run.notices.append(f"That preset does not fit these settings: {error}")
    except EngineError as error:
        run.notices.append(engine_error_message(error))


def add_lane_mid_run(run: LiveRun, lanes: list[dict[str, Any]]) -> None:
    """Add the last of lanes to the running race (or make the single run a race): nobody restarts or stops.

    The new lane trains from step 0 on the next tick, which brings it up to the other lanes' step.
    """
    was_racing = run.racing
    run.lanes = run._with_engine(lambda handle: run.client.race(handle, "add_lane", lane=lanes[-1]))
    if not was_racing:  # from now on its lanes save as one race, the single run's stored row as the first lane's
        run.race_id, run.lane_run_ids = race_state.new_race_id(), [] if run.run_id is None else [run.run_id]
    run.saved_as = ()  # the next save writes the new lane too
    label = lane_labels(run.config, [LaneSpec.from_dict(lane) for lane in run.lanes])[-1]
    steps = run.view["steps_done"] if run.view else 0
    run.notices.append(
        f"Lane {len(run.lanes)} ({label}) added: it trains from step 0 and catches up with the other lanes "
        f"(step {steps:,}) on the next step; the running lanes go on."
    )


def _on_add_lane() -> None:
    run = st.session_state["live_run"]
    try:
        lanes = race_state.added_lane(run.config, run.lanes)
        if run.has_steps():
            add_lane_mid_run(run, lanes)
        else:
            start_lanes(run, lanes)
    except ConfigError as error:
        run.notices.append(f"No lane added: {error}")
    except EngineError as error:
        run.notices.append(engine_error_message(error))


def controls(run: LiveRun) -> None:
    """Race preset (a new race: the current run is saved, then the lanes start at step 0) and Add lane (mid-run:
    the running lanes go on), in the sidebar."""
    sidebar = st.sidebar.container(key="race_controls")
    sidebar.subheader("Race")
    st.session_state.setdefault(PRESET_KEY, ONE_LANE)
    sidebar.selectbox(
        "Race preset",
        PRESET_OPTIONS,
        key=PRESET_KEY,
        on_change=_on_preset,
        help="several lanes that train together on the same data; the current run is saved first",
    )
    lanes = max(1, len(run.lanes))
    sidebar.button(
        "Add lane",
        on_click=_on_add_lane,
        disabled=lanes >= MAX_LANES,
        width="stretch",
        help=f"race another variant (up to {MAX_LANES} lanes); the running lanes go on, and the new one trains "
        "from step 0 and catches up",
    )
    sidebar.toggle(
        "Small multiples",
        key=SMALL_MULTIPLES_KEY,
        disabled=not run.racing,
        help="the w/b and loss charts in one column per lane, sharing their axes",
    )
    if run.racing:
        sidebar.caption(f"{lanes} lanes race on the same data: change one under the buttons, shared settings above.")


def _lane_key(run: LiveRun, index: int, name: str) -> str:
    return f"lane_{run.revision}_{index}_{name}"


def _on_lane_change(index: int, name: str) -> None:
    run = st.session_state["live_run"]
    value = st.session_state.get(_lane_key(run, index, name))
    try:
        if name == "label":
            run._with_engine(lambda handle: run.client.race(handle, "relabel", index=index, label=value or ""))
        elif value is None:
            raise ConfigError(name, value, "needs a number")
        else:
            events = run._with_engine(
                lambda handle: run.client.race(handle, "update_lane", index=index, changes={name: value})
            )
            if events:
                st.toast(f"Lane {index + 1}: {sidebar_form.LABELS[name]} → {value}")
        run.lanes = run._with_engine(lambda handle: run.client.race(handle, "specs"))
    except ConfigError as error:
        run.notices.append(
            f"Lane {index + 1}: {sidebar_form.LABELS.get(name, name)} = {value!r} is not allowed: {error.allowed}"
        )
        st.session_state.pop(_lane_key(run, index, name), None)
    except EngineError as error:
        run.notices.append(engine_error_message(error))


def editor(run: LiveRun) -> None:
    """Change one lane: its label, optimizer, learning rate, batch size, loss, or its w or b (from the next step)."""
    if not run.racing:
        return
    specs = [LaneSpec.from_dict(lane) for lane in run.lanes]
    labels = lane_labels(run.config, specs)
    # stateful: the server keeps whether it is open, so every run of the page (a tick's, a notice's) draws it so
    with st.expander("Change one lane", key=EDITOR_KEY, on_change="rerun"):
        _keep_pick(labels)
        index = st.selectbox(
            "Lane",
            list(range(len(specs))),
            key=LANE_PICK_KEY,
            format_func=lambda i: f"{i + 1}: {labels[i]}",
            on_change=_on_pick,
            help="the lane to change",
        )
        config = lane_config(run.config, specs[index])
        columns = st.columns(4)
        _seed(run, index, "label", specs[index].label or labels[index])
        columns[0].text_input(
            "Lane label",
            key=_lane_key(run, index, "label"),
            max_chars=24,
            on_change=_on_lane_change,
            args=(index, "label"),
        )
        for place, name in enumerate(EDITED):
            _seed(run, index, name, getattr(config, name))
            column, key, spec = columns[(place + 1) % 4], _lane_key(run, index, name), FIELDS[name]
            args = {"key": key, "on_change": _on_lane_change, "args": (index, name)}
            if name in ("optimizer", "loss"):
                column.selectbox(sidebar_form.LABELS[name], OPTIMIZERS if name == "optimizer" else LOSSES, **args)
            elif name == "batch_size":
                column.number_input(
                    sidebar_form.LABELS[name], min_value=1, max_value=run.config.n_samples, step=1, **args
                )
            else:
                low = spec.low if not spec.open_low else None
                column.number_input(sidebar_form.LABELS[name], min_value=low, max_value=spec.high, format="%g", **args)


def _on_pick() -> None:
    picked = st.session_state.get(LANE_PICK_KEY)
    if isinstance(picked, int):
        st.session_state[PICKED_KEY] = picked


def _keep_pick(labels: list[str]) -> None:
    """Keep the picked lane across reruns: the browser sends the pick as its label, which a change to that lane
    (lr 0.01 -> 0.1 relabels "adam" as "adam, lr 0.1") leaves unknown; the picker is then set to the lane kept."""
    picked = st.session_state.get(PICKED_KEY, 0)
    picked = picked if isinstance(picked, int) and 0 <= picked < len(labels) else 0
    st.session_state[PICKED_KEY] = picked
    if st.session_state.get(LANE_PICK_KEY) != picked or st.session_state.get(PICK_LABELS_KEY) != labels:
        st.session_state[LANE_PICK_KEY] = picked  # also when the labels changed: the browser then shows the new one
    st.session_state[PICK_LABELS_KEY] = labels


def _seed(run: LiveRun, index: int, name: str, value: Any) -> None:
    st.session_state.setdefault(_lane_key(run, index, name), value)
