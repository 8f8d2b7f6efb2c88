"""One step written out: each optimizer's update rule with the step's numbers, and the tutorial's loop body."""

from __future__ import annotations

from typing import Any

from core.regression.optimizers import (
    ADAM_BETA_1,
    ADAM_BETA_2,
    EPSILON,
    MOMENTUM,
    RMSPROP_RHO,
)

SLOT_NAMES: dict[str, tuple[str, ...]] = {
    "sgd": (),
    "momentum": ("velocity",),
    "nesterov": ("velocity",),
    "rmsprop": ("velocity",),
    "adam": ("m", "v"),
    "adagrad": ("accumulator",),
}

PARAMS = (("w", 0), ("b", 1))


def num(value: float) -> str:
    """A number as shown in the inspector: 6 significant digits, with a real minus sign."""
    return f"{value:.6g}".replace("-", "−")


def wrapped(value: float) -> str:
    """A number in brackets when negative, so 'lr × (−4.321)' reads right."""
    return f"({num(value)})" if value < 0 else num(value)


def _rule(record: dict[str, Any], name: str, index: int) -> list[str]:
    """The update of one parameter, line by line, with the step's numbers."""
    optimizer, lr = record["optimizer"], num(record["learning_rate"])
    old, new = num(record[f"{name}_before"]), num(record[f"{name}_after"])
    g = wrapped(record[f"grad_{name}"])
    before = {slot: values[index] for slot, values in record["slots_before"].items()}
    after = {slot: values[index] for slot, values in record["slots_after"].items()}
    if optimizer == "sgd":
        return [f"{name} ← {old} − {lr} × {g} = {new}"]
    if optimizer in ("momentum", "nesterov"):
        velocity = f"velocity_{name} ← {MOMENTUM:g} × {wrapped(before['velocity'])} − {lr} × {g} = "
        velocity += num(after["velocity"])
        v_new = wrapped(after["velocity"])
        if optimizer == "momentum":
            return [velocity, f"{name} ← {old} + {v_new} = {new}"]
        return [velocity, f"{name} ← {old} + {MOMENTUM:g} × {v_new} − {lr} × {g} = {new}"]
    if optimizer == "rmsprop":
        v_new = num(after["velocity"])
        return [
            f"v_{name} ← {RMSPROP_RHO:g} × {num(before['velocity'])} + {1 - RMSPROP_RHO:g} × {g}² = {v_new}",
            f"{name} ← {old} − {lr} × {g} / √({v_new} + {EPSILON:g}) = {new}",
        ]
    if optimizer == "adagrad":
        acc = num(after["accumulator"])
        return [
            f"accumulator_{name} ← {num(before['accumulator'])} + {g}² = {acc}",
            f"{name} ← {old} − {lr} × {g} / √({acc} + {EPSILON:g}) = {new}",
        ]
    t = record["iteration_before"] + 1
    alpha = record["learning_rate"] * (1 - ADAM_BETA_2**t) ** 0.5 / (1 - ADAM_BETA_1**t)
    m_new, v_new = num(after["m"]), num(after["v"])
    return [
        f"m_{name} ← {ADAM_BETA_1:g} × {wrapped(before['m'])} + {1 - ADAM_BETA_1:g} × {g} = {m_new}",
        f"v_{name} ← {ADAM_BETA_2:g} × {num(before['v'])} + {1 - ADAM_BETA_2:g} × {g}² = {v_new}",
        f"α = {lr} × √(1 − {ADAM_BETA_2:g}^{t}) / (1 − {ADAM_BETA_1:g}^{t}) = {num(alpha)}",
        # α, m and v are the numbers of the lines above (each number is written once)
        f"{name} ← {old} − α × m_{name} / (√v_{name} + {EPSILON:g}) = {new}",
    ]


def start_note(record: dict[str, Any]) -> str:
    """Why w_before (or b_before) is not the trace at step − 1: the learner set it there; else ""."""
    step = record["step"]
    parts = [
        f"{name} was set to {num(value)} at step {step - 1:,} (Initial {name}), so step {step:,} starts from "
        f"{name} = {num(value)}, not from the trace at step {step - 1:,} ({name} = {num(trace)})"
        for name, value in record["set_before"].items()
        for trace in [record[f"{name}_trace_before"]]
    ]
    return "; ".join(parts) + "." if parts else ""


def update_lines(record: dict[str, Any]) -> list[str]:
    """The optimizer's update of w, then of b, with the step's numbers (what param.assign_sub(delta) did); a line
    both share (Adam's step size α) is written once."""
    return list(dict.fromkeys(line for name, index in PARAMS for line in _rule(record, name, index)))


def _first(value: Any) -> float:
    return value[0] if isinstance(value, list) else value


def loop_body(record: dict[str, Any]) -> str:
    """The tutorial's loop body for this step, with the step's numbers in comments: the forward pass ŷ = w·x + b
    with the numbers filled in, the loss, the tape's gradients, and the update rule written out with its numbers
    (the step inspector shows these nowhere else, so a Timeline move sends each number once)."""
    per_sample = record["batch_size"] == 1
    x, y, pred = num(_first(record["x"])), num(_first(record["y"])), num(_first(record["prediction"]))
    filled = f"{num(record['w_before'])} × {wrapped(_first(record['x']))} + {wrapped(record['b_before'])} = {pred}"
    loss_call = {"mse": "loss_func", "mae": "abs_error", "huber": "huber"}[record["loss_name"]]
    if per_sample:
        head = [f"x, y = x_data[{record['index']}], y_data[{record['index']}]  # x = {x}, y = {y}"]
        forward = [
            f"    pred = w*x + b  # ŷ = {filled}",
            f"    loss = {loss_call}(target=y, pred=pred)  # {num(record['loss'])}",
        ]
    else:
        head = [f"x, y = x_data[batch], y_data[batch]  # {record['batch_size']:,} samples, first rows above"]
        forward = [
            f"    pred = w*x + b  # first ŷ = {filled}",
            f"    loss = tf.reduce_mean({loss_call}(target=y, pred=pred))  # {num(record['loss'])}",
        ]
    gradients = f"gradients = tape.gradient(loss, [w, b])  # [{num(record['grad_w'])}, {num(record['grad_b'])}]"
    rules = record["update"]
    if record["optimizer"] == "sgd":
        w_rule, b_rule = (next(line for line in rules if line.startswith(f"{name} ← ")) for name in ("w", "b"))
        update = [f"w.assign_sub(LR * gradients[0])  # {w_rule}", f"b.assign_sub(LR * gradients[1])  # {b_rule}"]
    else:
        update = [
            f"optimizer.apply_gradients(zip(gradients, [w, b]))  # {record['optimizer']}:",
            *(f"# {line}" for line in rules),
        ]
    return "\n".join([*head, "with tf.GradientTape() as tape:", *forward, gradients, *update])
