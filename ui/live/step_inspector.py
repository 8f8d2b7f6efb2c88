"""The step inspector panel: one update step's sample, forward pass, tape gradients, update and loop body."""

from __future__ import annotations

from typing import Any

import streamlit as st

INSPECTOR_KEY = "step_inspector"


def num(value: float) -> str:
    """6 significant digits with a real minus sign (as core.regression.step_text writes the rule: ui holds no TF)."""
    return f"{value:.6g}".replace("-", "−")


def wrapped(value: float) -> str:
    """A number in brackets when negative, so 'w × (−0.5)' reads right."""
    return f"({num(value)})" if value < 0 else num(value)


def _rows(value: Any) -> list[float]:
    return value if isinstance(value, list) else [value]


def sample_text(record: dict[str, Any]) -> str:
    """'Sample **41**: x = `0.5`, y = `5.5`', or a mini-batch's first rows and '…'."""
    if record["batch_size"] == 1:
        return f"Sample **{record['index']:,}**: x = `{num(record['x'])}`, y = `{num(record['y'])}`"
    rows = [
        f"|{index:,}|{num(x)}|{num(y)}|"
        for index, x, y in zip(_rows(record["index"]), _rows(record["x"]), _rows(record["y"]))
    ]
    more = ["|…|…|…|"] if record["batch_size"] > len(rows) else []
    head = [f"A batch of **{record['batch_size']:,}** samples:", "", "|index|x|y|", "|-|-|-|"]
    return "\n".join([*head, *rows, *more])


def gradient_table(record: dict[str, Any]) -> str:
    """The tape's gradients beside the closed form and their difference."""
    forms = record["closed_form_text"]
    mean = "mean of " if record["batch_size"] > 1 else ""
    lines = ["||`tape.gradient`|closed form|difference|", "|-|-|-|-|"]
    for name, form in zip(("w", "b"), forms):
        tape, closed = record[f"grad_{name}"], record[f"grad_{name}_closed_form"]
        form = form.replace("|", "\\|")  # a table cell: |y − ŷ| must not end the cell
        lines.append(f"|∂L/∂{name}|{num(tape)}|{mean}{form} = {num(closed)}|{tape - closed:.2g}|")
    return "\n".join(lines)


def slot_table(record: dict[str, Any]) -> str:
    """The optimizer's state before and after the step, per slot and parameter."""
    if not record["slots_before"]:
        return f"no optimizer state: `{record['optimizer']}` uses only the gradient"
    lines = [f"|{record['optimizer']} state|before (w, b)|after (w, b)|", "|-|-|-|"]
    for name, before in record["slots_before"].items():
        after = record["slots_after"][name]
        lines.append(f"|{name}|{num(before[0])}, {num(before[1])}|{num(after[0])}, {num(after[1])}|")
    return "\n".join(lines)


def body_text(record: dict[str, Any]) -> str:
    """The whole panel below its step box as one markdown text (one element: a Timeline move sends one part).

    A number is not sent twice where it can be helped: the forward pass and the update rule, written out with the
    step's numbers, are the loop body's comments (core.regression.step_text.loop_body)."""
    stateful = bool(record["slots_before"])
    parts = [
        f"**Step {record['step']:,}** (epoch {record['epoch'] + 1}) · {record['optimizer']}, learning rate "
        f"{num(record['learning_rate'])}{'' if stateful else ', ' + slot_table(record)}",
        *([f"> ⚠ {record['start_note']}"] if record.get("start_note") else []),
        sample_text(record),
        gradient_table(record),
        *([slot_table(record)] if stateful else []),
        f"```python\n{record['code']}\n```",
    ]
    return "\n\n".join(parts)


def body(record: dict[str, Any], navigation: Any) -> None:
    """What the panel shows: navigation() draws the step box and ◀ ▶ at its top, then the step's text."""
    navigation()
    st.markdown(body_text(record))


HEADING = (
    "**Step inspector** · one update step, replayed in TensorFlow from the checkpoint before it: its sample, "
    "`tape.gradient` beside the closed form, the optimizer's state, and the tutorial's loop body with the step's "
    "numbers in its comments (the forward pass ŷ = w·x + b and the loss, the gradients, the update rule)"
)


def panel() -> Any:
    """The bordered container keyed step_inspector with its heading (drawn by a full run, so a move never sends
    the heading again; a fragment inside it redraws the body)."""
    container = st.container(key=INSPECTOR_KEY, border=True)
    container.markdown(HEADING)
    return container


def show(record: dict[str, Any], navigation: Any) -> None:
    """The panel, keyed step_inspector, with its body."""
    with panel():
        body(record, navigation)
