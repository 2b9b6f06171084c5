r"""L-BFGS equal to ``torch.optim.LBFGS``: one optviz step is one ``optimizer.step(closure)``.

``ov.LBFGS(lr=1, max_iter=20, max_eval=None, history_size=100, line_search_fn=None, tolerance_grad=1e-7,
tolerance_change=1e-9)`` has torch's parameters and defaults (``max_eval`` defaults to ``max_iter * 5 // 4``).
Within one step, torch makes up to ``max_iter`` inner iterations and up to ``max_eval`` (+ 1 with the line
search) evaluations of the closure, and so does this rule, in torch's order:

1. evaluate f and g at p; stop if ``max |g| <= tolerance_grad``;
2. the direction: ``-g`` on the very first iteration, else the two-loop recursion over the stored pairs
   ``(s, y)`` (a pair is stored when ``y.s > 1e-10``; the oldest goes when ``history_size`` are stored),
   scaled by ``H_diag = y.s / y.y``;
3. the step length t: ``min(1, 1 / sum|g|) * lr`` on the very first iteration, else ``lr``; stop if the
   directional derivative ``g.d > -tolerance_change``;
4. ``line_search_fn=None``: ``p += t d`` and evaluate again (not after the last inner iteration);
   ``"strong_wolfe"``: torch's bracketing and cubic-interpolation zoom (c1 = 1e-4, c2 = 0.9, at most
   ``max_eval`` minus the evaluations made so far), then ``p += t d``;
5. stop when ``max_iter`` or ``max_eval`` is reached, when ``max |g| <= tolerance_grad``, when
   ``max |t d| <= tolerance_change`` or when the loss changed by less than ``tolerance_change``.

The history and the last direction carry over from one step to the next, as in torch's ``state``.

What the trajectory records (state fields, row k = after k steps; row 0 is the start):

- ``func_evals`` and ``n_iter``: torch's cumulative counters; ``t.evaluations[k]`` is the number of
  closure calls step k made (``func_evals[k+1] - func_evals[k]``);
- ``inner_xy`` (max_iter, 2): the inner iterates of the step that led to row k, NaN-padded (the last one is
  ``t.xy[k]``);
- ``eval_xy`` (max_eval + 1, 2): every point that step evaluated, in order, NaN-padded (the first is
  ``t.xy[k-1]``, the rest are inner iterates and line-search trials).

Batched over starts: a start of shape (N, 2) runs the N L-BFGS loops in lockstep, numpy-vectorized over the
runs that are still iterating; each run's line search follows its own branches through masks. A single
start of shape (2,) (what ``optviz.engine.reference_run`` steps) takes the plain one-run port, which mirrors
torch's code line by line; the tests hold the two equal. The arithmetic is torch's, in float64, with dot
products written as ``a0*b0 + a1*b1`` (torch's CPU kernels may fuse a multiply-add there: the two agree to
an ulp per operation).

On a quadratic, the first step's 9 inner iterations reach the minimum to within 1e-6; there the loss
changes by less than ``tolerance_change``, and the next step stops after its one evaluation (the directional
derivative is below the tolerance):

>>> import numpy as np, optviz as ov
>>> q = ov.surface("quadratic", kappa=10)
>>> t = ov.run(q, ov.LBFGS(line_search_fn="strong_wolfe"), steps=2)
>>> t.evaluations.tolist(), t.state["n_iter"].tolist(), bool(np.hypot(*t.xy[1]) < 1e-6)
([9, 1], [0.0, 9.0, 10.0], True)
>>> np.hypot(*t.state["inner_xy"][1, :5].T).round(4).tolist()  # the inner iterates' distance to the minimum
[3.8555, 3.1931, 2.6849, 0.5364, 0.0049]
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optviz import _validate as check
from optviz import limits
from optviz._validate import ParameterError
from optviz.optimizers import Hyper, Optimizer, hyperparameter, rule_dataclass

# torch's constants. Its step() calls _strong_wolfe without passing tolerance_change, so the line search
# always narrows its bracket down to the default 1e-9, whatever the rule's tolerance_change.
_C1, _C2 = 1e-4, 0.9
_YS_MIN = 1e-10
_LS_TOLERANCE_CHANGE = 1e-9


class LBFGSState(NamedTuple):
    """torch's LBFGS state (the history as padded arrays: ``num_old`` pairs stored, oldest first) and the
    recordings of the last step (``inner_xy``, ``eval_xy``). Shapes for N runs; drop the N for one run."""

    step: int
    func_evals: np.ndarray  # (N,)
    n_iter: np.ndarray  # (N,)
    d: np.ndarray  # (N, 2)
    t: np.ndarray  # (N,)
    old_dirs: np.ndarray  # (N, history_size, 2): the y's
    old_stps: np.ndarray  # (N, history_size, 2): the s's
    ro: np.ndarray  # (N, history_size): 1 / y.s
    num_old: np.ndarray  # (N,)
    H_diag: np.ndarray  # (N,)
    prev_flat_grad: np.ndarray  # (N, 2)
    prev_loss: np.ndarray  # (N,)
    inner_xy: np.ndarray  # (N, max_iter, 2)
    eval_xy: np.ndarray  # (N, max_eval + 1, 2)


def _line_search(field: str, value: Any) -> str | None:
    if value is None or value == "strong_wolfe":
        return value
    raise ParameterError(
        field, f"must be 'strong_wolfe', or None (left out) for fixed steps, got {value!r}"
    )


@rule_dataclass
class LBFGS(Optimizer):
    r"""L-BFGS, torch.optim.LBFGS: one step is one step(closure), up to max_iter inner iterations.

    See the module's docstring for the algorithm and what the trajectory records. Gradient noise does not
    apply (the closure re-evaluates the surface at trial points).
    """

    lr: Hyper = 1.0
    max_iter: int = 20
    max_eval: int | None = None
    history_size: int = 100
    line_search_fn: str | None = None
    tolerance_grad: Hyper = 1e-7
    tolerance_change: Hyper = 1e-9

    name: ClassVar[str] = "lbfgs"
    label: ClassVar[str] = "L-BFGS"
    uses_surface: ClassVar[bool] = True
    takes_noise: ClassVar[bool] = False
    # legends show the lr only where it is not the full step (1)
    _legend_keys: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        max_iter = check.integer(
            "max_iter", self.max_iter, minimum=1, maximum=limits.MAX_LBFGS_ITER
        )
        object.__setattr__(self, "max_iter", max_iter)
        if self.max_eval is not None:
            max_eval = check.integer(
                "max_eval", self.max_eval, minimum=1, maximum=limits.MAX_LBFGS_EVAL
            )
            object.__setattr__(self, "max_eval", max_eval)
        history = check.integer(
            "history_size", self.history_size, minimum=1, maximum=limits.MAX_LBFGS_HISTORY
        )
        object.__setattr__(self, "history_size", history)
        object.__setattr__(
            self, "line_search_fn", _line_search("line_search_fn", self.line_search_fn)
        )
        for key in ("tolerance_grad", "tolerance_change"):
            object.__setattr__(
                self, key, hyperparameter(key, getattr(self, key), check.nonnegative)
            )

    @property
    def evaluations_cap(self) -> int:
        """torch's ``max_eval`` (default ``max_iter * 5 // 4``)."""
        return self.max_iter * 5 // 4 if self.max_eval is None else int(self.max_eval)

    def bind(self, surface: Any) -> LBFGS:
        new = copy.copy(self)
        object.__setattr__(new, "_surface", surface)
        return new

    def _closure(self) -> Any:
        surface = self.__dict__.get("_surface")
        if surface is None:
            raise ParameterError(
                "surface",
                "L-BFGS evaluates the surface: bind it to a surface first (optviz.run does)",
            )
        return surface.value_and_grad

    def history_fields(self) -> tuple[str, ...]:
        return ("func_evals", "n_iter", "inner_xy", "eval_xy")

    def init(self, xy: np.ndarray) -> LBFGSState:
        xy = np.asarray(xy, dtype=float)
        lead = xy.shape[:-1]
        zeros = np.zeros(lead)
        return LBFGSState(
            step=0,
            func_evals=zeros.copy(),
            n_iter=zeros.copy(),
            d=np.zeros_like(xy),
            t=zeros.copy(),
            old_dirs=np.zeros((*lead, self.history_size, 2)),
            old_stps=np.zeros((*lead, self.history_size, 2)),
            ro=np.zeros((*lead, self.history_size)),
            num_old=np.zeros(lead, dtype=np.int64),
            H_diag=np.ones(lead),
            prev_flat_grad=np.zeros_like(xy),
            prev_loss=zeros.copy(),
            inner_xy=np.full((*lead, self.max_iter, 2), np.nan),
            eval_xy=np.full((*lead, self.evaluations_cap + 1, 2), np.nan),
        )

    def update(
        self, grad: np.ndarray, state: LBFGSState, xy: np.ndarray
    ) -> tuple[np.ndarray, LBFGSState]:
        """One ``torch.optim.LBFGS.step(closure)`` from ``xy`` (the closure re-evaluates f and g there,
        as torch's does; ``grad`` is the same gradient, computed by the engine for its records)."""
        closure = self._closure()
        with np.errstate(all="ignore"):  # a diverging run is the engine's to stop, without warnings
            if np.ndim(xy) == 1:
                return _step_one(self, closure, np.array(xy, dtype=float), state)
            return _step_batch(self, closure, np.array(xy, dtype=float), state)


