"""Classroom load benchmark: N headless sessions speak Streamlit's websocket protocol to one dashboard and play.

Usage: python scripts/bench_classroom.py [--sessions 10] [--seconds 20] [--settle 3] [--idle 1] [--query epochs=10000]
       [--json]

It starts `streamlit run dashboard.py` itself (headless, a free loopback port, a scratch TAPESTREAM_DB) and
opens each session the way the browser does, with the protobuf messages of the installed Streamlit: connect
/_stcore/stream (subprotocol "streamlit"), run the main script, find the Live Regression page in the pages
the server lists (st.navigation's Navigation message, or NewSession.app_pages for a pages/ folder), open it,
then press Play (a trigger_value for the widget id of the button labelled "Play").

Ticks are asked for as the page's own live-feed script does (ui/live/chart_component.py): a feed that carries
a new "tick" and a "next" interval is answered once next seconds have passed since the last request. Where the
feed names the tick route ("http": ui/live/tick_route.py), the tick is a GET of that route with the session's
token, over one kept-alive HTTP/1.1 connection per session (gzip accepted, as a browser does); its JSON answer is
the next feed ("busy" asks again soon, "fallback" and "rerun" ask the fragment). Otherwise it is a rerun_script
BackMsg for the feed's fragment whose widget states carry the component's "tick" trigger (a JSON list of
{event, value} under its trigger-aggregator id, as WidgetStateManager.setTriggerValue sends it), asked again after
a watchdog delay if no answer comes. Fragment auto-reruns (AutoRerun messages) are still answered as Streamlit
1.67's frontend does (App.handleAutoRerun): one timer per fragment id that never waits for the last run; a full
run's NewSession and a StopAutoRerun clear them. Widget states follow the frontend's widget
manager (a widget's value is its proto default, or its value when the server sets one; triggers are sent
once), and cacheable messages are cached and their hashes sent back, with the frontend's age-based eviction.
The metrics the sessions check (Weight, Bias, Step) are read where the page shows them: st.metric elements of
full runs, and the texts each tick's feed writes into them.

An update is a tick that delivered new chart data: an HTTP tick's answer, or a fragment run whose deltas carry the
live_feed component's. The window opens --settle seconds (default 3) after every playing session's first update,
so a run's one-time start-up work is not counted per update: the step inspector's replay, compiled in the
background once per shape and engine process (core/regression/step_warmup.py), takes 0.3-2 s of engine CPU. The
report: updates per second per playing session (over the time it played inside the
window), bytes per update (websocket messages and HTTP bodies, decoded; wire_bytes_per_update as read off the
sockets), HTTP ticks,
Streamlit-process and engine-process CPU per update (/proc/<pid>/stat utime+stime over the window; the
engines are the server's multiprocessing spawn children), script runs and the runs that finished early for a
rerun, RSS, Play-to-first-update time, and a row per session. A fragment run that finished early for a rerun
is one whose next run started before the server's event loop had flushed it: Streamlit drops its unsent deltas
(ForwardMsgQueue.clear) and marks it FINISHED_EARLY_FOR_RERUN, so its work reached nobody.

Idle sessions (--idle) open the page and never press Play: they must get no updates. Exit status 1 when a
playing session did not advance, got no update or finished without converging, when an idle session got an
update, or when a page showed an exception.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosedOK, WebSocketException

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.regression.config import RegressionConfig  # noqa: E402

LIVE_PAGE = "live_regression"  # url_pathname / page_name, lower case with underscores
PLAY_LABEL = "Play"
FEED_SUFFIX = "live_feed"  # the bidi component the ticking fragment feeds the charts through
STEP, WEIGHT, BIAS = "Step", "Weight", "Bias"
CONVERGED_WITHIN = 0.05  # |w - w*| and |b - b*| at the end of a finished default run
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
MIN_GAP_S, WATCHDOG_S, RETRIES = 0.015, 5.0, 3  # the live feed's clock (ui/live/chart_component.py)
LIMITS = {"sessions": (1, 200), "seconds": (1.0, 3600.0), "idle": (0, 50), "settle": (0.0, 600.0)}


class BenchError(Exception):
    """A problem that ends the benchmark with one line and exit status 1."""


def bounded(name: str, kind: type) -> Any:
    """An argparse type: a number of `kind` inside LIMITS[name], else one message naming the range."""
    low, high = LIMITS[name]

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high or value != value:
            noun = "whole number" if kind is int else "number"
            raise argparse.ArgumentTypeError(f"{text!r}: must be a {noun} in [{low:g}, {high:g}]")
        return value

    return parse


# --- the server and its processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"streamlit exited with code {process.returncode}: {tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise BenchError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s: {tail(log)}")


def tail(log: Path, lines: int = 5) -> str:
    with contextlib.suppress(OSError):
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    return "(no log)"


@contextlib.contextmanager
def dashboard_server(scratch: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run dashboard.py` headless on a free loopback port with its own store; yields (url, pid).

    The server runs in its own process group, and the whole group (engines included) is stopped on exit.
    """
    port = free_port()
    log = scratch / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    env = {**os.environ, "TAPESTREAM_DB": str(scratch / "runs.sqlite3"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log)
        yield url, process.pid
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it after 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (field 3 of the man page is index 0), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, 0 once it is gone."""
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


def rss_mb(pid: int) -> float:
    fields = proc_stat(pid)
    return round(int(fields[21]) * PAGE_SIZE / 2**20, 1) if fields else 0.0


def engine_pids(server: int) -> list[int]:
    """Descendants of the server whose command line is multiprocessing's spawn_main (core/engine/worker.py)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [server]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                frontier.append(pid)
                with contextlib.suppress(OSError):
                    if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        found.append(pid)
    return sorted(found)


# --- the browser's side of the protocol ---------------------------------------------------------------------


class CountingConnection(ClientConnection):
    """A websocket client connection that counts the bytes it reads off the socket (frames included)."""

    wire_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)


