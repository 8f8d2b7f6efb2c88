"""The GradientTape playground: a whitelisted program parser and the interpreter that runs it on a real tape."""
