"""A race's legend sits at the bottom of each figure, under the x axis's title, with room for its rows."""

from __future__ import annotations

from ui.live import frame_figures
from ui.live.lane_figures import LEGEND_PER_ROW, LEGEND_ROW_PX, UNDER_PLOT_PX, legend_below


def test_a_race_legend_goes_under_the_axis_title_and_the_figure_grows_by_its_rows() -> None:
    named = [{"name": f"loss · lane {index}"} for index in range(13)]
    figure = {"data": [*named, {"name": "now · sgd", "showlegend": False}, {}], "layout": {"margin": {"l": 55}}}
    legend_below(figure)
    layout = figure["layout"]
    rows = -(-13 // LEGEND_PER_ROW)
    assert layout["legend"]["yref"] == "container" and layout["legend"]["y"] == 0
    assert layout["legend"]["yanchor"] == "bottom"
    assert layout["height"] == frame_figures.HEIGHT + rows * LEGEND_ROW_PX  # the plot keeps its height
    assert layout["margin"] == {"l": 55, "b": UNDER_PLOT_PX + rows * LEGEND_ROW_PX}
