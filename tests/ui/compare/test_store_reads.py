"""ui.compare.store_reads: each run's share of a chart's point budget when many runs are drawn."""

from __future__ import annotations

from ui.compare.store_reads import CHART_POINTS, MIN_RUN_POINTS, POINT_BUDGET, points_per_run


def test_few_runs_keep_every_chart_point_and_many_share_the_budget_down_to_a_floor() -> None:
    assert points_per_run(1) == points_per_run(12) == CHART_POINTS == 2000
    assert points_per_run(100) == 250 and points_per_run(1000) == 25 == MIN_RUN_POINTS
    assert points_per_run(10_000) == MIN_RUN_POINTS  # the floor, past the budget
    assert all(count * points_per_run(count) <= POINT_BUDGET for count in (13, 100, 333, 1000))
