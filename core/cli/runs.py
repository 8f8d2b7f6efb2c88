"""The ``python -m core runs list|show|export|delete`` commands over the run store; never imports TensorFlow."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from core.cli.args import OneLineParser, fail
from core.cli.store_access import store_problems_reported
from core.store.json_values import finite
from core.store.run_store import RunStore
from core.store.values import STATUSES

RunsCommand = Callable[[argparse.Namespace, RunStore], int]
TABLE_NAME_CHARS = 32
NOT_DONE = 1
YES_WORDS = frozenset({"y", "yes"})
DELETE_DESCRIPTION = (
    "Asks for confirmation (y/N) on a terminal; --yes skips the question. Without a terminal on stdin "
    "(a script, a pipe) --yes is required. Exit codes: 0 deleted, 1 unknown run or not confirmed, 2 bad arguments."
)


def register(commands: Any) -> None:
    """Add ``runs`` and its sub-commands to the CLI's sub-command set."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="run database (default: $TAPESTREAM_DB or ./tapestream.sqlite3)")
    runs = commands.add_parser("runs", help="list, show, export and delete saved runs")
    actions = runs.add_subparsers(
        dest="runs_command", metavar="list|show|export|delete", required=True, parser_class=OneLineParser
    )

    listing = actions.add_parser("list", parents=[common], help="saved runs, newest first")
    listing.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    listing.add_argument("--text", help="only runs whose name, notes, tags or message contain this")
    listing.add_argument("--status", choices=STATUSES, help="only runs with this status")
    listing.add_argument("--tag", help="only runs with this tag")
    listing.add_argument("--sweep", dest="sweep_id", help="only runs of this sweep id")
    listing.set_defaults(handler=_handler(cmd_list))

    show = actions.add_parser("show", parents=[common], help="one run's details, config and events")
    show.add_argument("run_id", metavar="ID", type=_run_id, help="run id (see runs list)")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=_handler(cmd_show))

    export = actions.add_parser("export", parents=[common], help="write a run's full trace as CSV")
    export.add_argument("run_id", metavar="ID", type=_run_id, help="run id (see runs list)")
    export.add_argument("--csv", metavar="PATH", required=True, help="CSV file to write (step, epoch, w, b, loss)")
    export.add_argument("--force", action="store_true", help="overwrite PATH if it already exists")
    export.set_defaults(handler=_handler(cmd_export))

    delete = actions.add_parser(
        "delete", parents=[common], help="delete a run and its trace", description=DELETE_DESCRIPTION
    )
    delete.add_argument("run_id", metavar="ID", type=_run_id, help="run id (see runs list)")
    delete.add_argument("--yes", action="store_true", help="delete without asking (needed when stdin is no terminal)")
    delete.set_defaults(handler=_confirmable(_handler(cmd_delete)))


def _run_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a run id (a whole number)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a run id (ids start at 1)")
    return value


def _handler(command: RunsCommand) -> Callable[[argparse.Namespace], int]:
    """Open the store around a command; a StoreError becomes one line on stderr and exit code 1."""

    def handle(args: argparse.Namespace) -> int:
        with store_problems_reported(), RunStore(args.db) as store:
            return command(args, store)

    return handle


