"""Every cap of optviz in one place, so that a typo cannot eat the machine's memory or an afternoon.

Each limit is declared here once; the module that enforces it and the scenario schema that validates a file
both read it from here (``optviz list`` and the README quote the same numbers). Two routes, two sets of caps:

- ``optviz.run`` and ``optviz.sweep`` from Python: per call, what fits in memory (the engine benchmark's
  10,000 runs x 1,000 steps is one call);
- scenario files and figure options (whatever route a run takes: a ``[[run]]``, a kind's ``steps`` option, a
  sweep a figure makes): tighter, since a file is untrusted input.

>>> from optviz import limits
>>> limits.MAX_STEPS, limits.MAX_FRAMES, (limits.MAX_WIDTH, limits.MAX_HEIGHT)
(100000, 2000, (3840, 2160))
"""

from __future__ import annotations

# -- one call of the engine (optviz.run, optviz.sweep) -------------------------------------------------------
MAX_RUN_STEPS = 1_000_000  # steps of one run
MAX_CALL_STEPS = 100_000_000  # runs x steps of one call (a batch, a sweep)
# The histories one call records (positions, losses, gradients and the rule's state, float64), refused before
# anything is allocated: the engine benchmark's 10,000 runs x 1,000 steps of Momentum holds 0.56 GB.
MAX_HISTORY_BYTES = 2 * 1024**3
MAX_SEED = 2**63 - 1  # numpy seeds runs as int64
# Numbers one call may record (positions, losses, gradients and the rule's state at every step): what
# MAX_CALL_STEPS allows the richest first-order state (Adam with amsgrad, 11 numbers a step). L-BFGS records
# its inner iterates and evaluated points, max_iter + max_eval + 1 points a step, so it reaches this sooner.
MAX_RECORDED = 11 * MAX_CALL_STEPS
MAX_SCHEDULE_STEPS = (
    10_000_000  # a schedule's step_size, T_max, total_iters, total_steps, milestones
)
MAX_LBFGS_ITER = 1_000  # L-BFGS's max_iter (inner iterations of one step)
MAX_LBFGS_EVAL = 10_000  # L-BFGS's max_eval (evaluations of one step)
MAX_LBFGS_HISTORY = 1_000  # L-BFGS's history_size

# -- scenario files and figure options -------------------------------------------------------------------------
MAX_FILE_BYTES = 1_000_000  # a scenario file
MAX_TEXT = 2_000  # characters of a string (a title, a formula)
MAX_LINES = 3  # lines of a drawn string (a title, a label)
MAX_MATH_DEPTH = (
    10  # {...} groups nested in a drawn $...$ formula (mathtext's parser recurses per level)
)
MAX_STEPS = 100_000  # steps of any run a figure makes
MAX_RUNS = 1_000  # [[run]] tables of one panel
MAX_PANELS = 12  # [[panel]] tables of one figure
MAX_SEEDS = 100  # seeds of a seed sweep
MAX_VALUES = 200  # values of a list option (swept values, lambdas)
MAX_GRID = 200  # cells per axis of a phase diagram
MAX_SWEEP_STEPS = 5_000  # steps of each run of a phase diagram's sweep
MAX_COORDINATE = 1e9  # |x| and |y| of a view's corners (a surface evaluated far beyond overflows)
MAX_LR_HALVINGS = 10  # times a test-function run's lr is halved before it is shown diverging
# Issue 18's lecture figures: example indices a minibatch figure draws (draws x batch sizes x examples: each
# batch without replacement is a random subset of all of them), and the size of the figures' lambdas.
MAX_SAMPLED = 50_000_000
MAX_LAMBDA = 1e6
# What one scenario runs in all, whatever the route: its [[run]] tables in every panel and the runs its figure
# kinds' studies make (sweeps, reruns, each rule on each test function), counted before anything runs
# (optviz.scenario.compute.work). Trajectory-steps are what the histories hold (at most 88 bytes each with the
# built-in rules: under 1 GB); work weighs each engine call's loop and the surface's cost (compute.Cost), so
# that a scenario at the caps renders in seconds, not hours.
MAX_SCENARIO_STEPS = 10_000_000
MAX_SCENARIO_WORK = 50_000_000
# Runs that keep no history (optviz.engine.endpoints: a basins figure's grid of starts) hold a few numbers a run,
# not a step: their cap is on time alone (about a minute at the cap on one core), counted as starts x steps.
MAX_ENDPOINT_STEPS = 500_000_000
MAX_BASIN_GRID = 1_000  # starts a side of a basins map (10^6 starts a rule)
MAX_BASIN_RULES = 6  # maps of one basins figure
MAX_CLOUD_SEEDS = 20_000  # seeds of a stationary-noise cloud

# -- loss landscapes of torch models (optviz.landscape) --------------------------------------------------------
MAX_TRAINING_STEPS = 1_000_000  # steps of one recorded training run (optviz.landscape.train)
MAX_LANDSCAPE_GRID = 401  # nodes a side of a landscape grid: 160,801 model evaluations

# -- figures and files -----------------------------------------------------------------------------------------
MIN_INCHES, MAX_INCHES = 1.0, 40.0  # a figure's side
MIN_DPI, MAX_DPI = 10.0, 600.0  # figures and GIFs
MAX_PIXELS = 8_000  # a static figure's side

# -- animations ------------------------------------------------------------------------------------------------
MAX_FRAMES = 2_000
MAX_WIDTH, MAX_HEIGHT = 3840, 2160  # 4K, a GIF's or an MP4's size
MAX_FPS = 50  # GIF: browsers slow delays under 20 ms to 100 ms
MAX_VIDEO_FPS = 120  # MP4
MAX_HOLD = 60.0  # seconds the last frame stays up
MAX_FRAME_BYTES = 2 * 1024**3  # render_frames holds every frame in memory
