"""Ax-level drawing functions. Each takes ``ax=None`` (the current axes) and returns what it drew.

>>> import optviz as ov                       # doctest: +SKIP
>>> ov.plot.contour(s, ax=ax)                 # doctest: +SKIP
>>> ov.plot.trajectory(t, ax=ax)              # doctest: +SKIP

Nothing here computes optimizer steps: pass Trajectories made by ``optviz.run``.
"""

from optviz.plot._levels import contour_levels
from optviz.plot.condition import (
    ConditionArtists,
    ConditionCurveArtists,
    condition_curve,
    condition_map,
    eigen_glyphs,
)
from optviz.plot.contour import ContourArtists, contour
from optviz.plot.diagrams import (
    SameStateUpdates,
    UpdateArrows,
    UpdateDiagram,
    same_state_updates,
    update_arrows,
    update_diagram,
)
from optviz.plot.indefinite import IndefiniteArtists, indefinite_steps
from optviz.plot.inner import InnerArtists, inner_iterates
from optviz.plot.landscape import (
    CurveArtists,
    ResidualArtists,
    eigenvalues,
    interpolation,
    residual,
)
from optviz.plot.loss import LossArtists, loss, loss_title, loss_values
from optviz.plot.lr import LearningRateArtists, learning_rate
from optviz.plot.phase import PhaseArtists, phase_diagram
from optviz.plot.profile import ProfileArtists, Slice, make_slice, profile, profile_title
from optviz.plot.seeds import SeedSweepArtists, seed_stats, seed_sweep
from optviz.plot.spread import SpreadArtists, loss_spread
from optviz.plot.surface3d import Surface3DArtists, surface3d
from optviz.plot.table import TableArtists, rate_table
from optviz.plot.trajectory import TrajectoryArtists, marker_stride, trajectory

__all__ = [
    "ConditionArtists",
    "ConditionCurveArtists",
    "ContourArtists",
    "CurveArtists",
    "IndefiniteArtists",
    "InnerArtists",
    "LearningRateArtists",
    "LossArtists",
    "PhaseArtists",
    "ProfileArtists",
    "ResidualArtists",
    "SameStateUpdates",
    "SeedSweepArtists",
    "Slice",
    "SpreadArtists",
    "Surface3DArtists",
    "TableArtists",
    "TrajectoryArtists",
    "UpdateArrows",
    "UpdateDiagram",
    "condition_curve",
    "condition_map",
    "contour",
    "contour_levels",
    "eigen_glyphs",
    "eigenvalues",
    "indefinite_steps",
    "inner_iterates",
    "interpolation",
    "learning_rate",
    "loss",
    "loss_spread",
    "loss_title",
    "loss_values",
    "make_slice",
    "marker_stride",
    "phase_diagram",
    "profile",
    "profile_title",
    "rate_table",
    "residual",
    "same_state_updates",
    "seed_stats",
    "seed_sweep",
    "surface3d",
    "trajectory",
    "update_arrows",
    "update_diagram",
]
