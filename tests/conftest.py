"""Load the optviz pytest plugin when it is not installed (PYTHONPATH runs); harmless when it is."""

pytest_plugins = ["optviz.testing.plugin"]
