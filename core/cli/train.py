"""The ``python -m core train`` command: one regression run, headless, with its summary line, CSV and save."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from core.cli.args import add_config_flags, check_backend, config_from_args, fail
from core.regression.fields import BACKEND_NAMES, DEFAULT_BACKEND


def register(commands: Any) -> None:
    """Add the ``train`` sub-command to the CLI's sub-parsers."""
    train = commands.add_parser("train", help="train one regression run")
    add_config_flags(train)
    train.add_argument("--backend", default=DEFAULT_BACKEND, help=f"one of {', '.join(BACKEND_NAMES)}")
    train.add_argument("--csv", metavar="PATH", help="write the trace (step, epoch, w, b, loss) as CSV")
    train.add_argument("--save", action="store_true", help="save the run in the run store")
    train.add_argument("--name", help="name of the saved run")
    train.set_defaults(handler=cmd_train)


def open_output(path: str | None) -> TextIO | None:
    """Open a file for writing up front so a bad path fails before any work (exit 2)."""
    if path is None:
        return None
    try:
        return open(path, "w", newline="", encoding="utf-8")
    except OSError as error:
        fail(f"--csv={path!r} cannot be written: {error.strerror or error}")


def summary_line(trainer: Any, seconds: float) -> str:
    """The one-line result of a run."""
    last = trainer.trace.iloc[-1]
    line = (
        f"status={trainer.status} steps={trainer.steps_done} w={last.w:.6f} b={last.b:.6f} "
        f"loss={last.loss:.6g} seconds={seconds:.3f} backend={trainer.backend}"
    )
    return line + (f" message={trainer.message!r}" if trainer.message else "")


def cmd_train(args: argparse.Namespace) -> int:
    """Train one run headless and print its summary."""
    config = config_from_args(args)
    backend = check_backend(args.backend)
    output = open_output(args.csv)
    from core.regression.trainer import Trainer

    started = time.perf_counter()
    trainer = Trainer(config, backend=backend)
    trainer.run()
    seconds = time.perf_counter() - started
    if output is not None:
        with output:
            trainer.trace.to_csv(output, index=False)
    if args.save:
        from core.store.run_saving import save_trainer

        run_id = save_trainer(trainer, name=args.name)
        print(f"saved run {run_id}", file=sys.stderr)
    print(summary_line(trainer, seconds))
    return 0
