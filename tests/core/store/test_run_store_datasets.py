"""Runs that carry their data: data sets stored once per hash on both backends, and a saved run reproduced from them."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.config import RegressionConfig
from core.regression.dataset import Dataset
from core.regression.trainer import Trainer
from core.store.run_saving import save_trainer
from core.store.run_store import RunStore
from core.store.schema import SCHEMA_VERSION
from tests.core.store.conftest import RawDatabase


def data(seed: int = 0, rows: int = 120) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, rows)
    return Dataset.of(x, 1.5 * x - 0.5 + rng.normal(0, 0.2, rows), "dose", "effect", f"trial{seed}.csv")


def uploaded_trainer(dataset: Dataset, **changes) -> Trainer:
    config = RegressionConfig(data_source="csv", data_hash=dataset.hash, n_samples=len(dataset), **changes)
    return Trainer(config, datasets={dataset.hash: dataset})


def test_a_run_on_own_data_round_trips_with_its_data_set(store: RunStore) -> None:
    dataset = data()
    trainer = uploaded_trainer(dataset, epochs=5)
    trainer.run()
    run_id = save_trainer(trainer, store=store)
    run = store.get_run(run_id)
    assert run["config"]["data_hash"] == dataset.hash and run["converged_step"] == trainer.converged_step
    back = store.dataset(run["config"]["data_hash"])
    assert back is not None and back.hash == dataset.hash
    assert (back.x == dataset.x).all() and (back.y == dataset.y).all()
    assert (back.x_name, back.y_name, back.name) == ("dose", "effect", "trial0.csv")
    again = Trainer(RegressionConfig.from_dict(run["config"]), datasets={back.hash: back})
    again.run()
    stored = store.points(run_id)
    assert np.array_equal(stored["w"].to_numpy(), again.trace["w"].to_numpy())


def test_data_sets_are_kept_once_per_hash(store: RunStore) -> None:
    first, second = data(0), data(1)
    for dataset, lr in ((first, 0.01), (first, 0.02), (second, 0.01)):
        trainer = uploaded_trainer(dataset, learning_rate=lr)
        trainer.step(50)
        save_trainer(trainer, store=store)
    copy = Dataset.of(first.x, first.y, "other", "names")  # same numbers, same hash: not stored again
    assert store.save_dataset(copy) == first.hash
    assert store.dataset_count() == 2 and len(store.list_runs()) == 3
    assert store.dataset(first.hash).x_name == "dose"  # the first save's names stay
    assert store.dataset("0123456789abcdef") is None


def test_a_mid_run_switch_keeps_both_data_sets_and_later_saves_append(store: RunStore) -> None:
    first, second = data(0), data(2, rows=80)
    trainer = Trainer(
        RegressionConfig(data_source="csv", data_hash=first.hash, n_samples=120),
        datasets={first.hash: first, second.hash: second},
    )
    trainer.step(30)
    run_id = save_trainer(trainer, store=store)
    trainer.update(data_hash=second.hash, n_samples=80)
    trainer.step(30)
    assert save_trainer(trainer, run_id=run_id, store=store) == run_id
    assert store.dataset_count() == 2 and len(store.points(run_id)) == 61


def test_generated_data_stores_no_data_set_and_the_converged_step(store: RunStore) -> None:
    trainer = Trainer(RegressionConfig())
    trainer.run()
    run = store.get_run(save_trainer(trainer, store=store))
    assert run["converged_step"] == 292 and store.dataset_count() == 0


def test_version_3_stores_migrate_to_4_on_both_backends(location: str) -> None:
    assert SCHEMA_VERSION >= 4  # version 3 stores migrate through 4 to the current one
    raw = RawDatabase(location)
    raw.migrate_to(3)
    raw.execute(
        "INSERT INTO runs (name, created_at, updated_at, status, config) VALUES ('old', 't', 't', 'done', '{}')"
    )
    raw.close()
    with RunStore(location) as store:
        (run,) = store.list_runs()
        assert run["name"] == "old" and run["converged_step"] is None
        assert store.save_dataset(data()) == data().hash and store.dataset_count() == 1


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_bad_converged_step_is_refused(store: RunStore, bad) -> None:
    from core.store.store_errors import StoreError

    with pytest.raises(StoreError, match="converged_step"):
        store.save_run(config={}, status="done", step=[0], epoch=[0], w=[0], b=[0], loss=[0], converged_step=bad)
