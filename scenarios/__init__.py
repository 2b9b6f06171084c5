"""The lecture's scenario files, installed with optviz as ``optviz.examples`` (``optviz/examples`` is a link to this folder).

This folder is the one copy: ``optviz gallery`` renders it into ``gallery/``, and ``optviz render --example NAME``
reads it from an installed optviz (``optviz.scenario.examples``).
"""