# -- small vector helpers: torch's reductions on 2-vectors -----------------------------------------
def _axpy(alpha: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """torch's ``y.add_(x, alpha=alpha)``, which its CPU kernels compute as one fused multiply-add;
    numpy has none, so here it rounds twice. That ulp is the whole difference from torch: the tests
    swap in an exact fma here and get torch's trajectories bit for bit."""
    return y + alpha * x


def _dot(a: np.ndarray, b: np.ndarray) -> Any:
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]


def _max_abs(a: np.ndarray) -> Any:
    """``a.abs().max()`` (NaN-propagating, as torch's max)."""
    return np.maximum(np.abs(a[..., 0]), np.abs(a[..., 1]))


def _py_max(a: Any, b: Any) -> Any:
    """Python's ``max(a, b)``: b only if b > a (so a NaN in b is ignored, one in a kept)."""
    return np.where(b > a, b, a)


def _py_min(a: Any, b: Any) -> Any:
    """Python's ``min(a, b)``: b only if b < a."""
    return np.where(b < a, b, a)


# -- where torch's numbers are tensors ---------------------------------------------------------------
# torch's line search mixes Python floats (the losses, lr, a first trial step of 1.0) with 0-d tensors (dot
# products and what is computed from them). The values are the same either way, with one exception: a Python
# number divided by a tensor is Tensor.__rtruediv__, ``tensor.reciprocal() * number``, which rounds twice.
# That happens in the cubic interpolation, ``3 * (f1 - f2) / (x1 - x2)``, whenever a bracket end is a tensor.
# The one-run port carries the tensors as _Tensor numbers (Python's min and max return their arguments, so the
# types flow as in torch's code); the batched kernel carries a flag per number.
def _divide(num: Any, den: Any, den_is_tensor: Any) -> Any:
    """``num / den`` as torch evaluates it for a Python number ``num``: one division, or the reciprocal of a
    tensor ``den`` times ``num``."""
    return np.where(den_is_tensor, num * (1.0 / den), num / den)


