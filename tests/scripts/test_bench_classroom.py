"""scripts/bench_classroom.py: two headless sessions play against a real dashboard, an idle one gets nothing."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench_classroom.py"
KEYS = {
    "sessions",
    "updates_per_s_min",
    "updates_per_s_median",
    "bytes_per_update",
    "server_ms_per_update",
    "engine_ms_per_update",
    "interrupted_runs",
    "runs_total",
    "rss_mb",
    "steps_advanced_min",
    "per_session",
}


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_classroom", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script is being executed
    spec.loader.exec_module(module)
    return module


def run_bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_two_playing_sessions_advance_and_an_idle_one_gets_no_update() -> None:
    done = run_bench("--sessions", "2", "--seconds", "3", "--settle", "1", "--idle", "1", "--json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert KEYS <= result.keys()
    assert result["sessions"] == 2 and result["problems"] == [] and result["settle_s"] == 1.0
    assert result["steps_advanced_min"] > 0
    playing = [row for row in result["per_session"] if row["role"] == "playing"]
    idle = [row for row in result["per_session"] if row["role"] == "idle"]
    assert len(playing) == 2 and len(idle) == 1
    for row in playing:
        assert row["updates"] > 0 and row["steps_advanced"] > 0 and row["step"] > 0, row
        assert row["first_update_s"] > 0 and row["bytes_per_update"] > 0
    assert result["http_ticks"] >= result["updates"] - 2  # the ticks came over the tick route, not as script runs
    assert idle[0]["updates"] == 0 and idle[0]["runs"] == 0 and idle[0]["step"] == 0
    assert result["updates_per_s_min"] > 0
    assert result["http_ticks"] + result["runs_total"] >= result["updates"] - result["sessions"]  # one may straddle
    assert result["server_ms_per_update"] > 0 and result["engine_ms_per_update"] > 0
    assert result["rss_mb"]["server"] > 0 and len(result["rss_mb"]["engines"]) >= 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--sessions", "0"], "--sessions"),
        (["--sessions", "many"], "--sessions"),
        (["--seconds", "nan"], "--seconds"),
        (["--idle", "-1"], "--idle"),
        (["--settle", "-1"], "--settle"),
        (["--query", "?epochs=10"], "--query"),
    ],
)
def test_bad_arguments_name_the_flag_and_the_range_without_a_traceback(args: list[str], named: str) -> None:
    done = run_bench(*args, timeout=60)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr
    assert "must be" in done.stderr or "give key=value" in done.stderr


def test_page_names_of_both_navigation_styles_find_the_live_page(bench: ModuleType) -> None:
    for name in ("Live_Regression", "Live Regression", "2_Live_Regression", "live_regression"):
        assert bench.normalised(name) == bench.LIVE_PAGE
    assert bench.normalised("Compare_Runs") != bench.LIVE_PAGE


def test_widget_states_are_what_the_frontend_sends_after_mount(bench: ModuleType) -> None:
    whole = NumberInput(id="n", data_type=NumberInput.INT, default=1000)
    assert bench.widget_state("number_input", whole).int_value == 1000
    real = NumberInput(id="x", data_type=NumberInput.FLOAT, default=0.5, value=2.5, set_value=True)
    assert bench.widget_state("number_input", real).double_value == 2.5
    choice = Slider(id="s", type=Slider.SELECT_SLIDER, options=["1/s", "200/s"], default=[1])
    assert list(bench.widget_state("slider", choice).string_array_value.data) == ["200/s"]
    assert bench.widget_state("button", NumberInput(id="b")) is None


def test_the_message_cache_answers_ref_hashes_and_forgets_old_messages(bench: ModuleType) -> None:
    cache = bench.MessageCache()
    message = ForwardMsg(hash="h1")
    message.metadata.cacheable = True
    message.delta.new_element.markdown.body = "cached"
    cache.resolve(message, message.SerializeToString())
    reference = ForwardMsg(ref_hash="h1")
    assert cache.resolve(reference, reference.SerializeToString()).delta.new_element.markdown.body == "cached"
    for _ in range(3):
        cache.run_finished(max_age=2, fragment_ids=[])
    assert cache.resolve(reference, reference.SerializeToString()) is None and cache.misses == 1


def test_problems_name_a_stalled_session_and_an_idle_one_that_updated(bench: ModuleType) -> None:
    row = {"updates": 0, "steps_advanced": 0, "converged": False, "weight": 1.0, "bias": 0.0, "errors": []}
    rows = [
        {**row, "session": "s1", "role": "playing", "cache_misses": 0},
        {**row, "session": "idle1", "role": "idle", "updates": 3, "cache_misses": 0},
    ]
    found = " ".join(bench.problems({"per_session": rows}))
    assert "s1: the Step metric did not advance" in found and "s1: no update" in found
    assert "not near the targets" in found and "idle1: an idle session got 3 updates" in found