def _confirmable(handle: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Refuse (exit 2) before opening the store when nobody can answer the question and --yes is not given."""

    def checked(args: argparse.Namespace) -> int:
        if not args.yes and not _stdin_is_terminal():
            fail(f"runs delete {args.run_id}: stdin is not a terminal, so nobody can confirm; pass --yes to delete")
        return handle(args)

    return checked


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False


def cmd_list(args: argparse.Namespace, store: RunStore) -> int:
    """Print the saved runs as a table or a JSON list."""
    runs = store.list_runs(text=args.text, status=args.status, tag=args.tag, sweep_id=args.sweep_id)
    if args.json:
        print(json.dumps(finite([{**run, "final_step_loss": run.get("final_step_loss")} for run in runs])))
    elif not runs:
        print(f"no saved runs in {store.path}")
    else:
        print("\n".join(run_table(runs)))
    return 0


def run_table(runs: list[dict]) -> list[str]:
    """Aligned table lines: id, name, status, steps, final w, b, both final losses, created date and tags.

    DATA LOSS is final_loss, the mean loss over all the data at the final w, b; STEP LOSS is final_step_loss,
    the last step's own loss on its batch ("-" where the store has none).
    """
    header = ("ID", "NAME", "STATUS", "STEPS", "W", "B", "DATA LOSS", "STEP LOSS", "CREATED (UTC)", "TAGS")
    rows = [header] + [
        (
            str(run["id"]),
            _clip(run["name"], TABLE_NAME_CHARS),
            run["status"],
            str(run["steps"]),
            _number(run["final_w"]),
            _number(run["final_b"]),
            _number(run["final_loss"]),
            _number(run.get("final_step_loss")),
            run["created_at"][:19].replace("T", " "),
            ", ".join(run["tags"]),
        )
        for run in runs
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def cmd_show(args: argparse.Namespace, store: RunStore) -> int:
    """Print one run's fields, config and events."""
    run = store.get_run(args.run_id)
    print(json.dumps(finite(run), indent=2) if args.json else "\n".join(run_details(run)))
    return 0


def run_details(run: dict) -> list[str]:
    """Human-readable lines describing one run."""
    lines = [
        f"run {run['id']}: {run['name']}",
        f"  status:   {run['status']}",
        f"  steps:    {run['steps']}",
        f"  final:    w={_number(run['final_w'])} b={_number(run['final_b'])}",
        f"  loss:     {_number(run['final_loss'])} (mean over the data at the final w, b)",
        f"  step loss: {_number(run.get('final_step_loss'))} (the last step's own loss)",
        f"  created:  {run['created_at']}",
        f"  updated:  {run['updated_at']}",
        f"  tags:     {', '.join(run['tags']) or '-'}",
        f"  sweep:    {run['sweep_id'] or '-'}",
    ]
    if run["message"]:
        lines.append(f"  message:  {run['message']}")
    if run["notes"]:
        lines += ["  notes:"] + [f"    {line}" for line in run["notes"].splitlines()]
    lines.append("  config:")
    lines += [f"    {key}: {value}" for key, value in sorted(run["config"].items())]
    lines.append("  events:" if run["events"] else "  events:   none")
    lines += [
        f"    step {event.get('step')}: {event.get('field')} {event.get('old')!r} -> {event.get('new')!r}"
        for event in run["events"]
    ]
    return lines


def cmd_export(args: argparse.Namespace, store: RunStore) -> int:
    """Write a run's full-resolution trace as CSV; an existing file is kept unless --force."""
    points = store.points(args.run_id)
    try:
        output = open(args.csv, "w" if args.force else "x", newline="", encoding="utf-8")
    except FileExistsError:
        fail(f"--csv={args.csv!r} already exists: pass --force to overwrite it, or give another path")
    except OSError as error:
        fail(f"--csv={args.csv!r} cannot be written: {error.strerror or error}")
    with output:
        points.to_csv(output, index=False)
    print(f"wrote {len(points)} rows of run {args.run_id} to {args.csv}", file=sys.stderr)
    return 0


def cmd_delete(args: argparse.Namespace, store: RunStore) -> int:
    """Delete one run, after a y/N question on a terminal unless --yes."""
    run = store.get_run(args.run_id)
    if not args.yes and not confirmed(f"delete run {run['id']} {run['name']!r} ({run['steps']} steps)? [y/N] "):
        print(f"run {run['id']} was not deleted", file=sys.stderr)
        return NOT_DONE
    store.delete(args.run_id)
    print(f"deleted run {args.run_id}", file=sys.stderr)
    return 0


def confirmed(question: str) -> bool:
    """Ask on stderr and read one answer line from stdin: only y or yes (any case) is a yes; end of input is no."""
    print(question, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        print(file=sys.stderr)
    return answer.strip().lower() in YES_WORDS


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
