"""A race's requests inside the engine process: open, tick, lane changes, save and export (core.engine.process).

A race lives in the engine as one entry whose trainer is its first lane, so everything the engine already does
for a run (view, state, trace, save) serves the first lane as it does a single run; these requests add the
other lanes. The client reaches them as engine.race(handle, action, payload).
"""

from __future__ import annotations

import time
from typing import Any

from core.race.lane_specs import LaneSpec
from core.race.lane_views import RaceExtent, lane_rows, lane_series, lane_summary
from core.race.race import Race
from core.regression.config import ConfigError, RegressionConfig
from core.regression.smoothing import EmaCache

MAX_ADVANCE_SECONDS = 10.0


def race_entry(config: dict, lanes: list[dict], datasets: dict) -> dict[str, Any]:
    """What the engine's entry for a new race holds: its first lane as the trainer, the race, its caches."""
    race = Race(RegressionConfig.from_dict(config), [LaneSpec.from_dict(lane) for lane in lanes], datasets)
    return {"trainer": race.lanes[0], "race": race, "ema": EmaCache(), "extent": RaceExtent(race)}


def race_of(engine: Any, handle: int) -> Race:
    """The race behind a handle (a plain run's handle is refused)."""
    race = engine.entry(handle).race
    if race is None:
        raise ConfigError("handle", handle, "is a single run, not a race")
    return race


def advance(race: Race, n: int, max_seconds: float) -> int:
    """Up to n steps for every lane, a growing chunk at a time, until max_seconds pass; a lane behind catches up."""
    deadline = time.perf_counter() + min(max(max_seconds, 0.0), MAX_ADVANCE_SECONDS)
    start = race.steps_done
    chunk = 4096
    while race.status == "running" and race.steps_done - start < n:
        lead = race.steps_done + min(chunk, n - (race.steps_done - start))
        race.advance([max(0, lead - lane.steps_done) for lane in race.lanes])
        if time.perf_counter() >= deadline:
            break
        chunk = min(chunk * 2, 1 << 20)
    return race.steps_done - start


def advance_each(race: Race, targets: list[int], max_seconds: float) -> list[int]:
    """Lane i makes up to targets[i] steps, the lanes together, a growing chunk at a time until max_seconds pass."""
    deadline = time.perf_counter() + min(max(max_seconds, 0.0), MAX_ADVANCE_SECONDS)
    made = [0] * len(race.lanes)
    chunk = 4096
    while any(lane.status == "running" and made[i] < targets[i] for i, lane in enumerate(race.lanes)):
        steps = race.advance([min(chunk, target - done) for target, done in zip(targets, made)])
        made = [done + step for done, step in zip(made, steps)]
        if not any(steps) or time.perf_counter() >= deadline:
            break
        chunk = min(chunk * 2, 1 << 20)
    return made


def tick(engine: Any, handle: int, n: int, max_seconds: float = 0.08, **view: Any) -> dict[str, Any]:
    """One live update of a race: advance every lane, then the first lane's view with the race's status, steps and
    lanes; with since, ``new`` holds every lane's rows after it on one step column (core.race.lane_views)."""
    race = race_of(engine, handle)
    made = advance(race, n, max_seconds) if n > 0 else 0
    return {**race_view(engine, handle, **view), "made": made}


def race_view(engine: Any, handle: int, max_points: int = 2000, **options: Any) -> dict[str, Any]:
    """The first lane's view (engine.view) made the race's: status, steps and total are the race's; plus lanes.

    since = (stream, step) is the race's: the last step the charts hold of any lane. The new rows then are every
    lane's (lane_rows), with each lane's loss EMA when smoothing; a full draw gets each lane's series and EMA.
    """
    race = race_of(engine, handle)
    since = options.pop("since", None)
    first = race.lanes[0]
    first_since = None if since is None else (since[0], min(int(since[1]), first.steps_done))
    view = engine.view(handle, max_points=max_points, since=first_since, **options)
    view.update(
        status=race.status,
        steps_done=race.steps_done,
        total_steps=max(lane.total_steps for lane in race.lanes),
        lanes=[lane_summary(race, index) for index in range(len(race.lanes))],
        race=True,
    )
    view["events"] = sorted(  # every lane's changes, each marked with its lane ("adam: lr 0.01→0.1 @ step 512")
        ({**event, "lane": lane["label"]} for lane in view["lanes"] for event in lane["events"]),
        key=lambda event: event["step"],
    )
    smoothing, caches = float(options.get("smoothing", 0.0)), engine.entry(handle).extent
    if "new" in view:
        view["new"] = lane_rows(race, int(since[1]), smoothing, caches)
    else:
        view["lane_series"] = lane_series(race, max_points, smoothing, caches)
    return view


