"""The package version, in one place: the package root, the engine (a Trajectory records it) and the command
line read it from here, and ``pyproject.toml`` reads it at build time."""

__version__ = "0.1.0"
