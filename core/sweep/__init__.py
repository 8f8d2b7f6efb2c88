"""Sweeps: a grid of configs trained together in one vectorised compiled loop, saved under one sweep id."""