class _Tensor(float):
    """A number that is a 0-d float64 tensor in torch's code: arithmetic with it gives a tensor again, and a
    Python number divided by it is ``reciprocal() * number``."""

    @staticmethod
    def _op(fn: Any, a: Any, b: Any) -> Any:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return NotImplemented
        return _Tensor(fn(np.float64(a), np.float64(b)))

    def __add__(self, o: Any) -> Any:
        return _Tensor._op(np.add, self, o)

    def __radd__(self, o: Any) -> Any:
        return _Tensor._op(np.add, o, self)

    def __sub__(self, o: Any) -> Any:
        return _Tensor._op(np.subtract, self, o)

    def __rsub__(self, o: Any) -> Any:
        return _Tensor._op(np.subtract, o, self)

    def __mul__(self, o: Any) -> Any:
        return _Tensor._op(np.multiply, self, o)

    def __rmul__(self, o: Any) -> Any:
        return _Tensor._op(np.multiply, o, self)

    def __truediv__(self, o: Any) -> Any:
        return _Tensor._op(np.divide, self, o)

    def __rtruediv__(self, o: Any) -> Any:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return _Tensor(_divide(np.float64(o), np.float64(self), True))

    def __neg__(self) -> Any:
        return _Tensor(-float(self))

    def __abs__(self) -> Any:
        return _Tensor(abs(float(self)))


def _cubic_one(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: Any = None) -> Any:
    """torch's ``_cubic_interpolate`` (from minFunc's polyinterp) for one run, with torch's types: the
    minimizer of the cubic through two points with their slopes, clipped to ``bounds`` (default: the
    interval between the points)."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    den = x1 - x2
    d1 = g1 + g2 - _Tensor(_divide(3 * (f1 - f2), den, isinstance(den, _Tensor)))
    d2_square = d1 * d1 - g1 * g2
    if d2_square >= 0:
        d2 = _Tensor(np.sqrt(d2_square))
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _cubic(
    x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, flags: Any, bounds: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_cubic_one` elementwise over runs. ``flags`` say which of x1, x2 (and the two bounds) are
    tensors in torch; returns the values and whether each result is a tensor."""
    x1_t, x2_t = flags[0], flags[1]
    if bounds is not None:
        lo, hi = bounds
        lo_t, hi_t = flags[2], flags[3]
    else:
        order = x1 <= x2
        lo, hi = np.where(order, x1, x2), np.where(order, x2, x1)
        lo_t, hi_t = np.where(order, x1_t, x2_t), np.where(order, x2_t, x1_t)
    d1 = g1 + g2 - _divide(3 * (f1 - f2), x1 - x2, x1_t | x2_t)
    d2_square = d1 * d1 - g1 * g2
    real = d2_square >= 0
    d2 = np.sqrt(np.where(real, d2_square, 0.0))
    forward = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    backward = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    min_pos = np.where(x1 <= x2, forward, backward)  # a tensor
    raised = lo > min_pos  # max(min_pos, lo) is lo
    above = np.where(raised, lo, min_pos)
    above_t = np.where(raised, lo_t, True)
    cut = hi < above  # min(above, hi) is hi
    value = np.where(real, np.where(cut, hi, above), (lo + hi) / 2.0)
    tensor = np.where(real, np.where(cut, hi_t, above_t), lo_t | hi_t)
    return value, tensor


