"""Export the picked runs as TensorBoard logs through the engine, and say where they went and how to open them."""

from __future__ import annotations

import shlex
from pathlib import Path

import streamlit as st

from core.engine.errors import EngineCallError, EngineError
from ui.compare.store_reads import db_path
from ui.engine_handle import engine_client, engine_error_message

DEFAULT_LOGDIR_NAME = "tapestream_tb_logs"
RESULT_KEY = "compare_tb_result"
TIMEOUT_S = 300.0


def show(runs: list[dict]) -> None:
    """A log directory input and an export button; the outcome stays shown until the next export."""
    folder, button = st.columns([3, 1], vertical_alignment="bottom")
    default = str(Path(db_path()).resolve().parent / DEFAULT_LOGDIR_NAME)  # beside the run store
    logdir = folder.text_input(
        "TensorBoard log directory",
        value=default,
        key="compare_tb_logdir",
        help="relative paths start from the folder the dashboard was started in",
    )
    if button.button(f"Export {len(runs)} run{'s' if len(runs) > 1 else ''} to TensorBoard", use_container_width=True):
        st.session_state[RESULT_KEY] = export(runs, logdir)
    result = st.session_state.get(RESULT_KEY)
    if result is not None:
        getattr(st, result["kind"])(result["text"])
        if result.get("command"):
            st.code(result["command"], language="bash")


def export(runs: list[dict], logdir: str) -> dict[str, str]:
    """Run the engine's "tensorboard" task; returns the outcome's kind, text and (on success) the command to run."""
    if not logdir.strip():
        return {"kind": "error", "text": "Give a log directory to write to, e.g. ./tapestream_tb_logs."}
    root = Path(logdir.strip()).expanduser().resolve()
    payload = {"run_ids": [run["id"] for run in runs], "logdir": str(root), "db_path": db_path()}
    try:
        with st.spinner("Writing TensorBoard logs…"):
            written = engine_client().task("tensorboard", payload, timeout=TIMEOUT_S)["directories"]
    except EngineCallError as error:
        return {"kind": "error", "text": f"Nothing exported: {error.message}"}
    except EngineError as error:
        return {"kind": "error", "text": engine_error_message(error)}
    text = f"Wrote {len(written)} run{'s' if len(written) > 1 else ''} under `{root}`. Open them with:"
    return {"kind": "success", "text": text, "command": f"tensorboard --logdir {shlex.quote(str(root))}"}
