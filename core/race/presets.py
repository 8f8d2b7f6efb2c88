"""Race presets: several lanes at once (optimizers, learning rates, batch sizes, losses, starting points)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from core.regression.config import RegressionConfig
from core.regression.fields import LOSSES, OPTIMIZERS

LOSSES_NOISE_STD = 1.0  # "with noise on": a robust loss only differs from mse when there is noise


class Preset(NamedTuple):
    """What a preset sets: shared fields for every lane, and one override dict per lane."""

    shared: dict[str, Any]
    lanes: list[dict[str, Any]]


def optimizers(base: RegressionConfig) -> Preset:
    """One lane per optimizer."""
    return Preset({}, [{"optimizer": name} for name in OPTIMIZERS])


def learning_rates(base: RegressionConfig) -> Preset:
    """Four learning rates, a decade or so apart."""
    return Preset({}, [{"learning_rate": rate} for rate in (0.001, 0.01, 0.1, 0.5)])


def batch_sizes(base: RegressionConfig) -> Preset:
    """Per sample, a mini-batch of 32, and the full batch."""
    sizes = dict.fromkeys((1, min(32, base.n_samples), base.n_samples))
    return Preset({}, [{"batch_size": size} for size in sizes])


def losses(base: RegressionConfig) -> Preset:
    """mse, mae and huber, on noisy data."""
    shared = {} if base.noise_std > 0 else {"noise_std": LOSSES_NOISE_STD}
    return Preset(shared, [{"loss": name} for name in LOSSES])


def starting_points(base: RegressionConfig) -> Preset:
    """Four (w_init, b_init) corners of a square around the target, as far out as the base's start."""
    reach = max(abs(base.w_target - base.w_init), abs(base.b_target - base.b_init), 2.0)
    corners = [(dw, db) for db in (-1, 1) for dw in (-1, 1)]
    return Preset(
        {},
        [{"w_init": base.w_target + dw * reach, "b_init": base.b_target + db * reach} for dw, db in corners],
    )


RACE_PRESETS: dict[str, Callable[[RegressionConfig], Preset]] = {
    "Optimizers": optimizers,
    "Learning rates": learning_rates,
    "Batch sizes": batch_sizes,
    "Losses": losses,
    "Starting points": starting_points,
}
