"""TensorFlow error text keeps the real type and message and drops TF's internal op-node label."""

from __future__ import annotations

from ui.explorer.tf_errors import tf_error_text


def test_internal_node_label_and_trailing_name_are_dropped() -> None:
    raw = "{{function_node __wrapped__Mul_device_/job:localhost/replica:0/task:0/device:CPU:0}} Incompatible shapes: [2] vs. [3] [Op:Mul] name: "  # noqa: E501
    assert tf_error_text({"type": "InvalidArgumentError", "message": raw}) == (
        "InvalidArgumentError: Incompatible shapes: [2] vs. [3] [Op:Mul]"
    )


def test_plain_messages_are_kept_verbatim() -> None:
    message = "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
    assert tf_error_text({"type": "RuntimeError", "message": message}) == f"RuntimeError: {message}"
