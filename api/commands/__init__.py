"""Subcommands of ``winnow``: each module has ``register(commands)`` adding its parsers."""
