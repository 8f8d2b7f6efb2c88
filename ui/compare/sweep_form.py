"""Start a sweep from the Compare page: checked here without TensorFlow, then trained and saved in the engine."""

from __future__ import annotations

import streamlit as st

from core.engine.client import EngineCallError, EngineError
from core.regression.config import LOSSES, OPTIMIZERS, ConfigError, RegressionConfig
from core.sweep.form_values import EXAMPLES, plan_sweep, sweep_values
from ui.choices import forget_missing
from ui.compare.runs_table import notify, show_notices
from ui.compare.store_reads import db_path
from ui.compare.sweep_results import PICK_KEY
from ui.engine_handle import engine_client, engine_error_message

BASE_KEY = "sweep_base"
DEFAULTS_LABEL = "tutorial defaults"
LIST_LABELS = {
    "learning_rate": "Learning rates", "seed": "Seeds", "batch_size": "Batch sizes", "epochs": "Epochs",
    "n_samples": "Samples", "noise_std": "Noise std",
}  # fmt: skip
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
    columns = st.columns(4)
    texts = {}
    for index, (field, label) in enumerate(LIST_LABELS.items()):
        texts[field] = columns[index % 4].text_input(label, key=f"sweep_{field}", placeholder=f"e.g. {EXAMPLES[field]}")
    choices = {
        "optimizer": columns[2].multiselect("Optimizers", OPTIMIZERS, key="sweep_optimizer"),
        "loss": columns[3].multiselect("Losses", LOSSES, key="sweep_loss"),
    }
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
    notify("success", f"Sweep `{result['sweep_id']}`: {count} runs trained in {result['seconds']:.2f} s and saved.",
           "sweep")  # fmt: skip
    st.session_state[PICK_KEY] = result["sweep_id"]
    st.rerun()
