"""ui.compare.table_formats: losses in 4 significant digits, w and b to 4 decimals, columns wide enough for both."""

from __future__ import annotations

from core.store.compare import FINAL_LOSS, STEP_LOSS
from ui.compare.table_formats import NUMBER_WIDTH, column_width, number_columns


def test_losses_use_scientific_notation_and_w_b_four_decimals() -> None:
    columns = number_columns(["run", "final w", "Δ w", FINAL_LOSS, "Δ loss", STEP_LOSS, "final loss", "lr"])
    assert "run" not in columns
    formats = {name: config["type_config"]["format"] for name, config in columns.items()}
    assert formats == {
        "final w": "%.4f",
        "Δ w": "%+.4f",
        FINAL_LOSS: "%.3e",
        "Δ loss": "%+.3e",
        STEP_LOSS: "%.3e",
        "final loss": "%.3e",
        "lr": "%g",
    }
    assert "mean loss over all the data" in columns[FINAL_LOSS]["help"]
    assert "last step" in columns[STEP_LOSS]["help"]


def test_result_columns_have_room_for_a_signed_number_and_their_header() -> None:
    assert column_width("Δ w") == NUMBER_WIDTH >= 110  # "-314919.5000"
    assert column_width(FINAL_LOSS) > column_width("Δ w")
    assert column_width("lr") is None