# -- one run: torch's LBFGS.step, line by line -----------------------------------------------------
def _step_one(
    rule: LBFGS, closure: Any, x: np.ndarray, state: LBFGSState
) -> tuple[np.ndarray, LBFGSState]:
    lr = float(rule.lr)  # type: ignore[arg-type]
    tolerance_grad = float(rule.tolerance_grad)  # type: ignore[arg-type]
    tolerance_change = float(rule.tolerance_change)  # type: ignore[arg-type]
    max_iter, max_eval, history_size = rule.max_iter, rule.evaluations_cap, rule.history_size
    evaluated: list[np.ndarray] = []
    inner: list[np.ndarray] = []

    def evaluate(p: np.ndarray) -> tuple[float, np.ndarray]:
        evaluated.append(p)
        f, g = closure(p)
        return float(f), np.array(g, dtype=float)

    func_evals, n_iter_total = int(state.func_evals), int(state.n_iter)
    num_old = int(state.num_old)
    old_dirs = list(state.old_dirs[:num_old])
    old_stps = list(state.old_stps[:num_old])
    ro = list(state.ro[:num_old])
    d, t = state.d.copy(), float(state.t)
    H_diag = float(state.H_diag)
    prev_flat_grad, prev_loss = state.prev_flat_grad.copy(), float(state.prev_loss)

    loss, flat_grad = evaluate(x)
    current_evals = 1
    func_evals += 1
    opt_cond = _max_abs(flat_grad) <= tolerance_grad
    n_iter = 0
    while not opt_cond and n_iter < max_iter:
        n_iter += 1
        n_iter_total += 1
        # the direction
        if n_iter_total == 1:
            d = -flat_grad
            old_dirs, old_stps, ro = [], [], []
            H_diag = 1.0
        else:
            y = flat_grad - prev_flat_grad
            s = d * t
            ys = _dot(y, s)
            if ys > _YS_MIN:
                if len(old_dirs) == history_size:
                    old_dirs.pop(0)
                    old_stps.pop(0)
                    ro.pop(0)
                old_dirs.append(y)
                old_stps.append(s)
                ro.append(1.0 / ys)
                H_diag = ys / _dot(y, y)
            al = [0.0] * len(old_dirs)
            q = -flat_grad
            for i in range(len(old_dirs) - 1, -1, -1):
                al[i] = _dot(old_stps[i], q) * ro[i]
                q = _axpy(-al[i], old_dirs[i], q)
            r = q * H_diag
            for i in range(len(old_dirs)):
                be_i = _dot(old_dirs[i], r) * ro[i]
                r = _axpy(al[i] - be_i, old_stps[i], r)
            d = r
        prev_flat_grad = flat_grad.copy()
        prev_loss = loss
        # the step length (torch: a tensor when 1 / sum|g| wins, else a Python float)
        if n_iter_total == 1:
            t = min(1.0, 1.0 / _Tensor(abs(flat_grad[0]) + abs(flat_grad[1]))) * lr
        else:
            t = lr
        gtd = _Tensor(_dot(flat_grad, d))
        if gtd > -tolerance_change:
            break
        ls_func_evals = 0
        if rule.line_search_fn is not None:

            def along(step: float, x_init: np.ndarray = x, d: np.ndarray = d) -> Any:
                return evaluate(_axpy(step, d, x_init))  # torch: p + t d, evaluated, p restored

            loss, flat_grad, t, ls_func_evals = _strong_wolfe_one(
                along, t, d, loss, flat_grad, gtd, max_eval - current_evals
            )
            x = _axpy(t, d, x)
            opt_cond = _max_abs(flat_grad) <= tolerance_grad
        else:
            x = _axpy(t, d, x)
            if n_iter != max_iter:
                loss, flat_grad = evaluate(x)
                opt_cond = _max_abs(flat_grad) <= tolerance_grad
                ls_func_evals = 1
        inner.append(x)
        current_evals += ls_func_evals
        func_evals += ls_func_evals
        # the checks
        if n_iter == max_iter or current_evals >= max_eval or opt_cond:
            break
        if _max_abs(d * t) <= tolerance_change:
            break
        if abs(loss - prev_loss) < tolerance_change:
            break

    t = float(t)
    old = len(old_dirs)
    dirs, stps, ros = (
        np.zeros_like(state.old_dirs),
        np.zeros_like(state.old_stps),
        np.zeros_like(state.ro),
    )
    if old:
        dirs[:old], stps[:old], ros[:old] = old_dirs, old_stps, ro
    inner_xy = np.full_like(state.inner_xy, np.nan)
    eval_xy = np.full_like(state.eval_xy, np.nan)
    if inner:
        inner_xy[: len(inner)] = inner
    eval_xy[: len(evaluated)] = evaluated
    new = LBFGSState(
        state.step + 1, np.array(float(func_evals)), np.array(float(n_iter_total)), d, np.array(t),
        dirs, stps, ros, np.array(old), np.array(H_diag), prev_flat_grad, np.array(prev_loss),
        inner_xy, eval_xy,
    )  # fmt: skip
    return x, new


