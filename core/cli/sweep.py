"""The ``python -m core sweep`` command: a grid of configs from comma lists, trained together, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from core.cli.args import add_config_flags, argument_type, fail, given_fields, strict_list
from core.cli.store_access import checked_run_name, store_problems_reported
from core.regression.config import RegressionConfig
from core.regression.fields import flag_name
from core.regression.value_text import value_text
from core.sweep.grid import check_sweep, grid
from core.sweep.saving import final_mean_losses, label, save_sweep, varied_fields


def register(commands: Any) -> None:
    """Add the ``sweep`` sub-command to the CLI's sub-parsers."""
    sweep = commands.add_parser(
        "sweep",
        help="train a grid of configs together in one compiled loop",
        description="Every flag takes a comma list (e.g. --lr 0.001,0.01,0.1); the sweep runs every combination.",
    )
    add_config_flags(sweep, as_lists=True)
    seeds = argument_type(lambda text: strict_list("seed", text))
    sweep.add_argument("--seeds", type=seeds, help="alias of --seed")
    sweep.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    sweep.add_argument("--save", action="store_true", help="save every run in the run store under one sweep id")
    sweep.add_argument("--name", help="prefix of the saved runs' names (default 'sweep'; needs --save)")
    sweep.add_argument("--db", metavar="PATH", help="run database (default: $TAPESTREAM_DB or ./tapestream.sqlite3)")
    sweep.add_argument("--tensorboard", metavar="LOGDIR", help="also write every run as TensorBoard event files")
    sweep.set_defaults(handler=cmd_sweep)


def sweep_values(args: argparse.Namespace) -> dict[str, list]:
    """The swept fields and their values from the parsed flags."""
    if args.seeds is not None and args.seed is not None:
        fail("give --seed or --seeds, not both")
    values = given_fields(args)
    if args.seeds is not None:
        values["seed"] = args.seeds
    return values


def summary(index: int, run: Any, mean_loss: float) -> dict[str, Any]:
    """One run's result as plain data: loss is the mean over its data at the end, step_loss the last step's."""
    final = run.final
    return {
        "index": index,
        "config": run.config.to_dict(),
        "status": run.status,
        "message": run.message,
        "steps": int(final["step"]),
        "w": final["w"],
        "b": final["b"],
        "loss": mean_loss,
        "step_loss": final["loss"],
        "steps_to_converge": run.steps_to_converge,
        "run_id": None,
    }


def table(rows: list[dict[str, Any]], configs: list[RegressionConfig], fields: list[str]) -> list[str]:
    """Aligned lines: index, the varied fields, status, steps, final w, b, loss and steps to converge."""
    header = ("#", *(flag_name(field).upper() for field in fields), "STATUS", "STEPS", "W", "B")
    header += ("DATA LOSS", "STEP LOSS", "CONVERGED AT")
    lines = [header] + [
        (
            str(row["index"]),
            *(value_text(getattr(config, field)) for field in fields),
            row["status"],
            str(row["steps"]),
            f"{row['w']:.6g}",
            f"{row['b']:.6g}",
            f"{row['loss']:.6g}",
            f"{row['step_loss']:.6g}",
            "-" if row["steps_to_converge"] is None else str(row["steps_to_converge"]),
        )
        for row, config in zip(rows, configs)
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]


def cmd_sweep(args: argparse.Namespace) -> int:
    """Build the grid, train it, print the table (and JSON), and save or export it if asked."""
    values = sweep_values(args)
    configs = grid(RegressionConfig(), **values)
    check_sweep(configs)
    check_run_names(args, configs, varied_fields(configs, list(values)))
    if args.tensorboard:
        _check_logdir(args.tensorboard)
    store = _open_store(args.db) if args.save else None
    started = time.perf_counter()
    from core.sweep.runner import run_sweep  # TensorFlow loads only once the sweep is checked

    runs = run_sweep(configs)
    seconds = time.perf_counter() - started
    fields = varied_fields(configs, list(values))
    losses = final_mean_losses(runs)
    rows = [summary(index, run, loss) for index, (run, loss) in enumerate(zip(runs, losses), start=1)]
    sweep_id = None
    if store is not None:
        with store:
            sweep_id = _save(store, runs, rows, fields, args.name)
        print(f"saved sweep {sweep_id}: runs {rows[0]['run_id']}..{rows[-1]['run_id']}", file=sys.stderr)
    if args.tensorboard:
        _export(args.tensorboard, runs, rows, fields)
    print("\n".join(table(rows, configs, fields)))
    print(f"{len(runs)} runs in {seconds:.3f} s", file=sys.stderr)
    if args.json:
        from core.store.json_values import finite

        print(json.dumps(finite({"sweep_id": sweep_id, "seconds": seconds, "fields": fields, "runs": rows})))
    return 0


def check_run_names(args: argparse.Namespace, configs: list[RegressionConfig], fields: list[str]) -> None:
    """Before any work: --name needs --save, and each saved name ("NAME lr=0.1 ...") must be one the store keeps."""
    if args.name is None:
        return
    if not args.save:
        fail("--name needs --save (it prefixes the saved runs' names)")
    longest = max((saved_name(args.name, config, fields) for config in configs), key=len)
    checked_run_name("--name", longest)


def saved_name(name: str | None, config: RegressionConfig, fields: list[str]) -> str:
    """The name a sweep run is saved under, as core.sweep.saving.save_sweep gives it."""
    return f"{name or 'sweep'} {label(config, fields)}".strip()


def _check_logdir(logdir: str) -> None:
    try:
        from core.store.tensorboard_events import writable_logdir
    except ModuleNotFoundError as error:
        fail(f"--tensorboard needs the {error.name} package (pip install tensorboard)")
    try:
        writable_logdir(logdir)
    except ValueError as error:
        fail(f"--tensorboard: {error}")


def _open_store(path: str | None) -> Any:
    from core.store.run_store import RunStore

    with store_problems_reported():
        return RunStore(path)


def _save(store: Any, runs: list, rows: list[dict[str, Any]], fields: list[str], name: str | None) -> str:
    with store_problems_reported():
        sweep_id, run_ids = save_sweep(store, runs, fields, name)
    for row, run_id in zip(rows, run_ids):
        row["run_id"] = run_id
    return sweep_id


def _export(logdir: str, runs: list, rows: list[dict[str, Any]], fields: list[str]) -> None:
    from core.store.tensorboard_events import export_runs

    exported = [
        {
            "id": row["run_id"] or row["index"],
            "name": label(run.config, fields),
            "config": row["config"],
            "points": run.trace,
        }
        for run, row in zip(runs, rows)
    ]
    directories = export_runs(exported, logdir)
    print(f"wrote {len(directories)} TensorBoard runs under {logdir}", file=sys.stderr)
