"""Root conftest: what pytest's doctest collection must not import."""

# `python -m optviz` runs the command line on import.
collect_ignore = ["optviz/__main__.py"]
