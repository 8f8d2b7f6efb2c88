"""core.tape.functions: the whitelist of TF functions and the shape rules, checked against real TensorFlow."""

from __future__ import annotations

import pytest
import tensorflow as tf

from core.tape.evaluator import TF_FUNCTIONS
from core.tape.functions import (
    FUNCTIONS,
    KINKED,
    SPELLINGS,
    STOPS_GRADIENT,
    broadcast_shape,
    matmul_shape,
    reduce_shape,
    result_shape,
    transpose_shape,
)


def test_every_spelling_in_the_table_names_a_real_function() -> None:
    for spelled, canonical in SPELLINGS.items():
        assert spelled.startswith("tf.") and canonical in FUNCTIONS


def test_every_spelling_is_the_same_tf_function_as_its_canonical_name() -> None:
    def resolve(dotted: str) -> object:
        value = tf
        for part in dotted.split(".")[1:]:
            value = getattr(value, part)
        return value

    assert set(TF_FUNCTIONS) == set(FUNCTIONS) and STOPS_GRADIENT | KINKED <= set(FUNCTIONS)
    for spelled, canonical in SPELLINGS.items():
        assert resolve(spelled) is resolve(canonical) is TF_FUNCTIONS[canonical], spelled


def test_incompatible_shapes_give_none() -> None:
    assert broadcast_shape((3,), (2,)) is None
    assert matmul_shape((2, 3), (2, 3)) is None
    assert reduce_shape((2, 3), 5, False) is None
    assert matmul_shape((3,), (3, 1)) is None and transpose_shape((2, 3), [0, 0]) is None


@pytest.mark.parametrize(
    ("left", "right"), [((3,), (3,)), ((2, 1), (1, 4)), ((), (2, 3)), ((5, 1, 3), (4, 1)), ((1,), (7,))]
)
def test_broadcast_matches_tf(left: tuple, right: tuple) -> None:
    assert broadcast_shape(left, right) == tuple((tf.ones(left) + tf.ones(right)).shape)


@pytest.mark.parametrize(
    ("left", "right", "transpose_a", "transpose_b"),
    [
        ((2, 3), (3, 4), False, False),
        ((3, 2), (3, 4), True, False),
        ((2, 3), (4, 3), False, True),
        ((5, 2, 3), (3, 1), False, False),
    ],
)
def test_matmul_matches_tf(left: tuple, right: tuple, transpose_a: bool, transpose_b: bool) -> None:
    product = tf.linalg.matmul(tf.ones(left), tf.ones(right), transpose_a=transpose_a, transpose_b=transpose_b)
    assert matmul_shape(left, right, transpose_a, transpose_b) == tuple(product.shape)


@pytest.mark.parametrize(
    ("axis", "keepdims"), [(None, False), (None, True), (0, False), (-1, True), ([0, 2], False), ([1, -1], True)]
)
def test_reduce_and_transpose_match_tf(axis: object, keepdims: bool) -> None:
    x = tf.ones((2, 3, 4))
    assert reduce_shape((2, 3, 4), axis, keepdims) == tuple(tf.reduce_sum(x, axis=axis, keepdims=keepdims).shape)
    for perm in (None, [2, 0, 1]):
        assert transpose_shape((2, 3, 4), perm) == tuple(tf.transpose(x, perm=perm).shape)


def test_result_shape_dispatches_on_the_rule() -> None:
    assert result_shape("shape", [], {"shape": [2, 5]}) == (2, 5)
    assert result_shape("same", [(4,)], {}) == (4,)
    assert result_shape("broadcast", [(4,), None], {}) is None  # an unknown shape stays unknown
    assert result_shape("matmul", [(2, 3), (2, 3)], {"transpose_b": True}) == (2, 2)
    assert result_shape("reduce", [(2, 3)], {"axis": 1, "keepdims": True}) == (2, 1)
    assert result_shape("transpose", [(2, 3)], {}) == (3, 2)
    with pytest.raises(ValueError, match="unknown shape rule"):
        result_shape("bogus", [(1,)], {})
