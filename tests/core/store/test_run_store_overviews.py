"""RunStore.chart_overviews on both backends: written with each save, dropped by an append, carried by a rename,
deleted with the run, built and kept on a first read (older stores), and still returned while another writer holds
the store."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import core.store.run_store as store_module
from core.store.chart_overview import CHART_POINTS, overview_of
from core.store.run_store import RunNotFound, RunStore, StoreError
from core.store.schema import SCHEMA_VERSION
from tests.core.store.conftest import RawDatabase

SYNTHETIC = {"w_target": 5.0, "b_target": 3.0}


def columns(n: int, start: int = 0, seed: int = 0) -> dict[str, np.ndarray]:
    """A run settling on w = 5, b = 3 (noise and one NaN), steps start..start+n-1."""
    rng = np.random.default_rng(seed)
    step = np.arange(start, start + n)
    fade = np.exp(-step / 200)
    w = 5.0 - 5.0 * fade + rng.normal(0, 1e-3, n)
    w[n // 3 : n // 3 + 1] = np.nan
    return {"step": step, "epoch": step // 100, "w": w, "b": 3.0 - 3.0 * fade, "loss": fade**2}


def fresh(store: RunStore, run_id: int):
    """The overview built from the run's stored points now (what the Compare page computed before)."""
    run = store.get_run(run_id)
    return overview_of(store.points(run_id), run["config"], run["converged_step"])


def assert_same(got, expected) -> None:
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    assert (got.converged_step, got.n_points) == (expected.converged_step, expected.n_points)


def overview_row(raw: RawDatabase, run_id: int) -> tuple | None:
    row = raw.execute("SELECT updated_at, n_points FROM run_overviews WHERE run_id = ?", (run_id,)).fetchone()
    return None if row is None else tuple(row)


def updated_at(raw: RawDatabase, run_id: int) -> str:
    return raw.scalar("SELECT updated_at FROM runs WHERE id = ?", (run_id,))


