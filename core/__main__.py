"""Entry point for ``python -m core``: dispatches to the headless CLI."""

from core.cli import main

raise SystemExit(main())
