"""The ``python -m core train`` command: one regression run, headless, with its summary line, CSV and save."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from core.cli.args import add_config_flags, check_backend, fail
from core.cli.data_flags import add_data_flags, config_and_data
from core.cli.store_access import checked_run_name, store_problems_reported
from core.regression.fields import BACKEND_NAMES, DEFAULT_BACKEND
from core.store.run_saving import final_mean_loss, save_trainer

DIVERGED_EXIT = 1


def register(commands: Any) -> None:
    """Add the ``train`` sub-command to the CLI's sub-parsers."""
    train = commands.add_parser(
        "train",
        help="train one regression run",
        description="Exit codes: 0 done, 1 diverged or the save failed, 2 bad arguments.",
    )
    add_config_flags(train)
    add_data_flags(train)
    train.add_argument("--backend", default=DEFAULT_BACKEND, help=f"one of {', '.join(BACKEND_NAMES)}")
    train.add_argument("--csv", metavar="PATH", help="write the trace (step, epoch, w, b, loss) as CSV")
    train.add_argument("--save", action="store_true", help="save the run in the run store ($TAPESTREAM_DB)")
    train.add_argument("--name", help="name of the saved run (needs --save)")
    train.set_defaults(handler=cmd_train)


def open_output(path: str | None) -> TextIO | None:
    """Open a file for writing up front so a bad path fails before any work (exit 2)."""
    if path is None:
        return None
    try:
        return open(path, "w", newline="", encoding="utf-8")
    except OSError as error:
        fail(f"--csv={path!r} cannot be written: {error.strerror or error}")


def checked_name(args: argparse.Namespace) -> str | None:
    """The run's name, checked before any work: --name needs --save and must be a name the store keeps."""
    if args.name is None:
        return None
    if not args.save:
        fail("--name needs --save (the name is given to the saved run)")
    return checked_run_name("--name", args.name)


def summary_line(trainer: Any, seconds: float) -> str:
    """The one-line result: loss is the mean over all the data at the final w, b, step_loss the last step's own."""
    last = trainer.trace.iloc[-1]
    line = (
        f"status={trainer.status} steps={trainer.steps_done} w={last.w:.6f} b={last.b:.6f} "
        f"loss={final_mean_loss(trainer):.6g} step_loss={last.loss:.6g} seconds={seconds:.3f} "
        f"backend={trainer.backend}"
    )
    return line + (f" message={trainer.message!r}" if trainer.message else "")


def save_run(trainer: Any, name: str | None) -> int:
    """Save the run in the run store; a store problem is one line on stderr and exit 1."""
    with store_problems_reported():
        run_id = save_trainer(trainer, name=name)
    print(f"saved run {run_id}", file=sys.stderr)
    return run_id


def cmd_train(args: argparse.Namespace) -> int:
    """Train one run headless, write its CSV, print its summary, then save it; exit 1 if it diverged."""
    config, datasets = config_and_data(args)
    backend = check_backend(args.backend)
    name = checked_name(args)
    output = open_output(args.csv)
    from core.regression.trainer import Trainer

    started = time.perf_counter()
    trainer = Trainer(config, backend=backend, datasets=datasets)
    trainer.run()
    seconds = time.perf_counter() - started
    if output is not None:
        with output:
            trainer.trace.to_csv(output, index=False)
    print(summary_line(trainer, seconds), flush=True)
    if args.save:
        save_run(trainer, name)
    if trainer.status == "diverged":
        print(f"error: the run diverged: {trainer.message}", file=sys.stderr)
        return DIVERGED_EXIT
    return 0
