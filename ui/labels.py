"""Short human labels for config fields and mid-run events, e.g. "lr 0.01→0.1 @ step 512"."""

from __future__ import annotations

from typing import Any

SHORT_NAMES: dict[str, str] = {
    "learning_rate": "lr",
    "w_target": "w*",
    "b_target": "b*",
    "n_samples": "samples",
    "noise_std": "noise",
    "batch_size": "batch",
    "w_init": "w₀",
    "b_init": "b₀",
}


def format_value(value: Any) -> str:
    """Compact text for a config value."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def event_label(event: dict[str, Any]) -> str:
    """'lr 0.01→0.1 @ step 512' for an event dict with step, field, old and new."""
    name = SHORT_NAMES.get(event["field"], event["field"])
    return f"{name} {format_value(event['old'])}→{format_value(event['new'])} @ step {event['step']:,}"
