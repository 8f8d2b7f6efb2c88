"""Start a sweep from the Compare page: checked here without TensorFlow, then trained and saved in the engine."""

from __future__ import annotations

import streamlit as st

from core.engine.errors import EngineCallError, EngineError
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import SWEEP_FORM
from core.sweep.form_values import plan_sweep, sweep_values
from ui.choices import forget_missing
from ui.compare.runs_table import notify, show_notices
from ui.compare.store_reads import db_path
from ui.compare.sweep_results import PICK_KEY
from ui.engine_handle import engine_client, engine_error_message

BASE_KEY = "sweep_base"
DEFAULTS_LABEL = "tutorial defaults"
LIST_FIELDS = [spec for spec in SWEEP_FORM if spec.sweep == "list"]
CHOICE_FIELDS = [spec for spec in SWEEP_FORM if spec.sweep == "choice"]
COLUMNS = 4
BASE_HELP = "fields left blank keep this config's values; pick runs above to offer their configs"
TIMEOUT_S = 600.0


def show(picked: list[dict]) -> None:
    """The form; a sweep that ran is saved, picked in the results below, and the page reruns to list its runs."""
    bases = {DEFAULTS_LABEL: None, **{f"#{run['id']} {run['name']}": run for run in picked}}
    forget_missing(BASE_KEY, bases)
    with st.form("compare_sweep_form"):
        base = st.selectbox("Base config", list(bases), key=BASE_KEY, help=BASE_HELP)
        texts, choices = _fields()
        prefix = st.text_input("Name prefix", key="sweep_name", placeholder="sweep", max_chars=100)
        submitted = st.form_submit_button("Start sweep", type="primary")
    show_notices("sweep")
    if submitted:
        start(bases[base], texts, choices, prefix)


def _fields() -> tuple[dict[str, str], dict[str, list[str]]]:
    """A comma-list input for each numeric field and a multiselect for optimizers and losses (blank: not swept)."""
    columns = st.columns(COLUMNS)
    texts, choices = {}, {}
    for index, spec in enumerate(LIST_FIELDS):
        column = columns[index % COLUMNS]
        placeholder = f"e.g. {spec.sweep_example}"
        texts[spec.name] = column.text_input(spec.sweep_label, key=f"sweep_{spec.name}", placeholder=placeholder)
    for index, spec in enumerate(CHOICE_FIELDS, start=len(LIST_FIELDS)):
        column = columns[index % COLUMNS]
        choices[spec.name] = column.multiselect(spec.sweep_label, spec.choices, key=f"sweep_{spec.name}")
    return texts, choices


def start(base_run: dict | None, texts: dict[str, str], choices: dict[str, list[str]], prefix: str) -> None:
    """Check the sweep without TensorFlow, run it in the engine, and rerun showing it (or explain what is wrong)."""
    try:
        base = RegressionConfig() if base_run is None else RegressionConfig.from_dict(base_run["config"])
        values = sweep_values(texts, choices)
        configs = plan_sweep(base, values)
    except ConfigError as error:
        st.error(f"Sweep not started: {error}")
        return
    payload = {"base": base.to_dict(), "values": values, "name": prefix.strip() or None, "db_path": db_path()}
    try:
        with st.spinner(f"Training {len(configs)} runs together in the engine…"):
            result = engine_client().task("sweep", payload, timeout=TIMEOUT_S)
    except ConfigError as error:
        st.error(f"Sweep not started: {error}")
        return
    except EngineCallError as error:
        st.error(f"The sweep failed: {error.message}")
        return
    except EngineError as error:
        st.error(engine_error_message(error))
        return
    count = len(result["run_ids"])
    notify(
        "success",
        f"Sweep `{result['sweep_id']}`: {count} runs trained in {result['seconds']:.2f} s and saved.",
        "sweep",
    )
    st.session_state[PICK_KEY] = result["sweep_id"]
    st.rerun()