def update_lane(engine: Any, handle: int, index: int, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Change one lane from its next step; returns its events."""
    return [event._asdict() for event in race_of(engine, handle).update_lane(index, **changes)]


def update_shared(engine: Any, handle: int, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """A sidebar change for every lane (a lane keeps its own value of a lane field it sets); the first lane's events."""
    events = race_of(engine, handle).update_shared(**changes)
    return [event._asdict() for event in events[0]]


def relabel(engine: Any, handle: int, index: int, label: str) -> str:
    """A lane's own label ("" = made from its overrides); returns the label shown."""
    return race_of(engine, handle).relabel(index, label)


def set_backend(engine: Any, handle: int, index: int, backend: str) -> str:
    """Move one lane between the compiled and eager backends."""
    race_of(engine, handle).set_backend(index, backend)
    return backend


def step_epoch(engine: Any, handle: int, max_seconds: float = MAX_ADVANCE_SECONDS) -> int:
    """Every running lane steps to the end of its own current epoch (lanes with other batch sizes have epochs of
    other lengths, so they stop at different steps); returns the most steps a lane made."""
    race = race_of(engine, handle)
    left = [lane.steps_left_in_epoch if lane.status == "running" else 0 for lane in race.lanes]
    return max(advance_each(race, left, max_seconds), default=0)


def add_lane(engine: Any, handle: int, lane: dict[str, Any]) -> list[dict[str, Any]]:
    """Add a lane mid-run, the running lanes going on; a single run becomes a race's first lane, nothing restarted.

    The new lane starts at step 0 of its own and trains from the start on the race's next advance, which brings
    it up to the leader's step (service.advance: a lane behind catches up). Returns every lane's spec.
    """
    entry = engine.entry(handle)
    spec = LaneSpec.from_dict(lane)
    race = entry.race if entry.race is not None else Race.from_trainer(entry.trainer, engine.datasets)
    race.add_lane(spec)  # refuses a ninth lane or a bad spec before the entry changes
    if entry.race is None:
        entry.trainer, entry.race, entry.ema, entry.extent = race.lanes[0], race, EmaCache(), RaceExtent(race)
    return specs(engine, handle)


def replay(engine: Any, handle: int, lanes: list[dict[str, Any]]) -> list[int]:
    """Rebuild a lost race's lanes in this freshly opened race: lanes[i] = {"config": lane i's first config,
    "events": its changes (step, field, old, new), "steps": its steps}. Each lane starts again from its first
    config, the lanes step together to each change's step, the change is made there, and on to its steps; so
    every lane is the one that was lost (its trace, events, state). Returns each lane's steps."""
    from core.race.lane import Lane

    race = race_of(engine, handle)
    if len(lanes) != len(race.lanes):
        raise ConfigError("lanes", len(lanes), f"must hold one record per lane ({len(race.lanes)})")
    for index, record in enumerate(lanes):
        old = race.lanes[index]
        race.lanes[index] = Lane(RegressionConfig.from_dict(record["config"]), old.label, old.backend, race.datasets)
    entry = engine.entry(handle)
    entry.trainer = race.lanes[0]
    steps = sorted({int(event["step"]) for record in lanes for event in record["events"]})
    for at in [*steps, None]:
        targets = [int(record["steps"]) if at is None else min(at, int(record["steps"])) for record in lanes]
        while any(race.advance([max(0, target - lane.steps_done) for target, lane in zip(targets, race.lanes)])):
            pass  # Race.advance runs every lane its whole way, chunk by chunk; a lane that ended makes no steps
        if at is None:
            break
        for lane, record in zip(race.lanes, lanes):
            changes = {event["field"]: event["new"] for event in record["events"] if int(event["step"]) == at}
            if changes and lane.steps_done == at:
                lane.update(**changes)
    return [lane.steps_done for lane in race.lanes]


def specs(engine: Any, handle: int) -> list[dict[str, Any]]:
    """Each lane as a LaneSpec dict (for the URL and the page's lane list)."""
    return [spec.to_dict() for spec in race_of(engine, handle).specs]


def save(
    engine: Any,
    handle: int,
    db_path: str,
    race_id: str,
    run_ids: list[int | None],
    status: str | None = None,
    run_key: str = "",
) -> list[int]:
    """Save every lane as its own run, all with sweep_id race_id (the store's group id); returns their ids. The
    first save writes every lane in one transaction; later ones append each lane's new points."""
    from core.store.run_saving import run_record, save_new_trainers, save_trainer
    from core.store.run_store import RunStore

    race = race_of(engine, handle)
    ids = []
    with RunStore(db_path) as store:
        statuses = [status if status is not None and lane.status == "running" else None for lane in race.lanes]
        if not any(run_ids):  # the race's first save: every lane in one transaction
            names = [f"{lane.label} · {race_id}" for lane in race.lanes]
            keys = [f"{run_key}/{index}" if run_key else None for index in range(len(race.lanes))]
            return save_new_trainers(race.lanes, names, statuses, keys, race_id, store)
        for index, lane in enumerate(race.lanes):
            run_id = run_ids[index] if index < len(run_ids) else None
            lane_status = statuses[index]
            if index == 0 and run_id is not None and _outside_race(store, run_id, race_id):
                # a single run that became this race's first lane: its own row joins the race (replaced in place,
                # once), so the run is stored once
                record = run_record(lane, f"{lane.label} · {race_id}", lane_status)
                ids.append(store.save_run(**record, run_id=run_id, sweep_id=race_id))
                continue
            ids.append(
                save_trainer(
                    lane,
                    name=f"{lane.label} · {race_id}",
                    run_id=run_id,
                    status=lane_status,
                    store=store,
                    run_key=f"{run_key}/{index}" if run_key else None,
                    sweep_id=race_id,
                )
            )
    return ids


def _outside_race(store: Any, run_id: int, race_id: str) -> bool:
    """Whether the stored run_id is there but not yet grouped under race_id."""
    from core.store.store_errors import RunNotFound

    try:
        return store.get_run(run_id)["sweep_id"] != race_id
    except RunNotFound:
        return False  # deleted meanwhile: save_trainer stores it again as a new run


def records(engine: Any, handle: int, race_id: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every lane's whole run as save_run's arguments, grouped under race_id (for recovery files when the store
    cannot be written); a running lane gets status, as save does."""
    from core.store.run_saving import run_record

    race = race_of(engine, handle)
    return [
        {
            **run_record(lane, f"{lane.label} · {race_id}", status if lane.status == "running" else None),
            "sweep_id": race_id,
        }
        for lane in race.lanes
    ]


def export_script(engine: Any, handle: int) -> str:
    """One standalone TensorFlow script per lane, with its events, one after the other in one file."""
    from core.regression.script_export import export_script as lane_script

    race = race_of(engine, handle)
    parts = []
    for index, lane in enumerate(race.lanes):
        script = lane_script(lane.initial_config, lane.events, lane.steps_done, dataset=lane.dataset)
        parts.append(f"# ==== Lane {index + 1} of {len(race.lanes)}: {lane.label} ====\n{script}")
    return "\n\n".join(parts)


ACTIONS = {
    "tick": tick,
    "view": race_view,
    "update_lane": update_lane,
    "update_shared": update_shared,
    "relabel": relabel,
    "set_backend": set_backend,
    "step_epoch": step_epoch,
    "add_lane": add_lane,
    "replay": replay,
    "specs": specs,
    "save": save,
    "records": records,
    "export_script": export_script,
}


def race_request(engine: Any, handle: int, action: str, payload: dict[str, Any]) -> Any:
    """Dispatch one race request by name."""
    if action not in ACTIONS:
        raise ConfigError("race action", action, f"must be one of {', '.join(ACTIONS)}")
    return ACTIONS[action](engine, handle, **payload)
