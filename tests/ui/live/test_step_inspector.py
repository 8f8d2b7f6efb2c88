"""The step inspector's text: the sample, the forward pass with numbers, tape vs closed form, the slots."""

from __future__ import annotations

import pytest

from ui.live.step_inspector import body_text, gradient_table, sample_text, slot_table

RECORD = {
    "step": 3,
    "epoch": 0,
    "batch_size": 1,
    "index": 2,
    "x": 0.5,
    "y": 5.5,
    "prediction": 1.0,
    "loss": 20.25,
    "loss_name": "mse",
    "w_before": 1.0,
    "b_before": 0.5,
    "grad_w": -4.5,
    "grad_b": -9.0,
    "grad_w_closed_form": -4.5,
    "grad_b_closed_form": -9.0000001,
    "closed_form_text": ["−2·x·(y − ŷ)", "−2·(y − ŷ)"],
    "optimizer": "momentum",
    "slots_before": {"velocity": [0.0, 0.0]},
    "slots_after": {"velocity": [0.045, 0.09]},
}


def test_a_single_sample_shows_its_index_x_and_y() -> None:
    assert sample_text(RECORD) == "Sample **2**: x = `0.5`, y = `5.5`"


def test_a_mini_batch_shows_its_first_rows_then_an_ellipsis() -> None:
    batch = {**RECORD, "batch_size": 32, "index": [0, 1], "x": [0.5, -1.0], "y": [5.5, -2.0]}
    text = sample_text(batch)
    assert "A batch of **32** samples" in text and "|1|−1|−2|" in text and text.endswith("|…|…|…|")


def test_the_gradients_sit_beside_the_closed_form_with_their_difference() -> None:
    table = gradient_table(RECORD)
    assert "|∂L/∂w|−4.5|−2·x·(y − ŷ) = −4.5|0|" in table
    assert "|∂L/∂b|−9|−2·(y − ŷ) = −9|1e-07|" in table


def test_the_optimizer_state_before_and_after() -> None:
    assert "|velocity|0, 0|0.045, 0.09|" in slot_table(RECORD)
    stateless = {**RECORD, "optimizer": "sgd", "slots_before": {}}
    assert slot_table(stateless) == "no optimizer state: `sgd` uses only the gradient"


def test_the_huber_closed_form_keeps_its_bars_inside_the_table_cell() -> None:
    huber = {**RECORD, "closed_form_text": ["−x·(y − ŷ) if |y − ŷ| ≤ 1, else −1·x·sign(y − ŷ)", "−(y − ŷ)"]}
    row = gradient_table(huber).splitlines()[2]
    assert row.replace("\\|", "").count("|") == 5 and "\\|y − ŷ\\|" in row


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad"])
def test_every_optimizer_and_batch_size_fits_a_move_in_5_kb(optimizer: str) -> None:
    """The inspector's text of a real step (its widest: per sample, a mini-batch, the full batch; Huber's long closed
    form): at most 1,500 bytes, which with the Timeline, the Step box, the charts' parts and Streamlit's own
    messages (3.2-3.3 KB, tests/browser/test_step_inspector_browser.py) keeps a move under 5 KB."""
    from core.regression.config import RegressionConfig
    from core.regression.step_replay import inspect_step
    from core.regression.trainer import Trainer

    for batch_size in (1, 8, 64):
        config = RegressionConfig(n_samples=64, epochs=2, optimizer=optimizer, batch_size=batch_size, loss="huber")
        trainer = Trainer(config, backend="eager")
        trainer.run()
        done = trainer.steps_done
        for step in sorted({1, 2, done // 2, done}):
            text = body_text(inspect_step(trainer, step))
            assert len(text.encode()) <= 1_500, (batch_size, step, len(text.encode()), text)
            assert "```python" in text and "← " in text  # the loop body, with the update rule written out
