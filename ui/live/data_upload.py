"""The sidebar's Data source box and, for Your data (CSV), the uploader, the paste box and the column picks."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from core.engine.errors import EngineError
from core.regression.config import ConfigError, RegressionConfig
from core.regression.csv_table import CsvError, Table, dataset_from_table, decode, default_columns, read_table
from core.regression.dataset import Dataset
from core.regression.fields import FIELDS, UPLOADED, choice_label
from core.regression.script_export import MAX_EMBEDDED_ROWS, companion_csv, companion_name, needs_companion
from ui.engine_handle import engine_error_message
from ui.live import sidebar_form
from ui.live.run_state import LiveRun

UPLOAD_LABEL = "Your data (CSV)"
PASTE_LABEL = "…or paste two columns of numbers"
UPLOAD_KEY = "own_data_file"
PASTE_KEY = "own_data_paste"
X_KEY, Y_KEY = "own_data_x", "own_data_y"
PARSED_KEY = "own_data_parsed"
SPEC = FIELDS["data_source"]
SCRIPT_NAME = "tapestream_run.py"  # the Live page's Export as Python script file name


def panel(run: LiveRun) -> RegressionConfig:
    """The Data source select box; with Your data (CSV) chosen, the upload and what it holds. Returns the run's
    config after it (an upload moves the run to its data)."""
    key = sidebar_form.widget_key(SPEC.name)
    st.selectbox(
        SPEC.label,
        SPEC.choices,
        key=key,
        format_func=lambda choice: choice_label(SPEC, choice),
        on_change=lambda: switch_source(run, st.session_state[key]),
        help=SPEC.help,
    )
    if st.session_state.get(key) == UPLOADED:
        own_data(run)
    elif run.config.data_source != "synthetic":
        st.caption(source_note(run.config.data_source))
    return run.config


def source_note(source: str) -> str:
    """What a generated data source is, under the box."""
    return {
        "outliers": "The synthetic line with a fraction of points given errors of ±10 to ±30.",
        "heteroscedastic": "The synthetic line with noise whose spread grows with |x|.",
        "curved": "y = a·x² + w*·x + b*: no line fits it, so the charts aim at the least-squares line.",
    }.get(source, "")


def switch_source(run: LiveRun, source: str) -> None:
    """A generated source applies at once; Your data waits for a file and its columns."""
    run.url_warnings = []
    if source == UPLOADED:
        return
    try:
        run.change(data_source=source, **({"data_hash": ""} if run.config.data_hash else {}))
    except (ConfigError, EngineError) as error:
        run.notices.append(f"Data source {choice_label(SPEC, source)} could not be used: {_why(error)}")
        st.session_state[sidebar_form.widget_key(SPEC.name)] = run.config.data_source


def _why(error: Exception) -> str:
    return error.allowed if isinstance(error, ConfigError) else engine_error_message(error)


def parsed(upload: Any, pasted: str) -> tuple[str, Table | str | None]:
    """(name, table) from the uploaded file, else the pasted text; the table is an error message when it is bad.

    Parsed once per file or text and kept in session_state, so reruns and ticks do not read it again.
    """
    if upload is not None:
        source = ("file", upload.file_id, upload.size)
    elif pasted.strip():
        source = ("paste", hashlib.sha256(pasted.encode()).hexdigest())
    else:
        return "", None
    kept = st.session_state.get(PARSED_KEY)
    if kept is not None and kept[0] == source:
        return kept[1], kept[2]
    name = upload.name if upload is not None else "pasted numbers"
    try:
        table: Table | str = read_table(decode(upload.getvalue())) if upload is not None else read_table(pasted)
    except CsvError as error:
        table = str(error)
    st.session_state[PARSED_KEY] = (source, name, table)
    st.session_state.pop(X_KEY, None)
    st.session_state.pop(Y_KEY, None)
    return name, table


def own_data(run: LiveRun) -> None:
    """The uploader, the paste box, the x and y column picks, and the data set's summary or what is wrong."""
    upload = st.file_uploader(
        UPLOAD_LABEL,
        key=UPLOAD_KEY,
        help="A UTF-8 CSV with a header row (or none: two columns of numbers). At most 1,000,000 rows and 100 MB.",
    )
    pasted = st.text_area(PASTE_LABEL, key=PASTE_KEY, height=90, placeholder="1.0 2.1\n2.0 3.9\n3.0 6.2")
    name, table = parsed(upload, pasted or "")
    if table is None:
        st.caption("Choose a file or paste numbers; until then the run keeps its current data.")
        return
    if isinstance(table, str):
        st.error(f"{name}: {table}")
        return
    default_x, default_y = default_columns(table)
    columns = list(table.columns)
    x_column = st.selectbox("x column", columns, index=columns.index(default_x), key=X_KEY)
    y_column = st.selectbox("y column", columns, index=columns.index(default_y), key=Y_KEY)
    try:
        dataset = dataset_from_table(table, x_column, y_column, name)
    except CsvError as error:
        st.error(f"{name}: {error}")
        return
    if run.config.data_source != UPLOADED or run.config.data_hash != dataset.hash:
        use(run, dataset)
    if run.config.data_hash == dataset.hash:
        st.caption(f"Training on {len(dataset):,} rows of {name}: x = {x_column}, y = {y_column}.")
        companion_download(dataset)


def companion_download(dataset: Dataset) -> None:
    """Above 10,000 rows the exported script reads its data from a companion CSV: offer it beside the upload."""
    if not needs_companion(dataset):
        return
    st.download_button(
        "Companion CSV for the exported script",
        data=lambda: companion_csv(dataset),
        file_name=companion_name(SCRIPT_NAME),
        mime="text/csv",
        key="own_data_companion",
        help=f"Export as Python script embeds up to {MAX_EMBEDDED_ROWS:,} rows; put this file beside the script.",
    )


def use(run: LiveRun, dataset: Dataset) -> None:
    """Move the run to a data set: its rows become the samples (a run that has stepped marks the change)."""
    batch = min(run.config.batch_size, len(dataset))
    try:
        run.client.put_data(dataset)
        run.change(data_source=UPLOADED, data_hash=dataset.hash, n_samples=len(dataset), batch_size=batch)
    except (ConfigError, EngineError) as error:
        st.error(f"{dataset.name}: this data set cannot be used: {_why(error)}")
        return
    st.session_state[sidebar_form.widget_key("n_samples")] = len(dataset)
    st.session_state[sidebar_form.widget_key("batch_size")] = batch
