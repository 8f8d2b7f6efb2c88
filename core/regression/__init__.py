"""core/regression."""
