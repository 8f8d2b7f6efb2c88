"""ui/compare."""
