"""ui.live.frame_deltas: ticks that send only new rows, replayed in Python the way the browser applies them, give the
picture a full draw gives, and stay small however long the run (a real engine, real TensorFlow)."""

from __future__ import annotations

import base64
import copy
import json

import numpy as np
import pytest

from core.engine.process import Engine
from ui.live import frame_deltas, frame_figures
from ui.live.feed_stream import FeedStream

DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32}
MAX_BUFFER, THIN_TO = 4000, 2000


def unpacked(value):
    """Packed typed arrays back to NumPy, as the browser's unpack does."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), DTYPES[value["dtype"]]).astype(np.float64)
    if isinstance(value, dict):
        return {key: unpacked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unpacked(item) for item in value]
    return value


def thin(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The browser's min-max thinning (chart_component.js thin), point for point."""
    n = len(x)
    if n <= MAX_BUFFER:
        return x, y
    buckets = (THIN_TO - 2) // 4
    width = (n - 2) / buckets
    keep = [0]
    for bucket in range(buckets):
        low, high = 1 + int(bucket * width), min(1 + int((bucket + 1) * width), n - 1)
        if high <= low:
            continue
        part = slice(low, high)
        picks = {low + int(np.argmin(x[part])), low + int(np.argmax(x[part]))}
        picks |= {low + int(np.argmin(y[part])), low + int(np.argmax(y[part]))}
        keep.extend(sorted(picks))
    keep.append(n - 1)
    return x[keep], y[keep]


class BrowserChart:
    """What the live_feed JavaScript keeps for one chart: the figure, its stream, its last step."""

    def __init__(self, figure: dict) -> None:
        self.figure = unpacked(json.loads(json.dumps(figure)))
        self.stream = f"{figure['layout']['uirevision']}/{figure['layout']['meta']['frame']}"
        self.step = figure["layout"]["meta"]["step"]

    def extend(self, payload: dict, delta: dict) -> bool:
        if payload["stream"] != self.stream or self.step < payload["from"]:
            return False
        columns = {name: unpacked(spec) for name, spec in payload["columns"].items()}
        fresh = columns["step"] > self.step
        for index, x_name, y_name in delta["append"]:
            trace = self.figure["data"][index]
            x = np.concatenate([np.asarray(trace["x"], np.float64), columns[x_name][fresh]])
            trace["x"], trace["y"] = thin(
                x, np.concatenate([np.asarray(trace["y"], np.float64), columns[y_name][fresh]])
            )
        for path, value in delta["set"].items():
            node = self.figure
            *parents, last = path.split(".")
            for key in parents:
                node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
            node[int(last) if isinstance(node, list) else last] = unpacked(copy.deepcopy(value))
        if fresh.any():
            self.step = int(columns["step"][-1])
        return True


class Session:
    """One page: a full draw, then ticks that ask the engine for new rows and feed deltas (as ui.live.panel does)."""

    def __init__(self, engine: Engine, handle: int, smoothing: float) -> None:
        self.engine, self.handle, self.smoothing, self.frame = engine, handle, smoothing, 0
        view = engine.view(handle, max_points=1000, smoothing=smoothing)
        self.samples, self.surface = view["samples"], view["surface"]
        self.surface_key, self.data_version = view["surface_key"], view["data_version"]
        figures = {
            "trace_chart": frame_figures.trace_figure(view, 0, 0),
            "loss_chart": frame_figures.loss_figure(view, 0, False, smoothing, 0),
            "data_chart": frame_figures.data_figure(view, self.samples, 0, 0),
            "landscape_chart": frame_figures.landscape_figure(view, self.surface, 0, 0),
        }
        self.charts = {key: BrowserChart(figure) for key, figure in figures.items()}
        self.stream = FeedStream.start("0/0", view, self.deltas(view))

    def deltas(self, view: dict) -> dict:
        return {
            "trace_chart": frame_deltas.trace_delta(view),
            "loss_chart": frame_deltas.loss_delta(view, self.smoothing),
            "data_chart": frame_deltas.data_delta(view, self.samples, "samples" in view),
            "landscape_chart": frame_deltas.landscape_delta(view, self.surface),
        }

    def tick(self, steps: int, deliver: bool = True) -> tuple[dict, int]:
        """Advance, build the feed, apply it unless lost; returns the view and the feed's size in bytes."""
        self.frame += 1
        view = self.engine.tick(
            self.handle,
            steps,
            30.0,
            smoothing=self.smoothing,
            since=self.stream.since(),
            data_version=self.data_version,
            surface_key=self.surface_key,
        )
        if "surface" in view:
            self.surface, self.surface_key = view["surface"], tuple(view["surface_key"])
        charts, prints = {}, {}
        for key, delta in self.deltas(view).items():
            charts[key], prints[key] = self.stream.fresh(key, delta)
        payload = {
            "stream": "0/0",
            "frame": self.frame,
            "from": view["new"]["from"],
            "columns": frame_deltas.columns(view["new"]),
            "charts": charts,
        }
        text = json.dumps(payload)
        if deliver:
            assert all(self.charts[key].extend(payload, delta) for key, delta in charts.items())
        self.stream.fed(view["steps_done"], prints)
        return view, len(text)


