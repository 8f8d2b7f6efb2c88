"""The step inspector panel: one update step's sample, forward pass, tape gradients, update and loop body."""

from __future__ import annotations

from typing import Any

import streamlit as st

INSPECTOR_KEY = "step_inspector"


def num(value: float) -> str:
    """6 significant digits with a real minus sign."""
    return f"{value:.6g}".replace("-", "−")


def _rows(value: Any) -> list[float]:
    return value if isinstance(value, list) else [value]


def sample_text(record: dict[str, Any]) -> str:
    """'sample 41: x = 0.5, y = 5.5', or a mini-batch's first rows and '…'."""
    if record["batch_size"] == 1:
        return f"Sample **{record['index']:,}**: x = `{num(record['x'])}`, y = `{num(record['y'])}`"
    rows = [
        f"| {index:,} | {num(x)} | {num(y)} |"
        for index, x, y in zip(_rows(record["index"]), _rows(record["x"]), _rows(record["y"]))
    ]
    more = ["| … | … | … |"] if record["batch_size"] > len(rows) else []
    head = [f"A batch of **{record['batch_size']:,}** samples:", "", "| index | x | y |", "|---|---|---|"]
    return "\n".join([*head, *rows, *more])


def forward_text(record: dict[str, Any]) -> str:
    """ŷ = w·x + b with the numbers in, and the loss."""
    x, prediction = _rows(record["x"])[0], _rows(record["prediction"])[0]
    first = "" if record["batch_size"] == 1 else " (first sample)"
    return (
        f"ŷ = w·x + b = {num(record['w_before'])} × {num(x)} + {num(record['b_before'])} = **{num(prediction)}**"
        f"{first}  \nloss ({record['loss_name']}) = **{num(record['loss'])}**"
    )


def gradient_table(record: dict[str, Any]) -> str:
    """The tape's gradients beside the closed form and their difference."""
    forms = record["closed_form_text"]
    mean = "mean of " if record["batch_size"] > 1 else ""
    lines = ["| | `tape.gradient` | closed form | difference |", "|---|---|---|---|"]
    for name, form in zip(("w", "b"), forms):
        tape, closed = record[f"grad_{name}"], record[f"grad_{name}_closed_form"]
        form = form.replace("|", "\\|")  # a table cell: |y − ŷ| must not end the cell
        lines.append(f"| ∂L/∂{name} | {num(tape)} | {mean}{form} = {num(closed)} | {tape - closed:.2g} |")
    return "\n".join(lines)


def slot_table(record: dict[str, Any]) -> str:
    """The optimizer's state before and after the step, per slot and parameter."""
    if not record["slots_before"]:
        return f"no optimizer state: `{record['optimizer']}` uses only the gradient"
    lines = ["| slot | before (w, b) | after (w, b) |", "|---|---|---|"]
    for name, before in record["slots_before"].items():
        after = record["slots_after"][name]
        lines.append(f"| {name} | {num(before[0])}, {num(before[1])} | {num(after[0])}, {num(after[1])} |")
    return "\n".join(lines)


def body_text(record: dict[str, Any]) -> str:
    """The whole panel below its step box as one markdown text (one element: a Timeline move sends one part)."""
    note = f"\n\n> ⚠ {record['start_note']}" if record.get("start_note") else ""
    code = "\n".join(record["update"])
    state = f"**Optimizer state**\n\n{slot_table(record)}\n\n" if record["slots_before"] else ""
    stateless = "" if record["slots_before"] else f", {slot_table(record)}"
    return (
        f"**Step inspector** · step {record['step']:,} (epoch {record['epoch'] + 1}), replayed in TensorFlow{note}"
        f"\n\n**The sample** · {sample_text(record)}\n\n**The forward pass** · {forward_text(record)}"
        f"\n\n**The gradients**\n\n{gradient_table(record)}"
        f"\n\n**The update** ({record['optimizer']}, learning rate {num(record['learning_rate'])}{stateless})"
        f"\n```\n{code}\n```\n{state}**The code** · the tutorial's loop body\n```python\n{record['code']}\n```"
    )


def body(record: dict[str, Any], navigation: Any) -> None:
    """What the panel shows: navigation() draws the step box and ◀ ▶ at its top, then the step's text."""
    navigation()
    st.markdown(body_text(record))


def panel() -> Any:
    """The bordered container keyed step_inspector (drawn by a full run; a fragment inside it redraws the body)."""
    return st.container(key=INSPECTOR_KEY, border=True)


def show(record: dict[str, Any], navigation: Any) -> None:
    """The panel, keyed step_inspector, with its body."""
    with panel():
        body(record, navigation)