class HttpConnection:
    """One kept-alive HTTP/1.1 connection to the server, as a browser keeps one for its fetches (gzip accepted)."""

    def __init__(self, base_url: str) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, target: str) -> tuple[int, bytes, int]:
        """GET target: the status, the decoded body, and the bytes read off the socket."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept-Encoding: gzip\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = (line.partition(":") for line in lines[1:] if line)
        headers = {name.lower(): value.strip() for name, _, value in fields}
        if headers.get("transfer-encoding") == "chunked":
            raise ValueError("a chunked answer (the tick route sends a length)")
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        wire = len(head) + len(body)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body, wire

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            with contextlib.suppress(OSError, ConnectionError):
                await self.streams[1].wait_closed()
            self.streams = None


@dataclass
class CachedMessage:
    payload: bytes
    run_count: int
    fragment_id: str


class MessageCache:
    """The frontend's ForwardMsg cache: cacheable messages by hash, aged by finished script runs."""

    def __init__(self) -> None:
        self.messages: dict[str, CachedMessage] = {}
        self.run_count = 0
        self.misses = 0

    def resolve(self, message: ForwardMsg, payload: bytes) -> ForwardMsg | None:
        """The message to handle: the cached one for a ref_hash (None on a miss); caches cacheable ones."""
        if message.WhichOneof("type") == "ref_hash":
            cached = self.messages.get(message.ref_hash)
            if cached is None:
                self.misses += 1
                return None
            cached.run_count = self.run_count
            resolved = ForwardMsg()
            resolved.ParseFromString(cached.payload)
            return resolved
        if message.metadata.cacheable and message.hash and message.hash not in self.messages:
            fragment = message.delta.fragment_id if message.HasField("delta") else ""
            self.messages[message.hash] = CachedMessage(payload, self.run_count, fragment)
        return message

    def run_finished(self, max_age: int, fragment_ids: list[str]) -> None:
        """A run finished: age the cache; a fragment run only ages that fragment's messages."""
        self.run_count += 1
        for key, cached in list(self.messages.items()):
            if fragment_ids and cached.fragment_id not in fragment_ids:
                continue
            if self.run_count - cached.run_count > max_age:
                del self.messages[key]


def first_value(element: Any) -> Any:
    """A widget's value as the frontend's widget manager holds it after mount: the value the server set, or
    the proto default."""
    return element.value if element.set_value else element.default


def widget_state(kind: str, element: Any) -> WidgetState | None:
    """The WidgetState the frontend sends for a freshly mounted widget; None for triggers and other kinds."""
    state = WidgetState(id=element.id)
    if kind == "number_input":
        value = first_value(element)
        if element.data_type == NumberInput.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "checkbox":
        state.bool_value = first_value(element)
    elif kind == "slider" and element.type == Slider.SELECT_SLIDER:
        if element.set_value and element.raw_value:
            state.string_array_value.data[:] = list(element.raw_value)
        else:
            state.string_array_value.data[:] = [element.options[int(index)] for index in first_value(element)]
    elif kind == "slider":
        state.double_array_value.data[:] = list(first_value(element))
    elif kind == "text_input":
        state.string_value = first_value(element)
    elif kind == "selectbox":
        if element.set_value:
            state.string_value = element.raw_value
        elif 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "button_group":
        if element.set_value:
            state.string_array_value.data[:] = list(element.raw_values)
        else:
            state.string_array_value.data[:] = [element.options[i].content for i in element.default]
    else:
        return None
    return state


