"""The ``python -m core inspect --step K`` command: the record of one update step of the configured run."""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.cli.args import add_config_flags, check_backend, config_from_args, fail
from core.regression.fields import BACKEND_NAMES, DEFAULT_BACKEND

RECORD_KEYS = (
    "step",
    "x",
    "y",
    "prediction",
    "loss",
    "grad_w",
    "grad_b",
    "grad_w_closed_form",
    "grad_b_closed_form",
    "w_before",
    "b_before",
    "w_after",
    "b_after",
    "slots_before",
    "slots_after",
)


def register(commands: Any) -> None:
    """Add the ``inspect`` sub-command to the CLI's sub-parsers."""
    inspect = commands.add_parser(
        "inspect",
        help="replay one update step of a run: sample, forward pass, tape gradients, update",
        description="Trains the configured run up to step K, then replays step K exactly. Exit codes: 0, 2 bad "
        "arguments (a step out of range too).",
    )
    inspect.add_argument("--step", required=True, type=int, metavar="K", help="the update step, 1 to the total steps")
    add_config_flags(inspect)
    inspect.add_argument("--backend", default=DEFAULT_BACKEND, help=f"one of {', '.join(BACKEND_NAMES)}")
    inspect.add_argument("--json", action="store_true", help="print the record as one JSON object")
    inspect.set_defaults(handler=cmd_inspect)


def text_report(record: dict[str, Any]) -> str:
    """The record as lines a person reads: the numbers, the update rule and the loop body."""
    lines = [f"{key}={json.dumps(record[key], ensure_ascii=False)}" for key in RECORD_KEYS]
    return "\n".join([*lines, "", *record["update"], "", record["code"]])


def cmd_inspect(args: argparse.Namespace) -> int:
    """Train up to --step, replay that step, print its record."""
    config = config_from_args(args)
    backend = check_backend(args.backend)
    total = config.total_steps
    if not 1 <= args.step <= total:
        fail(f"--step={args.step} is not allowed: must be from 1 to {total:,} (the run's total steps)")
    from core.regression.step_replay import inspect_step
    from core.regression.trainer import Trainer

    trainer = Trainer(config, backend=backend)
    trainer.step(args.step)
    if trainer.steps_done < args.step:
        fail(
            f"--step={args.step} is not allowed: the run stopped ({trainer.status}) at step {trainer.steps_done:,}; "
            f"must be from 1 to {trainer.steps_done:,}"
        )
    record = inspect_step(trainer, args.step)
    print(json.dumps(record, ensure_ascii=False) if args.json else text_report(record))
    return 0
