"""ui.compare.run_figures: valid Plotly figures for the landscape, sweep heatmaps, parallel coordinates and bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.compare import run_figures


def test_landscape_heatmap_parallel_and_bands_are_valid() -> None:
    surface = {"w": np.linspace(0, 6, 5), "b": np.linspace(0, 4, 4), "loss": np.ones((4, 5))}
    paths = [{"label": "run 1", "w": np.array([0.0, 5.0]), "b": np.array([0.0, 3.0])}]
    landscape = run_figures.landscape_figure(surface, paths, (5.0, 3.0), (5.0, 3.0), "mean loss")
    go.Figure(landscape)
    assert landscape["data"][2]["x"] == [5.0]  # where the run ended
    frame = pd.DataFrame({"learning_rate": [0.001, 0.1], "optimizer": ["sgd", "adam"], "final loss": [0.5, np.nan]})
    cells = pd.DataFrame(
        [[0.5, np.nan]], index=pd.Index(["all runs"], name=""), columns=pd.Index(["0.001", "0.1"], name="learning_rate")
    )
    heatmap = run_figures.heatmap_figure(cells, "final loss", log_scale=True)
    go.Figure(heatmap)
    assert heatmap["data"][0]["text"] == [["0.5", "–"]]
    parallel = run_figures.parallel_figure(frame, ["learning_rate", "optimizer"], "final loss", True)
    go.Figure(parallel)
    dimensions = parallel["data"][0]["dimensions"]
    assert dimensions[0]["label"] == "log10 lr" and dimensions[1]["ticktext"] == ["sgd", "adam"]
    band = {"step": np.arange(3), "mean": np.ones(3), "std": np.full(3, 0.1), "label": "lr=0.1", "runs": 3}
    bands = run_figures.band_figure([band], "loss", log_y=True)
    go.Figure(bands)
    assert bands["data"][2]["name"] == "lr=0.1 (3 seeds)" and bands["data"][1]["fill"] == "tonexty"
