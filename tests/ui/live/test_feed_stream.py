"""ui.live.feed_stream: which rows a tick asks for, and which parts it sends, so that one lost feed is made good."""

from __future__ import annotations

from ui.live.feed_stream import FeedStream

VIEW = {"stream": "engine/1/1/0", "steps_done": 100}


def delta(title: str, shapes: list) -> dict:
    return {"append": [[0, "step", "w"]], "set": {"layout.title.text": title, "layout.shapes": shapes}}


def test_a_tick_asks_for_the_rows_after_the_step_fed_two_ticks_ago() -> None:
    stream = FeedStream.start("0/3", VIEW, {"trace_chart": delta("a", [])})
    assert stream.since() == ("engine/1/1/0", 100)
    stream.fed(120, {})
    assert stream.since() == ("engine/1/1/0", 100)  # the feed that reached 120 may have been lost
    stream.fed(140, {})
    assert stream.since() == ("engine/1/1/0", 120)


def test_a_part_is_sent_until_two_feeds_in_a_row_held_it() -> None:
    stream = FeedStream.start("0/3", VIEW, {"trace_chart": delta("a", [])})
    fresh, prints = stream.fresh("trace_chart", delta("a", []))
    assert fresh == {"append": [[0, "step", "w"]], "set": {}}  # the full draw holds both parts
    fresh, prints = stream.fresh("trace_chart", delta("b", []))
    assert fresh["set"] == {"layout.title.text": "b"}
    stream.fed(110, {"trace_chart": prints})
    fresh, prints = stream.fresh("trace_chart", delta("b", []))
    assert fresh["set"] == {"layout.title.text": "b"}  # sent again: the last feed may not have arrived
    stream.fed(120, {"trace_chart": prints})
    assert stream.fresh("trace_chart", delta("b", []))[0]["set"] == {}
    assert stream.fresh("another_chart", delta("b", []))[0]["set"] == {"layout.title.text": "b", "layout.shapes": []}