def _strong_wolfe_one(
    along: Any,
    t: Any,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: Any,
    max_ls: int,
) -> tuple[float, np.ndarray, Any, int]:
    """torch's ``_strong_wolfe`` (from minFunc's lswolfe) for one run, line by line and with torch's types;
    ``along(t)`` evaluates p + t d."""
    d_norm = _Tensor(_max_abs(d))
    f_new, g_new = along(t)
    ls_func_evals = 1
    gtd_new = _Tensor(_dot(g_new, d))
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[Any] = []
    bracket_f: list[float] = []
    bracket_g: list[np.ndarray] = []
    bracket_gtd: list[Any] = [np.nan, np.nan]
    while ls_iter < max_ls:
        if f_new > (f + _C1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -_C2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_one(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = along(t)
        ls_func_evals += 1
        gtd_new = _Tensor(_dot(g_new, d))
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insuf_progress = False
    # (a one-point bracket is done: its low end is that point, also when its loss is NaN)
    low_pos, high_pos = (0, 1) if len(bracket) == 1 or bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < _LS_TOLERANCE_CHANGE:
            break
        t = _cubic_one(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = along(t)
        ls_func_evals += 1
        gtd_new = _Tensor(_dot(g_new, d))
        ls_iter += 1
        if f_new > (f + _C1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -_C2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


# -- N runs at once --------------------------------------------------------------------------------
def _per_run(value: Any, n: int) -> np.ndarray:
    """A hyperparameter as one value per run, shape (n,)."""
    if isinstance(value, np.ndarray):
        return value.reshape(-1).astype(float)
    return np.full(n, float(value))


class _Recorder:
    """The evaluation points of each run within one step (``eval_xy``), filled in order."""

    def __init__(self, closure: Any, n: int, slots: int) -> None:
        self.closure = closure
        self.points = np.full((n, slots, 2), np.nan)
        self.count = np.zeros(n, dtype=np.int64)

    def __call__(self, runs: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        slot = np.minimum(self.count[runs], self.points.shape[1] - 1)
        self.points[runs, slot] = p
        self.count[runs] += 1
        f, g = self.closure(p)
        return np.array(f, dtype=float).reshape(-1), np.array(g, dtype=float).reshape(-1, 2)


def _step_batch(
    rule: LBFGS, closure: Any, x: np.ndarray, state: LBFGSState
) -> tuple[np.ndarray, LBFGSState]:
    n = len(x)
    lr = _per_run(rule.lr, n)
    tolerance_grad = _per_run(rule.tolerance_grad, n)
    tolerance_change = _per_run(rule.tolerance_change, n)
    max_iter, max_eval, history_size = rule.max_iter, rule.evaluations_cap, rule.history_size
    record = _Recorder(closure, n, max_eval + 1)

    func_evals, n_iter_total = state.func_evals.copy(), state.n_iter.copy()
    d, t = state.d.copy(), state.t.copy()
    # Within the step the history is held pair-major, one contiguous row of runs per pair and component:
    # the two-loop recursion walks the pairs in order, so it reads rows, not strided columns.
    yx, yy = _rows(state.old_dirs[..., 0]), _rows(state.old_dirs[..., 1])
    sx, sy = _rows(state.old_stps[..., 0]), _rows(state.old_stps[..., 1])
    ro = _rows(state.ro)
    num_old, H_diag = state.num_old.copy(), state.H_diag.copy()
    prev_flat_grad, prev_loss = state.prev_flat_grad.copy(), state.prev_loss.copy()
    inner_xy = np.full_like(state.inner_xy, np.nan)
    moves = np.zeros(n, dtype=np.int64)

    everyone = np.arange(n)
    loss, flat_grad = record(everyone, x)
    current_evals = np.ones(n, dtype=np.int64)
    func_evals += 1
    active = everyone[~(_max_abs(flat_grad) <= tolerance_grad)]
    n_iter = 0
    while active.size and n_iter < max_iter:
        n_iter += 1  # the same for every active run: they started this step together
        A = active
        n_iter_total[A] += 1
        first = n_iter_total[A] == 1
        # -- the direction -----------------------------------------------------------------------
        F, R = A[first], A[~first]
        d[F] = -flat_grad[F]
        num_old[F] = 0
        H_diag[F] = 1.0
        if R.size:
            y = flat_grad[R] - prev_flat_grad[R]
            s = d[R] * t[R, None]
            ys = _dot(y, s)
            keep = ys > _YS_MIN
            U = R[keep]
            if U.size:
                full = U[num_old[U] == history_size]  # drop the oldest pair
                for rows in (yx, yy, sx, sy, ro):
                    rows[:-1, full] = rows[1:, full]
                num_old[full] -= 1
                slot = num_old[U]
                yx[slot, U], yy[slot, U] = y[keep, 0], y[keep, 1]
                sx[slot, U], sy[slot, U] = s[keep, 0], s[keep, 1]
                ro[slot, U] = 1.0 / ys[keep]
                num_old[U] += 1
                H_diag[U] = ys[keep] / _dot(y[keep], y[keep])
            most = int(num_old[R].max(initial=0))
            every = len(R) == n  # (R is sorted: then it is every run, and rows need no copy)
            pairs = [rows[:most] if every else rows[:most][:, R] for rows in (yx, yy, sx, sy, ro)]
            d[R] = _two_loop(-flat_grad[R], *pairs, num_old[R], H_diag[R])
        prev_flat_grad[A] = flat_grad[A]
        prev_loss[A] = loss[A]
        # -- the step length ---------------------------------------------------------------------
        initial = 1.0 / (np.abs(flat_grad[A, 0]) + np.abs(flat_grad[A, 1]))
        t[A] = np.where(first, np.where(initial < 1.0, initial, 1.0) * lr[A], lr[A])
        t_is_tensor = first & (initial < 1.0)  # torch: min(1.0, a tensor) is that tensor
        gtd = _dot(flat_grad[A], d[A])
        going = ~(gtd > -tolerance_change[A])
        M, gtd, t_is_tensor = A[going], gtd[going], t_is_tensor[going]
        if not M.size:
            break
        # -- the move ----------------------------------------------------------------------------
        if rule.line_search_fn is not None:
            f_new, g_new, t_new, ls_evals = _strong_wolfe_batch(
                record, M, x[M], t[M], t_is_tensor, d[M], loss[M], flat_grad[M], gtd,
                max_eval - current_evals[M],
            )  # fmt: skip
            t[M] = t_new
            x[M] = _axpy(t_new[:, None], d[M], x[M])
            loss[M], flat_grad[M] = f_new, g_new
            opt_cond = _max_abs(g_new) <= tolerance_grad[M]
        else:
            x[M] = _axpy(t[M, None], d[M], x[M])
            if n_iter != max_iter:
                loss[M], flat_grad[M] = record(M, x[M])
                opt_cond = _max_abs(flat_grad[M]) <= tolerance_grad[M]
                ls_evals = np.ones(len(M), dtype=np.int64)
            else:
                opt_cond = np.zeros(len(M), dtype=bool)
                ls_evals = np.zeros(len(M), dtype=np.int64)
        inner_xy[M, moves[M]] = x[M]
        moves[M] += 1
        current_evals[M] += ls_evals
        func_evals[M] += ls_evals
        # -- the checks --------------------------------------------------------------------------
        stop = (current_evals[M] >= max_eval) | opt_cond
        stop |= _max_abs(d[M] * t[M, None]) <= tolerance_change[M]
        stop |= np.abs(loss[M] - prev_loss[M]) < tolerance_change[M]
        active = M[~stop]

    old_dirs = np.stack([yx.T, yy.T], axis=-1)
    old_stps = np.stack([sx.T, sy.T], axis=-1)
    new = LBFGSState(
        state.step + 1, func_evals, n_iter_total, d, t, old_dirs, old_stps, np.ascontiguousarray(ro.T),
        num_old, H_diag, prev_flat_grad, prev_loss, inner_xy, record.points,
    )  # fmt: skip
    return x, new


def _rows(runs_by_pairs: np.ndarray) -> np.ndarray:
    """(N, pairs) -> a contiguous (pairs, N) copy."""
    return np.ascontiguousarray(runs_by_pairs.T)


def _two_loop(
    q: np.ndarray,
    yx: np.ndarray,
    yy: np.ndarray,
    sx: np.ndarray,
    sy: np.ndarray,
    ro: np.ndarray,
    num_old: np.ndarray,
    H_diag: np.ndarray,
) -> np.ndarray:
    """torch's two-loop recursion for many runs, each over its own ``num_old`` stored pairs (in torch's
    order: newest to oldest, then oldest to newest). Pairs beyond a run's count are skipped by masks.

    ``yx, yy, sx, sy, ro`` are the pairs' components and ``1 / y.s``, one row per pair. The operations are
    the one-run port's (``_dot``, ``_axpy``) on the x and y components as separate arrays: the loop over the
    pairs is sequential, so its cost is numpy's per-call overhead.
    """
    most = len(yx)
    qx, qy = q[:, 0].copy(), q[:, 1].copy()
    al = np.zeros((max(most, 1), len(q)))
    every = bool((num_old == most).all())
    for i in range(most - 1, -1, -1):
        a = (sx[i] * qx + sy[i] * qy) * ro[i]
        al[i] = a
        nx, ny = qx + (-a) * yx[i], qy + (-a) * yy[i]
        if every:
            qx, qy = nx, ny
        else:
            on = i < num_old
            qx, qy = np.where(on, nx, qx), np.where(on, ny, qy)
    rx, ry = qx * H_diag, qy * H_diag
    for i in range(most):
        c = al[i] - (yx[i] * rx + yy[i] * ry) * ro[i]
        nx, ny = rx + c * sx[i], ry + c * sy[i]
        if every:
            rx, ry = nx, ny
        else:
            on = i < num_old
            rx, ry = np.where(on, nx, rx), np.where(on, ny, ry)
    return np.stack([rx, ry], axis=1)


def _strong_wolfe_batch(
    record: _Recorder,
    runs: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    t_is_tensor: np.ndarray,
    d: np.ndarray,
    f: np.ndarray,
    g: np.ndarray,
    gtd: np.ndarray,
    max_ls: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """torch's ``_strong_wolfe`` for many runs in lockstep: every pass, each run still searching makes
    its next decision (the same branches as :func:`_strong_wolfe_one`, through masks) and at most one
    evaluation. ``runs`` are the runs' rows in the step (for the recorder); the rest is one entry per run.
    The ``*_t`` flags say which step lengths are tensors in torch (see :func:`_divide`)."""
    m = len(runs)
    t, t_t = t.copy(), t_is_tensor.copy()
    d_norm = _max_abs(d)

    def along(i: np.ndarray, step: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        f_i, g_i = record(runs[i], _axpy(step[:, None], d[i], x[i]))
        return f_i, g_i, _dot(g_i, d[i])

    everyone = np.arange(m)
    f_new, g_new, gtd_new = along(everyone, t)
    ls_evals = np.ones(m, dtype=np.int64)
    t_prev, t_prev_t = np.zeros(m), np.zeros(m, dtype=bool)  # torch's t_prev = 0, an int
    f_prev, g_prev, gtd_prev = f.copy(), g.copy(), gtd.copy()
    done = np.zeros(m, dtype=bool)
    ls_iter = np.zeros(m, dtype=np.int64)
    # the bracket: two ends (a done run's one point is in both), their losses, gradients, slopes, and
    # whether each end is a tensor in torch
    b = np.zeros((m, 2))
    bf = np.zeros((m, 2))
    bg = np.zeros((m, 2, 2))
    bgtd = np.full((m, 2), np.nan)
    bt = np.zeros((m, 2), dtype=bool)

    def set_bracket(i: np.ndarray) -> None:
        b[i, 0], b[i, 1] = t_prev[i], t[i]
        bt[i, 0], bt[i, 1] = t_prev_t[i], t_t[i]
        bf[i, 0], bf[i, 1] = f_prev[i], f_new[i]
        bg[i, 0], bg[i, 1] = g_prev[i], g_new[i]
        bgtd[i, 0], bgtd[i, 1] = gtd_prev[i], gtd_new[i]

    # -- bracketing --------------------------------------------------------------------------------
    B = everyone
    while B.size:
        out = ~(ls_iter[B] < max_ls[B])  # ran out of evaluations: the bracket is [0, t]
        X = B[out]
        b[X, 0], b[X, 1] = 0.0, t[X]
        bt[X, 0], bt[X, 1] = False, t_t[X]
        bf[X, 0], bf[X, 1] = f[X], f_new[X]
        bg[X, 0], bg[X, 1] = g[X], g_new[X]
        B = B[~out]
        armijo = f[B] + _C1 * t[B] * gtd[B]
        high = (f_new[B] > armijo) | ((ls_iter[B] > 1) & (f_new[B] >= f_prev[B]))
        set_bracket(B[high])
        B = B[~high]
        wolfe = np.abs(gtd_new[B]) <= -_C2 * gtd[B]
        W = B[wolfe]
        b[W, 0] = b[W, 1] = t[W]
        bt[W, 0] = bt[W, 1] = t_t[W]
        bf[W, 0] = bf[W, 1] = f_new[W]
        bg[W, 0] = bg[W, 1] = g_new[W]
        done[W] = True
        B = B[~wolfe]
        rising = gtd_new[B] >= 0
        set_bracket(B[rising])
        B = B[~rising]
        if not B.size:
            break
        # extrapolate: the cubic's minimizer between t + (t - t_prev) / 100 and 10 t
        tB, tB_t = t[B], t_t[B]
        min_step = tB + 0.01 * (tB - t_prev[B])
        max_step = tB * 10
        flags = (t_prev_t[B], tB_t, t_prev_t[B] | tB_t, tB_t)
        t[B], t_t[B] = _cubic(
            t_prev[B], f_prev[B], gtd_prev[B], tB, f_new[B], gtd_new[B], flags, (min_step, max_step)
        )
        t_prev[B], t_prev_t[B] = tB, tB_t
        f_prev[B], g_prev[B], gtd_prev[B] = f_new[B], g_new[B], gtd_new[B]
        f_new[B], g_new[B], gtd_new[B] = along(B, t[B])
        ls_evals[B] += 1
        ls_iter[B] += 1

    # -- zoom --------------------------------------------------------------------------------------
    low = np.where(done | (bf[:, 0] <= bf[:, 1]), 0, 1)
    insuf = np.zeros(m, dtype=bool)
    Z = everyone[~done & (ls_iter < max_ls)]
    while Z.size:
        narrow = np.abs(b[Z, 1] - b[Z, 0]) * d_norm[Z] < _LS_TOLERANCE_CHANGE
        Z = Z[~narrow]
        if not Z.size:
            break
        b0, b1, b0_t, b1_t = b[Z, 0], b[Z, 1], bt[Z, 0], bt[Z, 1]
        tZ, tZ_t = _cubic(b0, bf[Z, 0], bgtd[Z, 0], b1, bf[Z, 1], bgtd[Z, 1], (b0_t, b1_t))
        # Python's max and min of the list [b0, b1]: b1 only if strictly beyond b0
        top, top_t = np.where(b1 > b0, b1, b0), np.where(b1 > b0, b1_t, b0_t)
        bottom, bottom_t = np.where(b1 < b0, b1, b0), np.where(b1 < b0, b1_t, b0_t)
        eps, eps_t = 0.1 * (top - bottom), top_t | bottom_t
        near = _py_min(top - tZ, tZ - bottom) < eps
        edge = insuf[Z] | (tZ >= top) | (tZ <= bottom)
        move = near & edge
        to_top = np.abs(tZ - top) < np.abs(tZ - bottom)
        tZ = np.where(move, np.where(to_top, top - eps, bottom + eps), tZ)
        tZ_t = np.where(move, np.where(to_top, top_t, bottom_t) | eps_t, tZ_t)
        insuf[Z] = near & ~edge
        t[Z], t_t[Z] = tZ, tZ_t
        f_new[Z], g_new[Z], gtd_new[Z] = along(Z, tZ)
        ls_evals[Z] += 1
        ls_iter[Z] += 1
        lo, hi = low[Z], 1 - low[Z]
        worse = (f_new[Z] > f[Z] + _C1 * tZ * gtd[Z]) | (f_new[Z] >= bf[Z, lo])
        # Armijo fails, or no lower than the low end: the point becomes the high end
        H, hH = Z[worse], hi[worse]
        b[H, hH], bt[H, hH], bf[H, hH] = t[H], t_t[H], f_new[H]
        bg[H, hH], bgtd[H, hH] = g_new[H], gtd_new[H]
        low[H] = np.where(bf[H, 0] <= bf[H, 1], 0, 1)
        # else: done if the curvature condition holds; the old low end becomes the high end if the
        # slope points away from it; the point becomes the low end
        L, lL, hL = Z[~worse], lo[~worse], hi[~worse]
        done[L] = np.abs(gtd_new[L]) <= -_C2 * gtd[L]
        swap = ~done[L] & (gtd_new[L] * (b[L, hL] - b[L, lL]) >= 0)
        S, lS, hS = L[swap], lL[swap], hL[swap]
        b[S, hS], bt[S, hS], bf[S, hS] = b[S, lS], bt[S, lS], bf[S, lS]
        bg[S, hS], bgtd[S, hS] = bg[S, lS], bgtd[S, lS]
        b[L, lL], bt[L, lL], bf[L, lL] = t[L], t_t[L], f_new[L]
        bg[L, lL], bgtd[L, lL] = g_new[L], gtd_new[L]
        Z = Z[~done[Z] & (ls_iter[Z] < max_ls[Z])]

    return bf[everyone, low], bg[everyone, low], b[everyone, low], ls_evals


__all__ = ["LBFGS", "LBFGSState"]
