"""Lanes of a race against the same configs run one at a time, with mid-run changes and one lane diverging."""

from __future__ import annotations

import numpy as np
import pytest

import core.race.lane_chunks as lane_chunks
from core.race.lane_specs import LaneSpec
from core.race.presets import RACE_PRESETS
from core.race.race import Race
from core.regression.config import ConfigError, RegressionConfig
from core.regression.trainer import Trainer

BASE = RegressionConfig(n_samples=200, epochs=3)
TICKS = [1, 37, 64, 100, 5, 300]


def solo(config: RegressionConfig, ticks: list[int], changes: dict[int, dict] | None = None) -> Trainer:
    """The reference: one compiled Trainer stepped tick by tick, with changes made before the given tick."""
    trainer = Trainer(config)
    for number, n in enumerate(ticks):
        if changes and number in changes:
            trainer.update(**changes[number])
        trainer.step(n)
    return trainer


def assert_same(lane: Trainer, reference: Trainer, exact: bool) -> None:
    ours, theirs = lane.trace, reference.trace
    assert len(ours) == len(theirs)
    assert (ours["step"].to_numpy() == theirs["step"].to_numpy()).all()
    for name in ("w", "b", "loss"):
        if exact:
            np.testing.assert_array_equal(ours[name].to_numpy(), theirs[name].to_numpy())
        else:
            np.testing.assert_allclose(ours[name].to_numpy(), theirs[name].to_numpy(), rtol=0, atol=1e-6)
    assert lane.status == reference.status
    assert lane.message == reference.message
    assert lane.events == reference.events


def race_of(preset: str, base: RegressionConfig = BASE) -> Race:
    shared, lanes = RACE_PRESETS[preset](base)
    return Race(base.replace(**shared), [LaneSpec(overrides) for overrides in lanes])


@pytest.mark.parametrize("preset", list(RACE_PRESETS))
def test_every_preset_matches_one_at_a_time_runs(preset):
    race = race_of(preset)
    for n in TICKS:
        race.advance(n)
    for lane in race.lanes:
        reference = solo(lane.initial_config, TICKS)
        sgd_per_sample = lane.config.optimizer == "sgd" and lane.config.batch_size == 1
        assert_same(lane, reference, exact=sgd_per_sample)
        assert lane.steps_done == min(sum(TICKS), lane.config.total_steps)


def test_sgd_per_sample_lane_is_bit_identical_and_the_tutorial_default_moves():
    race = race_of("Optimizers", RegressionConfig())
    for n in (500, 1500):
        race.advance(n)
    sgd = race.lanes[0]
    assert sgd.label == "sgd" and sgd.steps_done == 2000 and sgd.status == "done"
    assert_same(sgd, solo(RegressionConfig(), [500, 1500]), exact=True)
    assert abs(sgd.w - 5) < 0.01 and abs(sgd.b - 3) < 0.01


def test_a_change_to_one_lane_applies_to_that_lane_only_and_matches_a_solo_run_changed_the_same_way():
    race = race_of("Optimizers")
    race.advance(100)
    events = race.update_lane(4, learning_rate=0.1)
    assert [(e.step, e.field, e.old, e.new) for e in events] == [(100, "learning_rate", 0.01, 0.1)]
    race.advance(250)
    adam = race.lanes[4]
    assert adam.label == "adam, lr 0.1"
    assert race.specs[4].overrides == {"optimizer": "adam", "learning_rate": 0.1}
    changed = solo(BASE.replace(optimizer="adam"), [100, 250], {1: {"learning_rate": 0.1}})
    assert_same(adam, changed, exact=False)
    for index, lane in enumerate(race.lanes):
        if index != 4:
            assert lane.events == [] and lane.config.learning_rate == 0.01
            assert_same(lane, solo(lane.initial_config, [100, 250]), exact=lane.config.optimizer == "sgd")


def test_a_lane_that_changes_optimizer_moves_to_another_group_and_still_matches():
    race = race_of("Learning rates")
    race.advance(80)
    race.update_lane(1, optimizer="momentum", batch_size=8)
    race.advance(120)
    reference = solo(BASE.replace(learning_rate=0.01), [80, 120], {1: {"optimizer": "momentum", "batch_size": 8}})
    assert_same(race.lanes[1], reference, exact=False)


