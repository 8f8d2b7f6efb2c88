"""Export the picked runs as TensorBoard logs through the engine, inside the log root, and say how to open them."""

from __future__ import annotations

import shlex

import streamlit as st

from core.engine.errors import EngineCallError, EngineError
from core.store.log_root import LOGDIR_ENV, confined_logdir, log_root
from ui.compare.store_reads import db_path
from ui.engine_handle import engine_client, engine_error_message

RESULT_KEY = "compare_tb_result"
TIMEOUT_S = 300.0


def show(runs: list[dict]) -> None:
    """A sub-folder input and an export button; the outcome stays shown until the next export."""
    root = log_root()
    folder = st.text_input(
        "TensorBoard log folder",
        value="",
        key="compare_tb_logdir",
        placeholder="blank: the log root itself; or a sub-folder such as class-1",
        help=f"a sub-folder of the log root {root} (set by {LOGDIR_ENV}); letters, digits, - _ and . only",
    )
    st.caption(f"Logs go under `{root}` (`{LOGDIR_ENV}`). Exporting a run again replaces its earlier export.")
    label = f"Export {len(runs)} run{'s' if len(runs) > 1 else ''} to TensorBoard"
    if st.button(label, key="compare_tb_export"):
        st.session_state[RESULT_KEY] = export(runs, folder)
    result = st.session_state.get(RESULT_KEY)
    if result is not None:
        getattr(st, result["kind"])(result["text"])
        if result.get("command"):
            st.code(result["command"], language="bash")


def export(runs: list[dict], folder: str) -> dict[str, str]:
    """Run the engine's "tensorboard" task; returns the outcome's kind, text and (on success) the command to run."""
    try:
        logdir = confined_logdir(folder)
    except ValueError as error:
        return {"kind": "error", "text": f"Nothing exported: {error}."}
    payload = {"run_ids": [run["id"] for run in runs], "logdir": str(logdir), "db_path": db_path()}
    try:
        with st.spinner("Writing TensorBoard logs…"):
            written = engine_client().task("tensorboard", payload, timeout=TIMEOUT_S)["directories"]
    except EngineCallError as error:
        return {"kind": "error", "text": f"Nothing exported: {error.message}"}
    except EngineError as error:
        return {"kind": "error", "text": engine_error_message(error)}
    text = f"Wrote {len(written)} run{'s' if len(written) > 1 else ''} under `{logdir}`. Open them with:"
    return {"kind": "success", "text": text, "command": f"tensorboard --logdir {shlex.quote(str(logdir))}"}