def counting_reads(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The run ids whose points the store reads from now on."""
    read: list[int] = []
    backend = store._backend
    real: Callable = backend.read_points

    def read_points(run_id: int) -> np.ndarray:
        read.append(run_id)
        return real(run_id)

    monkeypatch.setattr(backend, "read_points", read_points)
    return read


def test_a_save_writes_a_valid_overview_that_reads_without_the_points(
    store: RunStore, raw: RawDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = store.save_run(config=SYNTHETIC, status="done", **columns(1))
    long = store.save_run(config=SYNTHETIC, status="done", **columns(5000))
    empty = store.save_run(config=SYNTHETIC, status="paused", **columns(0))
    for run_id, n in ((short, 1), (long, 5000), (empty, 0)):
        assert overview_row(raw, run_id) == (updated_at(raw, run_id), n)
    expected = {run_id: fresh(store, run_id) for run_id in (short, long, empty)}
    read = counting_reads(store, monkeypatch)
    got = store.chart_overviews([long, {"id": short}, empty, long])
    assert read == [] and list(got) == [long, short, empty]
    for run_id in got:
        assert_same(got[run_id], expected[run_id])
    assert len(got[long].frame) <= CHART_POINTS and got[long].converged_step is not None
    assert np.isnan(got[long].frame["w"]).sum() == 1


def test_a_sweep_saves_every_run_s_overview_in_its_transaction(store: RunStore, raw: RawDatabase) -> None:
    ids = store.save_runs([{"config": SYNTHETIC, "status": "done", **columns(2001, seed=seed)} for seed in range(3)])
    assert raw.scalar("SELECT count(*) FROM run_overviews") == 3
    assert len({updated_at(raw, run_id) for run_id in ids}) == 1  # one transaction, one time
    assert all(overview_row(raw, run_id) == (updated_at(raw, run_id), 2001) for run_id in ids)


def test_a_replace_writes_the_new_points_overview(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="paused", **columns(3000))
    store.save_run(run_id=run_id, config={"data_source": "outliers"}, status="done", converged_step=7, **columns(50))
    assert overview_row(raw, run_id) == (updated_at(raw, run_id), 50)
    (got,) = store.chart_overviews([run_id]).values()
    assert_same(got, fresh(store, run_id))
    assert got.converged_step == 7 and len(got.frame) == 50


def test_an_append_drops_the_overview_and_the_next_read_builds_and_keeps_it(
    store: RunStore, raw: RawDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="paused", **columns(3000))
    read = counting_reads(store, monkeypatch)
    store.append_run(run_id, config=SYNTHETIC, status="done", **columns(2000, start=3000))
    assert read == [] and overview_row(raw, run_id) is None  # the append never reads the points back
    got = store.chart_overviews([run_id])[run_id]
    assert read == [run_id] and got.n_points == 5000
    assert_same(got, fresh(store, run_id))
    assert overview_row(raw, run_id) == (updated_at(raw, run_id), 5000)
    assert_same(store.chart_overviews([run_id])[run_id], got)
    assert read == [run_id, run_id]  # fresh() read them; chart_overviews did not


def test_a_rename_tags_or_notes_carry_the_overview_to_the_new_version(
    store: RunStore, raw: RawDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(3000))
    expected = fresh(store, run_id)
    read = counting_reads(store, monkeypatch)
    for change in (lambda: store.rename(run_id, "renamed"), lambda: store.set_tags(run_id, ["a"])):
        before = updated_at(raw, run_id)
        change()
        assert updated_at(raw, run_id) != before
        assert overview_row(raw, run_id) == (updated_at(raw, run_id), 3000)
    store.set_notes(run_id, "notes")
    assert_same(store.chart_overviews([run_id])[run_id], expected)
    assert read == []


def test_a_rename_never_revives_a_stale_overview(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(100))
    raw.execute("UPDATE run_overviews SET updated_at = 'older' WHERE run_id = ?", (run_id,))
    store.rename(run_id, "renamed")
    assert overview_row(raw, run_id) == ("older", 100)
    store.chart_overviews([run_id])
    assert overview_row(raw, run_id) == (updated_at(raw, run_id), 100)


def test_a_stale_overview_is_never_returned(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(100))
    # Points changed behind the overview's back, as an older Tapestream's save would leave them.
    raw.execute("DELETE FROM points WHERE run_id = ? AND step >= 10", (run_id,))
    raw.execute("UPDATE runs SET updated_at = 'later' WHERE id = ?", (run_id,))
    got = store.chart_overviews([run_id])[run_id]
    assert got.n_points == 10 and got.frame["step"].tolist() == list(range(10))


def test_a_write_back_for_an_older_version_leaves_a_newer_save_alone(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(100))
    old_version, old = updated_at(raw, run_id), fresh(store, run_id)
    store.save_run(run_id=run_id, config=SYNTHETIC, status="done", **columns(30))
    store._keep_overviews({run_id: (old_version, old)})  # a read that began before the save ends after it
    assert overview_row(raw, run_id) == (updated_at(raw, run_id), 30)


def test_delete_removes_the_overview(store: RunStore, raw: RawDatabase) -> None:
    keep = store.save_run(config=SYNTHETIC, status="done", **columns(10))
    gone = store.save_run(config=SYNTHETIC, status="done", **columns(10))
    store.delete(gone)
    assert overview_row(raw, gone) is None and overview_row(raw, keep) is not None


def test_unknown_and_bad_ids_are_refused(store: RunStore) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(10))
    with pytest.raises(RunNotFound):
        store.chart_overviews([run_id, run_id + 1])
    for bad in (0, -1, "1", 1.5, True):
        with pytest.raises(StoreError, match="run id .* is not allowed"):
            store.chart_overviews([bad])
    assert store.chart_overviews([]) == {}


def test_more_runs_than_one_query_holds_are_read_in_chunks(
    store: RunStore, raw: RawDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "IDS_PER_QUERY", 2)
    ids = store.save_runs([{"config": SYNTHETIC, "status": "done", **columns(5, seed=seed)} for seed in range(5)])
    raw.execute("DELETE FROM run_overviews WHERE run_id = ?", (ids[1],))
    got = store.chart_overviews(ids)
    assert list(got) == ids and all(got[run_id].n_points == 5 for run_id in ids)
    assert raw.scalar("SELECT count(*) FROM run_overviews") == 5


def version_4_store(location: str) -> list[int]:
    """A store as Tapestream wrote it before run_overviews, with two runs saved by hand; returns their ids."""
    raw = RawDatabase(location)
    raw.migrate_to(4)
    for run_id, n in ((3, 2001), (8, 7)):
        raw.execute(
            "INSERT INTO runs (id, name, created_at, updated_at, status, config, steps) "
            "VALUES (?, 'old', '2025-01-01', '2025-01-02', 'done', ?, ?)",
            (run_id, '{"w_target": 5.0, "b_target": 3.0}', n - 1),
        )
        points = columns(n, seed=run_id)
        for row in zip(*(points[name].tolist() for name in ("step", "epoch", "w", "b", "loss"))):
            raw.execute("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?)", (run_id, *row))
    raw.close()
    return [3, 8]


def test_a_version_4_store_migrates_and_backfills_on_its_first_read(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = version_4_store(location)
    with RunStore(location) as store, RawDatabase(location) as raw:
        assert raw.scalar("SELECT count(*) FROM run_overviews") == 0 and SCHEMA_VERSION == 5
        expected = {run_id: fresh(store, run_id) for run_id in ids}
        read = counting_reads(store, monkeypatch)
        first = store.chart_overviews(ids)
        assert sorted(read) == ids
        assert [overview_row(raw, run_id) for run_id in ids] == [("2025-01-02", 2001), ("2025-01-02", 7)]
        second = store.chart_overviews(ids)
        assert sorted(read) == ids  # the second read comes from run_overviews
        for run_id in ids:
            assert_same(first[run_id], expected[run_id])
            assert_same(second[run_id], expected[run_id])
        assert first[3].converged_step is not None and len(first[3].frame) <= CHART_POINTS


def hold_the_write_lock(raw: RawDatabase) -> None:
    if raw.postgres:
        from core.store.backends.postgres_backend import WRITE_LOCK_KEY

        raw.execute("BEGIN")
        raw.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    else:
        raw.execute("BEGIN IMMEDIATE")


def test_a_store_held_by_another_writer_still_returns_overviews_at_once(store: RunStore, location: str) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="paused", **columns(3000))
    store.append_run(run_id, config=SYNTHETIC, status="done", **columns(10, start=3000))
    expected = fresh(store, run_id)
    with RawDatabase(location) as holder:
        hold_the_write_lock(holder)
        started = time.monotonic()
        got = store.chart_overviews([run_id])[run_id]
        waited = time.monotonic() - started
        holder.execute("ROLLBACK")
    assert waited < 10 < store_module.LOCK_TIMEOUT_S  # the short lock timeout, not the 30 s one
    assert_same(got, expected)
    with RawDatabase(location) as raw:
        assert overview_row(raw, run_id) is None  # not kept: the write gave up
        store.chart_overviews([run_id])
        assert overview_row(raw, run_id) == (updated_at(raw, run_id), 3010)
    store.rename(run_id, "the store's writes work again")


def test_a_damaged_overview_is_built_again(store: RunStore, raw: RawDatabase) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(3000))
    expected = fresh(store, run_id)
    raw.execute("UPDATE run_overviews SET chart = ? WHERE run_id = ?", (b"\x00" * 41, run_id))
    assert_same(store.chart_overviews([run_id])[run_id], expected)
    assert raw.scalar("SELECT length(chart) FROM run_overviews WHERE run_id = ?", (run_id,)) == 40 * len(expected.frame)


def test_a_store_that_refuses_the_write_back_still_returns_the_overviews(tmp_path) -> None:
    path = tmp_path / "runs.sqlite3"
    with RunStore(path) as store, RawDatabase(str(path)) as raw:
        run_id = store.save_run(config=SYNTHETIC, status="paused", **columns(300))
        store.append_run(run_id, config=SYNTHETIC, status="done", **columns(10, start=300))
        raw.execute(  # as a read-only file would: every write of an overview fails
            "CREATE TRIGGER no_overviews BEFORE INSERT ON run_overviews "
            "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END"
        )
        got = store.chart_overviews([run_id])[run_id]
        assert_same(got, fresh(store, run_id))
        assert got.n_points == 310 and overview_row(raw, run_id) is None
        store.rename(run_id, "other writes still work")


@pytest.mark.parametrize("n", [0, 1, 2000, 2001, 100_000])
def test_each_run_length_round_trips_through_the_store(
    store: RunStore, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = store.save_run(config=SYNTHETIC, status="done", **columns(n, seed=n))
    expected = fresh(store, run_id)
    read = counting_reads(store, monkeypatch)
    got = store.chart_overviews([run_id])[run_id]
    assert read == [] and got.n_points == n and len(got.frame) == min(n, len(expected.frame))
    assert_same(got, expected)
    assert got.frame["w"].isna().sum() == (1 if n else 0)
