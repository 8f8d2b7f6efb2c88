"""The live run as a race: its lanes (LaneSpec dicts), race id and each lane's stored run, and the race's calls."""

from __future__ import annotations

import secrets
from typing import Any

from core.race.lane_fields import MAX_LANES
from core.race.lane_specs import LaneSpec, check_specs, lane_config
from core.race.presets import RACE_PRESETS
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import OPTIMIZERS


def new_race_id() -> str:
    """A race's group id in the run store (its lanes' sweep_id): every save of one race uses it."""
    return f"race-{secrets.token_hex(4)}"


def preset_lanes(name: str, config: RegressionConfig) -> tuple[RegressionConfig, list[dict[str, Any]]]:
    """A preset's base config (its shared settings applied) and lanes; an unknown name raises ConfigError."""
    if name not in RACE_PRESETS:
        raise ConfigError("Race preset", name, f"must be one of {', '.join(RACE_PRESETS)}")
    shared, lanes = RACE_PRESETS[name](config)
    base = config.replace(**shared)
    specs = [LaneSpec(overrides) for overrides in lanes]
    check_specs(base, specs)
    return base, [spec.to_dict() for spec in specs]


def added_lane(config: RegressionConfig, lanes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lanes with one more: the first optimizer no lane uses yet (else a copy of the base), checked."""
    current = lanes or [LaneSpec().to_dict()]
    if len(current) >= MAX_LANES:
        raise ConfigError("lanes", len(current) + 1, f"a race has at most {MAX_LANES} lanes")
    used = {lane["overrides"].get("optimizer", config.optimizer) for lane in current}
    fresh = next((name for name in OPTIMIZERS if name not in used), None)
    lane = LaneSpec({"optimizer": fresh} if fresh else {})
    check_specs(config, [LaneSpec.from_dict(spec) for spec in current] + [lane])
    return [*current, lane.to_dict()]


def open_race(run: Any) -> int:
    """Open the run's race in an engine; returns its handle."""
    return run.client.open_race(run.config, run.lanes)


def race_tick(run: Any, handle: int, steps: int, budget: float, **view: Any) -> dict[str, Any]:
    """One race tick: every lane advances, then the view (lanes included)."""
    return run.client.race(handle, "tick", n=steps, max_seconds=budget, **view)


def save_race(run: Any, handle: int, status: str) -> int:
    """Save every lane as its own run under the race id; returns the first lane's run id."""
    from core.store.run_store import default_db_path

    ids = run.client.race(
        handle,
        "save",
        db_path=str(default_db_path()),
        race_id=run.race_id,
        run_ids=list(run.lane_run_ids),
        status=status,
        run_key=run.run_key,
    )
    run.lane_run_ids = ids
    return ids[0]


def write_race_recovery(run: Any, handle: int, status: str) -> list[Any]:
    """Keep every lane of an unsaved race in its own recovery file beside the store, each with the race's group id
    (the Compare page offers to import them); returns the files. OSError if a file cannot be written."""
    from core.store.recovery import write_recovery

    lanes = run.client.race(handle, "records", race_id=run.race_id, status=status)
    return [write_recovery(lane) for lane in lanes]


def lane_records(run: Any) -> list[dict[str, Any]] | None:
    """What a replay needs of each lane, from what the page holds: its first config (its settings now, with its
    changes undone), its changes and its steps, as of the last view; None when that view is not of these lanes."""
    lanes = (run.view or {}).get("lanes")
    if not lanes or len(lanes) != len(run.lanes):
        return None
    records = []
    for spec, lane in zip(run.lanes, lanes):
        config = lane_config(run.config, LaneSpec.from_dict(spec)).to_dict()
        for event in reversed(lane["events"]):
            config[event["field"]] = event["old"]
        records.append({"config": config, "events": lane["events"], "steps": lane["steps_done"]})
    return records


def rebuild_race(run: Any) -> bool:
    """After an engine restart: open the race again and replay every lane to where the last view had it (True);
    else the race starts again at step 0 (False). Sets run.handle."""
    from core.engine.errors import EngineError

    records = lane_records(run)
    run.handle = open_race(run)
    if records is None:
        return False
    try:
        run.client.race(run.handle, "replay", lanes=records)
    except (ConfigError, EngineError):
        run.client.close(run.handle)
        run.handle = open_race(run)
        return False
    return True