def metric_number(body: str) -> float | None:
    with contextlib.suppress(ValueError):
        return float(body.replace(",", ""))
    return None


@dataclass
class Counters:
    """What one session has seen so far; the window is the difference of two copies."""

    updates: int = 0
    runs: int = 0
    fragment_runs: int = 0
    interrupted: int = 0
    payload_bytes: int = 0
    wire_bytes: int = 0
    http_ticks: int = 0

    def minus(self, other: Counters) -> Counters:
        return Counters(*(getattr(self, name) - getattr(other, name) for name in self.__dataclass_fields__))


@dataclass
class BrowserSession:
    """One simulated browser tab on the dashboard: the websocket, the page's widgets, timers and counters."""

    name: str
    url: str
    query: str
    connection: CountingConnection | None = None
    counters: Counters = field(default_factory=Counters)
    pages: dict[str, str] = field(default_factory=dict)  # normalised page name → page_script_hash
    page_hash: str = ""
    query_string: str = ""
    max_cache_age: int = 2
    cache: MessageCache = field(default_factory=MessageCache)
    widgets: dict[str, WidgetState] = field(default_factory=dict)
    buttons: dict[str, tuple[str, bool, str]] = field(default_factory=dict)  # label → (id, disabled, fragment)
    seen_widgets: set[str] = field(default_factory=set)
    timers: dict[str, tuple[float, asyncio.Task]] = field(default_factory=dict)
    clock: asyncio.Task | None = None  # the live feed's clock: the pending "tick" trigger (see feed_clock)
    clock_answered: Any = None
    clock_asked_at: float = 0.0
    http: dict[str, str] | None = None  # where the feed said to fetch ticks (ui/live/tick_route.py), if anywhere
    http_connection: HttpConnection | None = None
    http_wire_bytes: int = 0
    run_fragments: list[str] = field(default_factory=list)
    run_has_feed: bool = False
    got_new_session: bool = False
    running: bool = False
    finished_runs: int = 0
    metrics: dict[str, float] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    played_at: float | None = None
    first_update_at: float | None = None
    last_update_at: float | None = None
    step_at_play: float | None = None
    reader: asyncio.Task | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self) -> None:
        """Connect like the frontend: subprotocol "streamlit", a per-browser XSRF cookie, then run the app."""
        cookie = f"_streamlit_xsrf=classroom-{self.name}-{os.getpid()}"
        self.connection = await connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie},
            origin=self.url,
            max_size=None,
            ping_interval=None,
            create_connection=CountingConnection,
        )
        self.reader = asyncio.create_task(self.read_forever(), name=f"read-{self.name}")
        await self.rerun_and_wait(page_hash="")
        live = self.pages.get(LIVE_PAGE)
        if live is None:
            raise BenchError(f"{self.name}: the server lists no Live Regression page (pages: {sorted(self.pages)})")
        self.query_string = self.query
        await self.rerun_and_wait(page_hash=live)
        if PLAY_LABEL not in self.buttons:
            raise BenchError(f"{self.name}: the Live Regression page shows no {PLAY_LABEL!r} button")

    async def rerun_and_wait(self, page_hash: str, timeout: float = 180.0) -> None:
        """Send a full rerun of page_hash and wait for that run's script_finished."""
        done = self.finished_runs
        await self.send_rerun(page_hash=page_hash)
        await self.wait_for(lambda: self.finished_runs > done and not self.run_fragments, timeout, "a page load")

    async def wait_for(self, condition: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.reader is not None and self.reader.done():
                self.reader.result()
                raise BenchError(f"{self.name}: the websocket closed while waiting for {what}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError(f"{self.name}: no {what} within {timeout:.0f} s")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def press_play(self) -> None:
        """Click Play: one rerun with a trigger_value for the button's widget id."""
        button_id, disabled, fragment = self.buttons[PLAY_LABEL]
        if disabled:
            raise BenchError(f"{self.name}: the {PLAY_LABEL!r} button is disabled")
        self.step_at_play = self.metrics.get(STEP)
        self.played_at = time.perf_counter()
        await self.send_rerun(fragment_id=fragment, trigger=button_id)

    async def send_rerun(
        self,
        page_hash: str | None = None,
        fragment_id: str = "",
        trigger: str = "",
        auto: bool = False,
        event: tuple[str, str, Any] | None = None,
    ) -> None:
        """App.sendRerunBackMsg: widget states, this page, the query string, cached hashes, context info."""
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_hash if page_hash is None else page_hash
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        rerun.widget_states.CopyFrom(self.widget_states(trigger, event))
        rerun.cached_message_hashes[:] = list(self.cache.messages)
        context = rerun.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url, context.is_embedded, context.color_scheme = self.url + "/", False, "light"
        self.got_new_session = False
        await self.connection.send(message.SerializeToString())

    def widget_states(self, trigger: str = "", event: tuple[str, str, Any] | None = None) -> WidgetStates:
        """The widgets' values, plus a button's trigger, or a component's event (WidgetStateManager.setTriggerValue:
        a JSON list of {event, value} under the component's trigger aggregator id)."""
        states = WidgetStates()
        states.widgets.extend(self.widgets.values())
        if trigger:
            states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        if event is not None:
            component_id, name, value = event
            payload = json.dumps([{"event": name, "value": value}])
            states.widgets.append(WidgetState(id=trigger_aggregator_id(component_id), json_trigger_value=payload))
        return states

    async def read_forever(self) -> None:
        try:
            async for payload in self.connection:
                self.counters.payload_bytes += len(payload)
                self.counters.wire_bytes = self.connection.wire_bytes + self.http_wire_bytes
                message = ForwardMsg()
                message.ParseFromString(payload)
                resolved = self.cache.resolve(message, payload)
                if resolved is not None:
                    self.handle(resolved)
                self.changed.set()
        except ConnectionClosedOK:
            pass
        except (WebSocketException, DecodeError, OSError) as error:
            self.exceptions.append(f"websocket: {error}")
        finally:
            self.stop_timers()
            self.stop_clock()
            self.changed.set()

    def handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta":
            self.on_delta(message)
        elif kind == "new_session":
            self.on_new_session(message)
        elif kind == "script_finished":
            self.on_script_finished(message)
        elif kind == "auto_rerun":
            self.on_auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self.stop_timer(fragment_id)
        elif kind == "navigation":
            self.pages = page_hashes(message.navigation.app_pages)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string

    def on_new_session(self, message: ForwardMsg) -> None:
        session = message.new_session
        self.got_new_session = self.running = True
        self.run_fragments = list(message.metadata.run.fragment_ids)
        self.run_has_feed = False
        if self.run_fragments:
            return
        self.stop_timers()  # a full run: App.handleNewSession → cleanupAutoReruns
        self.page_hash = session.page_script_hash
        self.max_cache_age = session.config.max_cached_message_age or self.max_cache_age
        self.seen_widgets = set()
        if session.app_pages and not self.pages:  # a pages/ folder app (no st.navigation)
            self.pages = page_hashes(session.app_pages)

    def on_delta(self, message: ForwardMsg) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "metric":
            value = metric_number(element.metric.body)
            if value is not None:
                self.metrics[element.metric.label] = value
        elif kind == "bidi_component":
            component = element.bidi_component
            if not component.component_name.endswith(FEED_SUFFIX):
                return
            payload = feed_payload(component)
            if payload.get("tick") is not None and payload.get("tick") != self.clock_answered:
                self.http = payload.get("http")
            self.feed_clock(component.id, delta.fragment_id, payload)
            self.read_metrics(payload)
            if self.run_fragments and ("charts" in payload or "full" in payload):
                if not self.run_has_feed:
                    self.run_has_feed = True
                    self.counters.updates += 1
                    self.last_update_at = time.perf_counter()
                    if self.first_update_at is None and self.played_at is not None:
                        self.first_update_at = self.last_update_at
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in ("button", "download_button"):
            button = getattr(element, kind)
            self.buttons[button.label] = (button.id, button.disabled, delta.fragment_id)
            self.seen_widgets.add(button.id)
        else:
            proto = getattr(element, kind)
            widget_id = getattr(proto, "id", "")
            if widget_id and (state := widget_state(kind, proto)) is not None:
                self.seen_widgets.add(widget_id)
                if widget_id not in self.widgets or proto.set_value:
                    self.widgets[widget_id] = state

    def on_script_finished(self, message: ForwardMsg) -> None:
        status = message.script_finished
        self.running = False
        self.counters.runs += 1
        self.finished_runs += 1
        fragments = list(message.metadata.run.fragment_ids)
        if fragments:
            self.counters.fragment_runs += 1
        if status == EARLY:
            self.counters.interrupted += 1
        elif status == COMPILE_ERROR:
            self.exceptions.append("the script did not compile")
        elif not fragments:  # a full run finished: widgets it did not draw are gone (removeInactiveWidgetState)
            self.widgets = {key: value for key, value in self.widgets.items() if key in self.seen_widgets}
        if status != EARLY and self.got_new_session:
            self.cache.run_finished(self.max_cache_age, fragments)
        if not fragments:
            self.run_fragments = []

    def on_auto_rerun(self, fragment_id: str, interval: float) -> None:
        """App.handleAutoRerun: one setInterval per fragment; the same interval again keeps the running timer."""
        if not fragment_id or interval <= 0:
            return
        if fragment_id in self.timers and self.timers[fragment_id][0] == interval:
            return
        self.stop_timer(fragment_id)
        task = asyncio.create_task(self.tick_every(fragment_id, interval), name=f"tick-{self.name}")
        self.timers[fragment_id] = (interval, task)

    async def tick_every(self, fragment_id: str, interval: float) -> None:
        """setInterval: a fragment rerun every interval on a fixed schedule, never waiting for the last run."""
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while True:
            await asyncio.sleep(max(due - loop.time(), 0.0))
            due = max(due + interval, loop.time())
            with contextlib.suppress(WebSocketException):
                await self.send_rerun(fragment_id=fragment_id, auto=True)

    def feed_clock(self, component_id: str, fragment_id: str, payload: dict[str, Any]) -> None:
        """The live feed's script (ui/live/chart_component.py, schedule/ask): a payload with a new "tick" and a
        "next" interval is answered with a "tick" trigger once next seconds have passed since the last request (at
        least MIN_GAP_S after the payload), asked again every WATCHDOG_S if no answer comes."""
        tick = payload.get("tick")
        if tick is None or tick == self.clock_answered:
            return
        self.clock_answered = tick
        if self.clock is not None:
            self.clock.cancel()
            self.clock = None
        interval = payload.get("next")
        if not isinstance(interval, (int, float)):
            return
        wait = max(MIN_GAP_S, self.clock_asked_at + interval - time.perf_counter())
        asking = self.ask_tick(component_id, fragment_id, tick, wait)
        self.clock = asyncio.create_task(asking, name=f"clock-{self.name}")

    async def ask_tick(self, component_id: str, fragment_id: str, tick: Any, wait: float) -> None:
        await asyncio.sleep(wait)
        fragment = False
        for _ in range(1 + RETRIES):
            self.clock_asked_at = time.perf_counter()
            if self.http and not fragment:
                answer = await self.fetch_tick(self.http, tick)
                if answer is None:  # the token is gone or the request failed: the fragment serves the ticks
                    fragment = True
                    continue
                if answer.get("busy"):
                    await asyncio.sleep(max(MIN_GAP_S, float(answer.get("next") or 0.0)))
                    continue
                if answer.get("fallback"):
                    fragment = True
                    continue
                self.clock = None  # this task is done: the answer schedules the next one
                self.on_http_tick(component_id, fragment_id, answer)
                return
            with contextlib.suppress(WebSocketException):
                await self.send_rerun(fragment_id=fragment_id, event=(component_id, "tick", tick))
            await asyncio.sleep(WATCHDOG_S)
        self.clock = None

    async def fetch_tick(self, http: dict[str, str], tick: Any) -> dict[str, Any] | None:
        """GET the tick route as the feed's script does (fetchTick), over one kept-alive connection; None when the
        token is gone or the request failed."""
        if self.http_connection is None:
            self.http_connection = HttpConnection(self.url)
        query = urllib.parse.urlencode({"token": http["token"], "tick": str(tick)})
        try:
            status, body, wire = await self.http_connection.get(f"{http['url']}?{query}")
        except (OSError, ValueError, asyncio.IncompleteReadError) as error:
            self.exceptions.append(f"tick route: {error}")
            self.http = None
            return None
        self.http_wire_bytes += wire
        self.counters.wire_bytes = self.connection.wire_bytes + self.http_wire_bytes
        self.counters.payload_bytes += len(body)
        if status != 200:
            self.exceptions.append(f"tick route: HTTP {status}")
            return None
        answer = json.loads(body)
        if answer.get("gone"):  # the token is gone (the session stopped playing): the fragment serves the ticks
            self.http = None
            return None
        return answer

    def on_http_tick(self, component_id: str, fragment_id: str, payload: dict[str, Any]) -> None:
        """An HTTP tick's answer, as the feed's script takes it (apply): its readouts, its charts (an update), and
        the next tick; one that says "rerun" asks the fragment once (the page redraws)."""
        self.counters.http_ticks += 1
        self.changed.set()
        self.read_metrics(payload)
        if "charts" in payload or "full" in payload:
            self.counters.updates += 1
            self.last_update_at = time.perf_counter()
            if self.first_update_at is None and self.played_at is not None:
                self.first_update_at = self.last_update_at
        if payload.get("rerun"):
            self.clock_answered = payload.get("tick")
            asking = self.ask_fragment(component_id, fragment_id, payload.get("tick"))
            self.clock = asyncio.create_task(asking, name=f"clock-{self.name}")
            return
        self.feed_clock(component_id, fragment_id, payload)

    async def ask_fragment(self, component_id: str, fragment_id: str, tick: Any) -> None:
        for _ in range(1 + RETRIES):
            self.clock_asked_at = time.perf_counter()
            with contextlib.suppress(WebSocketException):
                await self.send_rerun(fragment_id=fragment_id, event=(component_id, "tick", tick))
            await asyncio.sleep(WATCHDOG_S)
        self.clock = None

    def read_metrics(self, payload: dict[str, Any]) -> None:
        """The metrics' texts a feed writes into the page (ui/live/readouts.py)."""
        for label, texts in payload.get("readouts", {}).get("metrics", {}).items():
            if (value := metric_number(texts[0])) is not None:
                self.metrics[label] = value

    def stop_timer(self, fragment_id: str) -> None:
        entry = self.timers.pop(fragment_id, None)
        if entry is not None:
            entry[1].cancel()

    def stop_timers(self) -> None:
        for fragment_id in list(self.timers):
            self.stop_timer(fragment_id)

    def stop_clock(self) -> None:
        if self.clock is not None:
            self.clock.cancel()
            self.clock = None

    async def close(self) -> None:
        self.stop_timers()
        self.stop_clock()
        if self.http_connection is not None:
            await self.http_connection.close()
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.connection.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader

    @property
    def finished(self) -> bool:
        """The run is over: it updated after Play, and no script runs, no timer ticks, no feed clock waits any more."""
        return self.first_update_at is not None and not self.timers and self.clock is None and not self.running


def feed_payload(component: Any) -> dict[str, Any]:
    """The live feed's data: UTF-8 JSON bytes (or JSON text)."""
    text = component.bytes.decode() if component.bytes else component.json
    try:
        payload = json.loads(text) if text else {}
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def trigger_aggregator_id(component_id: str) -> str:
    """The widget id under which a components-v2 element's trigger events travel (the frontend's and the server's
    shared rule, "$$STREAMLIT_INTERNAL_KEY_<id>__events")."""
    return _make_trigger_id(component_id, "events")


def page_hashes(pages: Any) -> dict[str, str]:
    """AppPage messages → {normalised page name: page_script_hash}."""
    return {normalised(page.url_pathname or page.page_name): page.page_script_hash for page in pages}


def normalised(name: str) -> str:
    """'Live Regression', 'Live_Regression' and a pages/ folder's '2_Live_Regression' all read live_regression."""
    text = name.strip().lower().replace(" ", "_")
    head, _, rest = text.partition("_")
    return rest if head.isdigit() and rest else text


# --- the benchmark ------------------------------------------------------------------------------------------


@dataclass
class Window:
    """CPU and counters at the start of the measuring window."""

    started: float
    server_cpu: float
    engine_cpu: dict[int, float]
    client_cpu: float
    counters: list[Counters]


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def open_window(sessions: list[BrowserSession], server: int) -> Window:
    return Window(
        started=time.perf_counter(),
        server_cpu=cpu_seconds(server),
        engine_cpu={pid: cpu_seconds(pid) for pid in engine_pids(server)},
        client_cpu=own_cpu(),
        counters=[Counters(**vars(session.counters)) for session in sessions],
    )


async def measure(args: argparse.Namespace, url: str, server: int) -> dict[str, Any]:
    playing = [BrowserSession(f"s{index + 1}", url, args.query) for index in range(args.sessions)]
    idle = [BrowserSession(f"idle{index + 1}", url, args.query) for index in range(args.idle)]
    everyone = playing + idle
    try:
        started = time.perf_counter()
        try:
            await asyncio.gather(*(session.open() for session in everyone))
        except (OSError, WebSocketException) as error:
            raise BenchError(f"could not open a session on {url}: {error}") from None
        load_s = time.perf_counter() - started
        await asyncio.gather(*(session.press_play() for session in playing))
        await asyncio.gather(*(s.wait_for(lambda s=s: s.first_update_at, 120, "update after Play") for s in playing))
        await asyncio.sleep(args.settle)  # one-time work at a run's start (the step replay's background compile)
        window = open_window(everyone, server)
        deadline = window.started + args.seconds
        while time.perf_counter() < deadline and not all(session.finished for session in playing):
            await asyncio.sleep(0.05)
        ended = time.perf_counter()
        return report(args, everyone, playing, window, ended, server, load_s)
    finally:
        await asyncio.gather(*(session.close() for session in everyone))


def report(
    args: argparse.Namespace,
    everyone: list[BrowserSession],
    playing: list[BrowserSession],
    window: Window,
    ended: float,
    server: int,
    load_s: float,
) -> dict[str, Any]:
    elapsed = ended - window.started
    engines = engine_pids(server)
    server_cpu = cpu_seconds(server) - window.server_cpu
    engine_cpu = sum(cpu_seconds(pid) - window.engine_cpu.get(pid, 0.0) for pid in engines)
    client_cpu = own_cpu() - window.client_cpu
    made = [session.counters.minus(before) for session, before in zip(everyone, window.counters)]
    target = RegressionConfig()
    rows = []
    for session, counts in zip(everyone, made):
        played = session.played_at is not None
        span = elapsed
        if played and session.finished and session.last_update_at is not None:
            span = max(min(session.last_update_at, ended) - window.started, 1e-9)
        step = session.metrics.get(STEP, 0.0)
        weight, bias = session.metrics.get(WEIGHT), session.metrics.get(BIAS)
        converged = None
        if played and session.finished and weight is not None and bias is not None:
            converged = (
                abs(weight - target.w_target) < CONVERGED_WITHIN and abs(bias - target.b_target) < CONVERGED_WITHIN
            )
        rows.append(
            {
                "session": session.name,
                "role": "playing" if played else "idle",
                "updates": counts.updates,
                "updates_per_s": round(counts.updates / span, 2) if played else round(counts.updates / elapsed, 2),
                "runs": counts.runs,
                "fragment_runs": counts.fragment_runs,
                "interrupted_runs": counts.interrupted,
                "bytes_per_update": round(counts.payload_bytes / counts.updates) if counts.updates else None,
                "first_update_s": round(session.first_update_at - session.played_at, 3) if played else None,
                "steps_advanced": int(step - (session.step_at_play or 0.0)) if played else 0,
                "step": int(step),
                "weight": weight,
                "bias": bias,
                "finished": session.finished if played else False,
                "converged": converged,
                "cache_misses": session.cache.misses,
                "errors": session.exceptions,
            }
        )
    play_rows = [row for row in rows if row["role"] == "playing"]
    idle_rows = [row for row in rows if row["role"] == "idle"]
    rates = [row["updates_per_s"] for row in play_rows]
    updates = sum(counts.updates for counts in made)
    per_update = max(updates, 1)
    first = [row["first_update_s"] for row in play_rows]
    result = {
        "sessions": len(playing),
        "idle_sessions": len(idle_rows),
        "seconds": round(elapsed, 2),
        "settle_s": args.settle,
        "query": args.query,
        "updates": updates,
        "updates_per_s_min": min(rates),
        "updates_per_s_median": round(statistics.median(rates), 2),
        "updates_per_s_max": max(rates),
        "updates_per_s_total": round(sum(rates), 2),
        "bytes_per_update": round(sum(c.payload_bytes for c in made) / per_update),
        "wire_bytes_per_update": round(sum(c.wire_bytes for c in made) / per_update),
        "server_ms_per_update": round(1000 * server_cpu / per_update, 2),
        "engine_ms_per_update": round(1000 * engine_cpu / per_update, 2),
        "client_ms_per_update": round(1000 * client_cpu / per_update, 2),
        "server_cpu_share": round(server_cpu / elapsed, 3),
        "engine_cpu_share": round(engine_cpu / elapsed, 3),
        "interrupted_runs": sum(counts.interrupted for counts in made),
        "runs_total": sum(counts.runs for counts in made),
        "runs_per_s": round(sum(counts.runs for counts in made) / elapsed, 1),
        "fragment_runs": sum(counts.fragment_runs for counts in made),
        "http_ticks": sum(counts.http_ticks for counts in made),
        "first_update_s_median": round(statistics.median(first), 3),
        "first_update_s_max": max(first),
        "page_load_s": round(load_s, 2),
        "steps_advanced_min": min(row["steps_advanced"] for row in play_rows),
        "idle_updates": sum(row["updates"] for row in idle_rows),
        "idle_runs": sum(row["runs"] for row in idle_rows),
        "rss_mb": {"server": rss_mb(server), "engines": [rss_mb(pid) for pid in engines]},
        "engine_processes": len(engines),
        "per_session": rows,
    }
    result["problems"] = problems(result)
    return result


def problems(result: dict[str, Any]) -> list[str]:
    """What makes this a failed run: a playing session that did not advance, update or converge, an idle
    session that updated, an exception on a page."""
    found = []
    for row in result["per_session"]:
        name = row["session"]
        if row["role"] == "playing":
            if row["steps_advanced"] <= 0:
                found.append(f"{name}: the Step metric did not advance")
            if row["updates"] <= 0:
                found.append(f"{name}: no update in the window")
            if row["converged"] is False:
                found.append(f"{name}: finished at w={row['weight']}, b={row['bias']}, not near the targets")
        elif row["updates"]:
            found.append(f"{name}: an idle session got {row['updates']} updates")
        found.extend(f"{name}: {error}" for error in row["errors"])
        if row["cache_misses"]:
            found.append(f"{name}: {row['cache_misses']} ref_hash messages missed the cache")
    return found


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{result['sessions']} playing + {result['idle_sessions']} idle sessions, {result['seconds']} s window"
        + (f", query {result['query']!r}" if result["query"] else "")
    )
    header = f"{'session':<8} {'role':<8} {'upd':>5} {'upd/s':>6} {'runs':>5} {'early':>5} {'KB/upd':>7} "
    header += f"{'first s':>7} {'steps':>7} {'weight':>8} {'bias':>8} {'done':>5}"
    print(header)
    for row in result["per_session"]:
        size = f"{row['bytes_per_update'] / 1000:.1f}" if row["bytes_per_update"] else "-"
        first = f"{row['first_update_s']:.2f}" if row["first_update_s"] is not None else "-"
        weight = f"{row['weight']:.4f}" if row["weight"] is not None else "-"
        bias = f"{row['bias']:.4f}" if row["bias"] is not None else "-"
        print(
            f"{row['session']:<8} {row['role']:<8} {row['updates']:>5} {row['updates_per_s']:>6} {row['runs']:>5} "
            f"{row['interrupted_runs']:>5} {size:>7} {first:>7} {row['steps_advanced']:>7} {weight:>8} {bias:>8} "
            f"{'yes' if row['finished'] else 'no':>5}"
        )
    print(
        f"updates/s per playing session: min {result['updates_per_s_min']}, median {result['updates_per_s_median']}, "
        f"max {result['updates_per_s_max']} (all together {result['updates_per_s_total']})"
    )
    print(
        f"per update: {result['bytes_per_update'] / 1000:.1f} KB, server {result['server_ms_per_update']} ms CPU, "
        f"engine {result['engine_ms_per_update']} ms CPU, this client {result['client_ms_per_update']} ms CPU"
    )
    print(
        f"runs {result['runs_total']} ({result['runs_per_s']}/s; {result['interrupted_runs']} finished early for a "
        f"rerun, their output dropped), Play to first "
        f"update median {result['first_update_s_median']} s, max {result['first_update_s_max']} s"
    )
    print(f"RSS MB: server {result['rss_mb']['server']}, engines {result['rss_mb']['engines']}")
    for problem in result["problems"]:
        print(f"PROBLEM {problem}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=bounded("sessions", int), default=10, help="playing sessions, 1 to 200")
    parser.add_argument("--seconds", type=bounded("seconds", float), default=20.0, help="measuring window, 1 to 3600")
    parser.add_argument("--idle", type=bounded("idle", int), default=0, help="extra sessions that never play, 0 to 50")
    parser.add_argument(
        "--settle",
        type=bounded("settle", float),
        default=3.0,
        help="seconds between every session's first update and the window, 0 to 600: a run's one-time start-up "
        "work (the step inspector's replay compiling in the background) is not an update's cost",
    )
    parser.add_argument(
        "--query", default="", help="URL query the sessions open the page with, e.g. epochs=10000 to outlast the window"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    if any(char in args.query for char in "#\n\r") or args.query.startswith("?"):
        parser.error(f"--query {args.query!r}: give key=value pairs joined by &, without '?' or '#'")
    return args


def interrupt(signum: int, frame: Any) -> None:
    """SIGTERM ends the benchmark like Ctrl-C: through the finally blocks that stop the server's group."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)  # also when started in the background, where SIGINT is ignored
    try:
        with tempfile.TemporaryDirectory(prefix="tapestream-classroom-") as scratch:
            with dashboard_server(Path(scratch)) as (url, server):
                result = asyncio.run(measure(args, url, server))
    except BenchError as error:
        print(f"bench_classroom: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench_classroom: interrupted; the server and its engines were stopped", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
