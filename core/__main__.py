"""Entry point for ``python -m core``: dispatches to the headless CLI."""

from core.cli.main import main

raise SystemExit(main())
