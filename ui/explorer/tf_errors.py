"""TensorFlow errors as learners read them: the real type and message, minus TF's internal op-node label."""

from __future__ import annotations

from typing import Any

from core.tape.tf_messages import clean_tf_message


def tf_error_text(error: dict[str, Any]) -> str:
    """'Type: message', e.g. 'InvalidArgumentError: Incompatible shapes: [2] vs. [3] [Op:Mul]'."""
    return f"{error.get('type', 'Error')}: {clean_tf_message(error.get('message', ''))}"
