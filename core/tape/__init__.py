"""core/tape."""
