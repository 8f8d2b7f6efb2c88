"""The headless command line: one thin module per command (train, bench, grad, runs, sweep); nothing imports it."""
