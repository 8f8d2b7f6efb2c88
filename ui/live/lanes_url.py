"""The race's lanes in the Live page's URL: read on a session's first visit (a bad one warns), written each run."""

from __future__ import annotations

from collections.abc import Mapping

from core.race.lane_specs import LaneSpec
from core.race.lanes_query import LANES_KEY, lanes_from_text, lanes_text
from core.regression.config import ConfigError
from ui.live.run_state import LiveRun


def apply(run: LiveRun, params: Mapping[str, str]) -> list[str]:
    """Take the lanes from the URL into the run (before it opens); returns the warnings for a bad lanes text."""
    text = params.get(LANES_KEY)
    if text is None:
        return []
    try:
        specs = lanes_from_text(text, run.config)
    except ConfigError as error:
        return [f"URL parameter {LANES_KEY}={text[:80]!r} is not allowed ({error}); using one lane."]
    run.lanes = [spec.to_dict() for spec in specs] if len(specs) > 1 else []
    return []


def to_query(run: LiveRun) -> dict[str, str]:
    """The lanes key for the URL, when the run is a race."""
    if not run.racing:
        return {}
    return {LANES_KEY: lanes_text([LaneSpec.from_dict(lane) for lane in run.lanes])}