def trace_points(chart: BrowserChart, index: int) -> tuple[np.ndarray, np.ndarray]:
    trace = chart.figure["data"][index]
    return np.asarray(trace["x"], np.float64), np.asarray(trace["y"], np.float64)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_ticks_give_the_picture_of_a_full_draw_even_when_a_feed_is_lost(engine: Engine) -> None:
    handle = engine.open({"n_samples": 500, "epochs": 4, "learning_rate": 0.02, "noise_std": 0.3})
    session = Session(engine, handle, smoothing=0.9)
    for tick in range(40):
        view, _ = session.tick(17, deliver=tick != 11)  # the feed of tick 11 never arrives
    full = engine.view(handle, max_points=100_000, smoothing=0.9)
    charts = session.charts
    for index, name in ((0, "w"), (1, "b")):
        x, y = trace_points(charts["trace_chart"], index)
        expected = full["series"][name]
        assert x.tolist() == expected["step"].tolist()  # every step, once, in order: nothing missed, nothing twice
        assert y.tolist() == expected["value"].astype(np.float32).astype(np.float64).tolist()
    x, y = trace_points(charts["loss_chart"], 1)
    assert np.allclose(y, full["smoothed_loss"]["value"], rtol=1e-6) and x[-1] == view["steps_done"]
    path_w, path_b = trace_points(charts["landscape_chart"], 1)
    assert path_w[-1] == np.float32(view["w"]) and path_b[-1] == np.float32(view["b"])
    assert charts["landscape_chart"].figure["data"][2]["x"] == [view["w"]]
    assert charts["trace_chart"].figure["layout"]["title"]["text"] == frame_figures.trace_title(view)
    assert charts["data_chart"].figure["layout"]["title"]["text"] == frame_figures.fit_title(view)
    end = frame_figures.step_axis_end(view["steps_done"], view["total_steps"])
    assert charts["trace_chart"].figure["data"][2]["x"] == [0, end] == charts["loss_chart"].figure["data"][2]["x"]


def test_a_million_step_run_feeds_as_little_per_tick_as_a_short_one_and_keeps_its_extremes(engine: Engine) -> None:
    handle = engine.open({"n_samples": 1_000_000, "epochs": 1, "learning_rate": 0.02, "noise_std": 1.0})
    session = Session(engine, handle, smoothing=0.99)
    sizes = []
    while True:
        view, size = session.tick(40_000)
        sizes.append(size)
        if view["status"] != "running":
            break
    assert view["steps_done"] == 1_000_000 and len(sizes) >= 20
    assert max(sizes) <= 12_000 and np.mean(sizes) <= 10_000, sizes
    full = engine.view(handle, max_points=2000, smoothing=0.99)
    for index, name in ((0, "w"), (1, "b")):
        x, y = trace_points(session.charts["trace_chart"], index)
        assert len(x) <= MAX_BUFFER and np.all(np.diff(x) > 0) and x[-1] == 1_000_000
        whole = full["series"][name]["value"].astype(np.float32)
        assert (y.min(), y.max()) == (whole.min(), whole.max())  # the extremes survive every thinning
