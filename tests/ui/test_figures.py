"""ui.figures: arrays packed as plotly.js typed arrays decode to the same numbers, the colours, the loss contour."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from ui.figures import COLORS, landmarks, loss_contour, packed


def unpack(spec: dict) -> np.ndarray:
    array = np.frombuffer(base64.b64decode(spec["bdata"]), dtype={"f4": np.float32, "i4": np.int32}[spec["dtype"]])
    return array.reshape([int(n) for n in spec["shape"].split(",")]) if "shape" in spec else array


def test_integers_pack_as_int32_and_floats_as_float32() -> None:
    steps = packed(np.arange(5, dtype=np.int64))
    assert steps["dtype"] == "i4" and unpack(steps).tolist() == [0, 1, 2, 3, 4] and "shape" not in steps
    values = packed([0.5, -1.25, 3.0])
    assert values["dtype"] == "f4" and unpack(values).tolist() == [0.5, -1.25, 3.0]
    assert packed(np.array([True, False]))["dtype"] == "f4"  # booleans are not integers here
    assert unpack(packed([])).size == 0


def test_a_matrix_keeps_its_shape_row_major() -> None:
    matrix = np.arange(6, dtype=np.float64).reshape(2, 3) / 4
    spec = packed(matrix)
    assert spec["shape"] == "2,3"
    np.testing.assert_array_equal(unpack(spec), matrix.astype(np.float32))


def test_plotly_accepts_packed_arrays_and_the_colours_are_distinct() -> None:
    figure = go.Figure({"data": [{"type": "scatter", "x": packed([1, 2]), "y": packed([0.5, 1.5])}]})
    assert figure.data[0].x["bdata"] == packed([1, 2])["bdata"]
    assert len(set(COLORS.values())) == len(COLORS) and all(color.startswith("#") for color in COLORS.values())


def test_the_loss_contour_is_log10_of_the_surface_floored_at_1e_minus_12() -> None:
    surface = {
        "w": np.array([0.0, 1.0, 2.0]),
        "b": np.array([-1.0, 1.0]),
        "loss": [[100.0, 1.0, 0.0], [10.0, 1e-3, 1.0]],
    }
    contour = loss_contour(surface, "mean loss (run 1)")
    go.Figure({"data": [contour]})
    assert contour["type"] == "contour" and contour["name"] == "mean loss (run 1)"
    assert unpack(contour["x"]).tolist() == [0.0, 1.0, 2.0] and unpack(contour["y"]).tolist() == [-1.0, 1.0]
    np.testing.assert_allclose(unpack(contour["z"]), [[2.0, 0.0, -12.0], [1.0, -3.0, 0.0]], rtol=1e-6)


def test_landmarks_mark_the_target_and_the_optimum_where_they_are() -> None:
    target, optimum = landmarks((5.0, 3.0), (4.5, 2.5))
    assert (target["name"], target["x"], target["y"]) == ("target", [5.0], [3.0])
    assert (optimum["name"], optimum["x"], optimum["y"]) == ("least squares", [4.5], [2.5])
