"""The ``python -m core lr-find`` command: the learning-rate range test on a config, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.cli.args import add_config_flags
from core.cli.data_flags import add_data_flags, config_and_data


def register(commands: Any) -> None:
    """Add the ``lr-find`` sub-command to the CLI's sub-parsers."""
    finder = commands.add_parser(
        "lr-find",
        help="find a learning rate: train the config at 64 rates from 1e-5 to 10 at once",
        description="Trains the config's first steps (at most 1,000) at 64 learning rates spread exponentially "
        "from 1e-5 to 10, in one vectorised compiled call, and suggests the largest that reaches the lowest loss "
        "without diverging. Exit codes: 0 done, 2 bad arguments.",
    )
    add_config_flags(finder)
    add_data_flags(finder)
    finder.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    finder.set_defaults(handler=cmd_lr_find)


def table_lines(found: dict[str, Any]) -> list[str]:
    """One line per learning rate (marking the suggestion and the edge), then the summary."""
    lines = [f"{'learning rate':>14}  mean loss after {found['steps']:,} steps"]
    for rate, loss in zip(found["learning_rates"], found["losses"]):
        mark = (
            " ← suggested"
            if rate == found["suggested"]
            else " ← divergence edge"
            if rate == found["divergence_edge"]
            else ""
        )
        lines.append(f"{rate:>14.4g}  {'diverged' if loss is None else f'{loss:.6g}'}{mark}")
    suggested = "none (every rate diverged)" if found["suggested"] is None else f"{found['suggested']:.4g}"
    stable = "none" if found["max_stable"] is None else f"{found['max_stable']:.4g}"
    lines.append(
        f"suggested={suggested} max_stable={stable} 2/λ_max={found['two_over_lambda_max']:.4g} "
        f"seconds={found['seconds']:.3f}"
    )
    return lines


def cmd_lr_find(args: argparse.Namespace) -> int:
    """Run the range test and print its table or JSON."""
    config, datasets = config_and_data(args)
    from core.sweep.lr_range import find_learning_rate

    found = find_learning_rate(config, datasets)
    if args.json:
        print(json.dumps(found, allow_nan=False))
    else:
        print("\n".join(table_lines(found)))
    return 0
