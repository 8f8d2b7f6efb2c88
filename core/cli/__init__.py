"""core/cli."""
