"""Tests for the overlay charts' live-chart framing: plain JSON, a frame per figure, a uirevision per view."""

from __future__ import annotations

import json

import numpy as np

from ui.compare.overlay_chart import framed, revision
from ui.figures import packed


def figure(colour: str) -> dict:
    return {
        "data": [
            {"type": "scatter", "x": packed([0, 1, 2]), "y": np.array([1.0, 0.5, 0.25]), "line": {"color": colour}}
        ],
        "layout": {"title": {"text": "w"}, "height": np.int64(300), "meta": {"step": 2}},
    }


def test_framed_is_plain_json_with_the_revision_and_a_frame_per_figure() -> None:
    red = framed(figure("red"), "compare_overlay_w:abc")
    assert json.loads(json.dumps(red)) == red  # numpy values became JSON
    assert red["data"][0]["y"] == [1.0, 0.5, 0.25] and red["layout"]["height"] == 300
    assert red["layout"]["uirevision"] == "compare_overlay_w:abc"
    assert red["layout"]["meta"]["step"] == 2  # the figure's own meta is kept
    again = framed(figure("red"), "compare_overlay_w:abc")
    blue = framed(figure("blue"), "compare_overlay_w:abc")
    assert red["layout"]["meta"]["frame"] == again["layout"]["meta"]["frame"]  # the same figure: not redrawn
    assert blue["layout"]["meta"]["frame"] != red["layout"]["meta"]["frame"]  # a recolour: redrawn


def test_revision_holds_for_the_same_runs_and_view_and_changes_with_either() -> None:
    base = revision("compare_overlay_w", [1, 2, 3], "step", False)
    assert base.startswith("compare_overlay_w:")
    assert revision("compare_overlay_w", [1, 2, 3], "step", False) == base
    assert revision("compare_overlay_w", [1, 2], "step", False) != base  # other runs: zoom resets
    assert revision("compare_overlay_w", [1, 2, 3], "epoch", False) != base  # another x axis
    assert revision("compare_overlay_b", [1, 2, 3], "step", False) != base
