"""ui/live."""
