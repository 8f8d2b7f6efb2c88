"""Tapestream's engine: TensorFlow GradientTape regression, examples, CLI and engine process, free of any UI."""
