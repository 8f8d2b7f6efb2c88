"""TensorFlow errors as learners read them: the real type and message, minus TF's internal op-node label."""

from __future__ import annotations

import re
from typing import Any

NODE_LABEL = re.compile(r"^\{\{function_node [^}]*\}\}\s*")
TRAILING_NAME = re.compile(r"\s*name:\s*$")


def tf_error_text(error: dict[str, Any]) -> str:
    """'Type: message', e.g. 'InvalidArgumentError: Incompatible shapes: [2] vs. [3] [Op:Mul]'."""
    message = TRAILING_NAME.sub("", NODE_LABEL.sub("", str(error.get("message", "")).strip()))
    return f"{error.get('type', 'Error')}: {message}"
