"""Figure helpers shared by the Live and Compare charts: the colours, and arrays packed as plotly.js typed arrays.

Figures are plain dicts (valid input to ``go.Figure``) with arrays packed as base64 typed arrays, which
plotly.js reads natively; building them costs well under a millisecond per chart.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

Figure = dict[str, Any]
COLORS = {"w": "#1f77b4", "b": "#ff7f0e", "loss": "#2ca02c", "target": "#555555", "event": "#9467bd"}


def signed_number(value: float, decimals: int) -> str:
    """A number with its sign, never '-0.000': '−5.000' with a true minus sign, '0.000' for what rounds to zero."""
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return f"−{text}" if value < 0 else text


def linear_text(slope: float, intercept: float, decimals: int = 3) -> str:
    """'23039.590·x − 57468.734': a line's equation with the intercept's sign as the operator."""
    operator = "−" if intercept < 0 and float(f"{abs(intercept):.{decimals}f}") != 0 else "+"
    return f"{signed_number(slope, decimals)}·x {operator} {abs(intercept):.{decimals}f}"


def packed(values: Any) -> dict[str, str]:
    """A numeric array as a plotly.js typed-array spec (float32, or int32 for integers)."""
    array = np.asarray(values)
    array = array.astype(np.int32) if np.issubdtype(array.dtype, np.integer) else array.astype(np.float32)
    spec = {"dtype": "i4" if array.dtype == np.int32 else "f4", "bdata": base64.b64encode(array.tobytes()).decode()}
    if array.ndim == 2:
        spec["shape"] = f"{array.shape[0]},{array.shape[1]}"
    return spec


def loss_contour(surface: dict[str, Any], name: str) -> dict[str, Any]:
    """Contours of log10 mean loss over the (w, b) grid of a surface (w, b, loss), as the landscapes draw them."""
    z = np.log10(np.maximum(np.asarray(surface["loss"], dtype=np.float64), 1e-12))
    return {
        "type": "contour",
        "x": packed(surface["w"]),
        "y": packed(surface["b"]),
        "z": packed(z),
        "colorscale": "Viridis",
        "reversescale": True,
        "ncontours": 25,
        "opacity": 0.85,
        "name": name,
        "colorbar": {"title": {"text": "log10 loss"}, "thickness": 12},
        "contours": {"coloring": "heatmap"},
    }


def landmarks(target: tuple[float, float], optimum: tuple[float, float]) -> list[dict[str, Any]]:
    """The target (w*, b*) as a gold star and the least-squares optimum as a black cross, for the landscapes."""
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [target[0]],
            "y": [target[1]],
            "name": "target",
            "marker": {"size": 14, "symbol": "star", "color": "gold", "line": {"width": 1}},
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [optimum[0]],
            "y": [optimum[1]],
            "name": "least squares",
            "marker": {"size": 11, "symbol": "x", "color": "black"},
        },
    ]
