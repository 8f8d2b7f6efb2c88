""".streamlit/config.toml: the dashboard listens on loopback only unless told otherwise (a local teaching tool)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_server_binds_to_127_0_0_1_by_default() -> None:
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["address"] == "127.0.0.1"
    script = "from streamlit import config; config.get_config_options(force_reparse=True); "
    script += "print(config.get_option('server.address'))"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")}
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert shown.stdout.strip().splitlines()[-1] == "127.0.0.1", shown.stderr


def test_one_script_thread_at_a_time_owns_a_sessions_live_run() -> None:
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["fastReruns"] is False and settings["runner"]["postScriptGC"] is False
