"""The headless command line: ``python -m core train|bench|grad|runs|sweep``; TensorFlow loads only when needed."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from core.cli import grad, runs, sweep
from core.cli.args import FIELD_FLAGS, OneLineParser, config_error_line, fail, number, whole
from core.regression.config import BACKEND_NAMES, ConfigError, RegressionConfig


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """Flags for every RegressionConfig field; unset flags keep the tutorial's defaults."""
    defaults = RegressionConfig()
    for field, flag in FIELD_FLAGS.items():
        default = getattr(defaults, field)
        if field == "shuffle":
            parser.add_argument(flag, action="store_true", default=None, help="shuffle the samples every epoch")
            continue
        kind = whole if isinstance(default, int) else number if isinstance(default, float) else str
        if field == "batch_size":
            kind = str
        parser.add_argument(flag, dest=field, type=kind, default=None, help=f"default {default}")


def config_from_args(args: argparse.Namespace) -> RegressionConfig:
    """Build the config from the parsed flags, or exit 2 with a one-line message."""
    values: dict[str, Any] = {f: getattr(args, f) for f in FIELD_FLAGS if getattr(args, f, None) is not None}
    if "batch_size" in values:
        values["batch_size"] = _batch_size(values["batch_size"], values.get("n_samples", RegressionConfig.n_samples))
    try:
        return RegressionConfig(**values)
    except ConfigError as error:
        fail(config_error_line(error))


def _batch_size(text: str, n_samples: int) -> int:
    if text.strip().lower() == "full":
        return n_samples
    try:
        return whole(text)
    except argparse.ArgumentTypeError:
        fail(f"--batch-size={text!r} is not allowed: must be a whole number or 'full' (= --n-samples)")


def check_backend(name: str) -> str:
    """The backend name, or exit 2 naming the allowed ones."""
    if name not in BACKEND_NAMES:
        fail(f"--backend={name!r} is not allowed: must be one of {', '.join(BACKEND_NAMES)}")
    return name


def open_output(path: str | None):
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


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark the backends (and the engine client) and print the numbers."""
    from core.cli.bench import run_benchmarks

    results = run_benchmarks(client=not args.no_client, log=print)
    if args.json:
        print(json.dumps(results))
    return 0


def build_parser() -> OneLineParser:
    """The whole command tree."""
    parser = OneLineParser(prog="python -m core", description="Tapestream's headless engine.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    train = commands.add_parser("train", help="train one regression run")
    add_config_flags(train)
    train.add_argument("--backend", default="compiled", help=f"one of {', '.join(BACKEND_NAMES)}")
    train.add_argument("--csv", metavar="PATH", help="write the trace (step, epoch, w, b, loss) as CSV")
    train.add_argument("--save", action="store_true", help="save the run in the run store")
    train.add_argument("--name", help="name of the saved run")
    train.set_defaults(handler=cmd_train)

    bench = commands.add_parser("bench", help="time eager vs compiled, 1M steps, and the engine client")
    bench.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    bench.add_argument("--no-client", action="store_true", help="skip the engine-process round trip")
    bench.set_defaults(handler=cmd_bench)

    for register in (grad.register, runs.register, sweep.register):
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        fail(config_error_line(error))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
