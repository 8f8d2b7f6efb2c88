"""The loop body's comments: the forward pass with its numbers filled in, and the update rule written out."""

from __future__ import annotations

from core.regression.step_text import loop_body, update_lines

RECORD = {
    "step": 3,
    "batch_size": 1,
    "index": 2,
    "x": -0.5,
    "y": 5.5,
    "prediction": 0.0,
    "loss": 30.25,
    "loss_name": "mse",
    "learning_rate": 0.01,
    "w_before": 1.0,
    "b_before": 0.5,
    "w_after": 0.945,
    "b_after": 0.61,
    "grad_w": 5.5,
    "grad_b": -11.0,
    "optimizer": "sgd",
    "iteration_before": 2,
    "slots_before": {},
    "slots_after": {},
}


def with_rules(record: dict) -> dict:
    return {**record, "update": update_lines(record)}


def test_the_forward_pass_has_the_numbers_filled_in_and_a_negative_x_in_brackets() -> None:
    code = loop_body(with_rules(RECORD))
    assert "    pred = w*x + b  # ŷ = 1 × (−0.5) + 0.5 = 0\n" in code
    assert "    loss = loss_func(target=y, pred=pred)  # 30.25\n" in code


def test_sgds_update_rule_is_the_comment_of_each_assign_sub() -> None:
    code = loop_body(with_rules(RECORD))
    assert "w.assign_sub(LR * gradients[0])  # w ← 1 − 0.01 × 5.5 = 0.945" in code
    assert code.endswith("b.assign_sub(LR * gradients[1])  # b ← 0.5 − 0.01 × (−11) = 0.61")


def test_an_optimizers_rule_lines_follow_apply_gradients_with_each_slot_before_and_after() -> None:
    momentum = {
        **RECORD,
        "optimizer": "momentum",
        "slots_before": {"velocity": [-0.5, 0.25]},
        "slots_after": {"velocity": [-0.505, 0.335]},
    }
    lines = loop_body(with_rules(momentum)).splitlines()
    start = lines.index("optimizer.apply_gradients(zip(gradients, [w, b]))  # momentum:")
    assert lines[start + 1] == "# velocity_w ← 0.9 × (−0.5) − 0.01 × 5.5 = −0.505"
    assert lines[start + 2] == "# w ← 1 + (−0.505) = 0.945" and len(lines) == start + 5


def test_adams_slot_lines_write_each_number_once() -> None:
    adam = {**RECORD, "optimizer": "adam", "slots_before": {"m": [0.2, 0.1], "v": [0.04, 0.01]}}
    adam["slots_after"] = {"m": [0.73, -1.01], "v": [0.0702, 0.131]}
    lines = update_lines(adam)
    assert lines[0] == "m_w ← 0.9 × 0.2 + 0.1 × 5.5 = 0.73"
    assert lines[1] == "v_w ← 0.999 × 0.04 + 0.001 × 5.5² = 0.0702"
    assert lines[3] == "w ← 1 − α × m_w / (√v_w + 1e-07) = 0.945"
