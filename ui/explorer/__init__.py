"""ui/explorer."""