def test_one_lane_diverging_stops_alone_with_its_reason_while_the_others_go_on():
    race = Race(
        BASE, [LaneSpec({"learning_rate": 0.01}), LaneSpec({"learning_rate": 5.0}), LaneSpec({"optimizer": "adam"})]
    )
    for n in TICKS:
        race.advance(n)
    wild = race.lanes[1]
    assert wild.status == "diverged" and wild.message.startswith("Diverged at step")
    assert_same(wild, solo(BASE.replace(learning_rate=5.0), TICKS), exact=True)
    for lane in (race.lanes[0], race.lanes[2]):
        assert lane.status == "running" and lane.steps_done == sum(TICKS)
        assert_same(lane, solo(lane.initial_config, TICKS), exact=lane.config.optimizer == "sgd")
    assert race.status == "running"
    race.update_lane(1, learning_rate=0.01)  # a changed diverged lane runs again, as a single run does
    assert wild.status == "running"


def test_all_batched_lanes_advance_in_one_compiled_call_per_chunk(monkeypatch):
    calls = []
    real = lane_chunks.packed_chunk

    def counted(spans):
        calls.append(spans)
        return real(spans)

    monkeypatch.setattr(lane_chunks, "packed_chunk", counted)
    race = race_of("Optimizers")
    race.advance(50)
    assert len(calls) == 1 and len(calls[0]) == 6  # six (optimizer, loss, batch) groups, one call
    assert all(lane.steps_done == 50 for lane in race.lanes)


def test_eager_and_converging_lanes_step_alone_and_still_keep_pace():
    race = Race(BASE, [LaneSpec(), LaneSpec({"stop_when_converged": True}), LaneSpec({}, "", "eager")])
    race.advance(30)
    assert [lane.steps_done for lane in race.lanes] == [30, 30, 30]
    np.testing.assert_allclose(race.lanes[2].trace["w"], race.lanes[0].trace["w"], atol=1e-6)


def test_a_shared_change_reaches_every_lane_and_a_lane_field_spares_the_lanes_that_set_it():
    race = race_of("Learning rates")
    race.advance(10)
    race.update_shared(w_target=-2.0)
    assert all(lane.config.w_target == -2.0 for lane in race.lanes)
    assert len({lane.data_version for lane in race.lanes}) == 1
    race.update_shared(optimizer="adam", learning_rate=0.3)
    assert [lane.config.learning_rate for lane in race.lanes] == [0.001, 0.01, 0.1, 0.5]
    assert all(lane.config.optimizer == "adam" for lane in race.lanes)


def test_lane_rules_refuse_shared_fields_too_many_lanes_and_bad_indices():
    race = Race(BASE)
    assert [lane.label for lane in race.lanes] == ["sgd"]
    with pytest.raises(ConfigError, match="shared by every lane"):
        race.update_lane(0, n_samples=50)
    with pytest.raises(ConfigError, match="lane number"):
        race.update_lane(3, learning_rate=0.1)
    for rate in (0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08):
        race.add_lane(LaneSpec({"learning_rate": rate}))
    with pytest.raises(ConfigError, match="at most 8"):
        race.add_lane(LaneSpec())
    assert race.lanes[1].label == "lr 0.02"
    assert race.relabel(1, "  slow   one ") == "slow one"
    race.remove_lane(0)
    assert len(race.lanes) == 7 and race.lanes[0].label == "slow one"


def test_reset_starts_every_lane_again_with_its_settings():
    race = race_of("Batch sizes")
    race.advance(40)
    race.update_lane(0, learning_rate=0.02)
    race.reset()
    assert all(lane.steps_done == 0 and lane.events == [] for lane in race.lanes)
    assert race.lanes[0].config.learning_rate == 0.02
    assert [lane.label for lane in race.lanes] == ["batch 1, lr 0.02", "batch 32", "batch full"]


def test_each_lane_has_its_own_steps_per_second_over_the_time_spent_on_it():
    specs = [LaneSpec({"optimizer": "sgd"}), LaneSpec({"optimizer": "adam"}), LaneSpec({}, "", "eager")]
    race = Race(BASE, specs)
    race.advance(16)  # compiles the packed call
    race.advance(64)
    packed, eager = race.rates[:2], race.rates[2]
    assert packed[0] == packed[1] > 0  # one packed call trained both: they share its time
    assert 0 < eager < packed[0] / 3, race.rates  # the eager lane's steps, one by one, at its own rate
