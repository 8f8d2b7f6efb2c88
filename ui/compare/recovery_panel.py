"""Offers to import runs that a closed session could not save (kept in recovery files beside the run store)."""

from __future__ import annotations

import streamlit as st

from core.store.recovery import import_recovered, recovered_files, recovery_dir
from core.store.run_store import RunStore, StoreError, default_db_path


def offer_import() -> None:
    """If recovered runs wait beside the store, say so and import them on request."""
    files = recovered_files()
    if not files:
        return
    count = f"{len(files)} run{'s' if len(files) != 1 else ''}"
    with st.container(border=True):
        st.warning(
            f"{count} could not be saved to the run store when their browser session closed, so they were kept "
            f"in `{recovery_dir()}`.",
            icon="🛟",
        )
        st.button("Import recovered runs", key="import_recovered_runs", on_click=_import_all)


def _import_all() -> None:
    imported, failed = [], []
    try:
        with RunStore(default_db_path()) as store:
            for path in recovered_files():
                try:
                    imported.append(import_recovered(store, path))
                except StoreError as error:
                    failed.append(str(error))
    except StoreError as error:
        failed.append(f"the run store cannot be opened: {error}")
    if imported:
        st.toast(f"Imported {len(imported)} recovered run(s): " + ", ".join(f"#{run_id}" for run_id in imported))
    for reason in failed:
        st.error(f"Could not import a recovered run: {reason}", icon="🚫")
