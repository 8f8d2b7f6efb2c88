"""TensorFlow exception text as learners read it: the message without TF's internal op-node wrapper."""

from __future__ import annotations

import re

NODE_LABEL = re.compile(r"^\{\{function_node [^}]*\}\}\s*")
TRAILING_NAME = re.compile(r"\s*name:\s*$")


def clean_tf_message(message: str) -> str:
    """'{{function_node __wrapped__Mul_device_/job:…}} Incompatible shapes … name: ' as 'Incompatible shapes …'."""
    return TRAILING_NAME.sub("", NODE_LABEL.sub("", str(message).strip()))
