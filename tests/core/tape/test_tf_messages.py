"""core.tape.tf_messages: TF's internal op-node wrapper is cut from exception text, the message itself kept."""

from __future__ import annotations

import tensorflow as tf

from core.tape.tf_messages import clean_tf_message


def test_a_real_matmul_error_loses_its_function_node_wrapper() -> None:
    try:
        tf.constant([[1.0, 2.0]]) @ tf.constant([[1.0, 2.0]])
    except tf.errors.InvalidArgumentError as error:
        raw = str(error)
    assert raw.startswith("{{function_node __wrapped__")
    cleaned = clean_tf_message(raw)
    assert cleaned.startswith("Matrix size-incompatible: In[0]: [1,2], In[1]: [1,2]")
    assert "function_node" not in cleaned and "/job:localhost" not in cleaned and not cleaned.endswith("name:")


def test_plain_messages_pass_through() -> None:
    message = "A non-persistent GradientTape can only be used to compute one set of gradients"
    assert clean_tf_message(f"  {message}\n") == message
