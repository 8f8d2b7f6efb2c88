"""The regression: its field table and config, the Trainer and its backends, data, losses, optimizers, views."""
