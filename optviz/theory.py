r"""Closed-form rates, convergence regions and stationary noise for quadratics (no drawing).

On ``f(x) = 1/2 x' H x`` every rule in torch.optim's SGD family is linear, and it decouples along
the eigenvectors of H. Along an eigendirection with eigenvalue ``lam`` the state ``s = (x_k,
b_{k-1})`` (the iterate and torch's momentum buffer, zero before the first update, exactly as the
engine records them) evolves as ``s_{k+1} = M(lam) s_k``, so the per-step contraction of the run
is the spectral radius of M, maximised over the spectrum ``mu..L`` (see :func:`iteration_matrix`).

- GD (``torch.optim.SGD``, momentum 0): ``x <- x - lr g``. Converges iff ``lr < 2/L``; rate
  ``max(|1 - lr mu|, |1 - lr L|)``, smallest at ``lr = 2/(L + mu)``: ``(kappa - 1)/(kappa + 1)``.
- Momentum (torch's ``b <- rho b + g; x <- x - lr b``) is Polyak's heavy ball
  ``x_{k+1} = x_k - alpha grad f(x_k) + beta (x_k - x_{k-1})`` with ``alpha = lr, beta = rho``.
- Nesterov (torch's ``nesterov=True``; the stored iterate is the look-ahead point ``y_k``) has the
  characteristic polynomial of the classic scheme ``x_{k+1} = y_k - alpha grad f(y_k),
  y_{k+1} = x_{k+1} + beta (x_{k+1} - x_k)`` with ``alpha = lr, beta = rho``; torch's iterates are
  that scheme's ``y_k`` started from ``x_0 = y_0``, so the rates are the classic ones.

A *spectrum* is ``(mu, L)``, a quadratic surface (its exact ``mu`` and ``L``), or any surface with
a known minimum (the eigenvalues of its Hessian there: the local rate near the minimum).

>>> import optviz as ov
>>> q = ov.surface("quadratic", kappa=100)
>>> round(gd_rate(q, gd_optimal_lr(q)), 4), round(heavy_ball_optimal(q).rate, 4)
(0.9802, 0.8182)
>>> print(f"{nesterov_rate(q, 1 / q.L, nesterov_classic(q).rho):.4f}")
0.9000

The measured rates beside these predictions come from runs: ``python -m optviz.studies`` prints them
(:func:`optviz.studies.rate_table`).

References
----------
- B. T. Polyak (1964), "Some methods of speeding up the convergence of iteration methods", USSR
  Comput. Math. Math. Phys. 4(5): 1-17.
- Y. Nesterov (2004), *Introductory Lectures on Convex Optimization*, section 2.2.
- I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013), "On the importance of initialization and
  momentum in deep learning", ICML (the form torch implements).
- L. Lessard, B. Recht, A. Packard (2016), "Analysis and design of optimization algorithms via
  integral quadratic constraints", SIAM J. Optim. 26(1): 57-95.
- G. Goh (2017), "Why Momentum Really Works", Distill, doi:10.23915/distill.00006.
- J. D. Hamilton (1994), *Time Series Analysis*, section 3.4 (variance of an AR(2) process).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from optviz import _validate as check
from optviz._validate import ParameterError

RULES = ("gd", "momentum", "nesterov")


# -- spectra ---------------------------------------------------------------------------------------
class Spectrum(NamedTuple):
    """The extreme Hessian eigenvalues ``mu <= L`` of a positive definite quadratic."""

    mu: float
    L: float

    @property
    def kappa(self) -> float:
        return self.L / self.mu


def spectrum(s: Any) -> Spectrum:
    """``(mu, L)`` from a pair of numbers, a quadratic surface, or a surface with a known minimum.

    A quadratic gives its exact ``mu`` and ``L``. Any other surface gives the extreme eigenvalues
    of its Hessian at its global minimum (they must be positive): the rates near that minimum.

    >>> spectrum((1, 10))
    Spectrum(mu=1.0, L=10.0)
    >>> import optviz as ov
    >>> spectrum(ov.surface("quadratic", kappa=25, angle=30))
    Spectrum(mu=1.0, L=25.0)
    >>> [round(v, 4) for v in spectrum(ov.surface("rosenbrock"))]
    [0.3994, 1001.6006]
    >>> spectrum((10, 1))
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: spectrum: must be (mu, L) with 0 < mu <= L, got (10.0, 1.0)
    """
    from optviz.surfaces.base import Surface

    if isinstance(s, Spectrum):
        return s
    if isinstance(s, Surface):
        from optviz.surfaces.quadratic import Quadratic

        if isinstance(s, Quadratic):
            return Spectrum(float(s.mu), float(s.L))
        if len(s.minima) == 0:
            raise ParameterError(
                "surface",
                f"{s.name or type(s).__name__} has no known minimum to take a spectrum at",
            )
        eig = np.linalg.eigvalsh(np.asarray(s.hessian(s.minima[0]), dtype=float))
        if not eig[0] > 0:
            raise ParameterError(
                "surface",
                f"the Hessian at the minimum {s.minima[0].tolist()} is not positive definite "
                f"(eigenvalues {eig.tolist()})",
            )
        return Spectrum(float(eig[0]), float(eig[-1]))
    try:
        mu, L = s
    except (TypeError, ValueError):
        raise ParameterError("spectrum", f"must be (mu, L) or a surface, got {s!r}") from None
    mu, L = check.number("spectrum", mu), check.number("spectrum", L)
    if not 0 < mu <= L:
        raise ParameterError("spectrum", f"must be (mu, L) with 0 < mu <= L, got ({mu}, {L})")
    return Spectrum(mu, L)


def _rule(rule: str) -> str:
    return check.choice("rule", rule, RULES, what="rule")


def _out(value: np.ndarray) -> Any:
    """Plain floats for scalar inputs, arrays otherwise."""
    return float(value) if np.ndim(value) == 0 else value


# -- per-eigendirection dynamics -------------------------------------------------------------------
def iteration_matrix(rule: str, lam: Any, lr: Any, rho: Any = 0.0, *, form: str = "torch") -> Any:
    r"""The 2x2 matrix M with ``s_{k+1} = M s_k`` along an eigendirection with eigenvalue ``lam``.

    ``form="torch"`` (default): the state is ``s_k = (x_k, b_{k-1})``, the iterate and torch's
    momentum buffer before update k (zero at k = 0, which makes torch's first step ``b_0 = g_0``
    the general one). With ``a = lr, p = rho``::

        gd:        [[1 - a lam,           0    ], [lam, 0]]      (b = g: no memory)
        momentum:  [[1 - a lam,          -a p  ], [lam, p]]      (b = p b + g; x -= a b)
        nesterov:  [[1 - a lam (1 + p),  -a p^2], [lam, p]]      (x -= a (g + p b))

    ``form="companion"``: the state is ``(x_k, x_{k-1})`` and M is the companion matrix of the
    characteristic polynomial, ``[[t, -d], [1, 0]]`` with trace t and determinant d::

        gd:        t = 1 - a lam,              d = 0
        momentum:  t = 1 + p - a lam,          d = p              (Polyak 1964)
        nesterov:  t = (1 + p)(1 - a lam),     d = p (1 - a lam)  (Nesterov; Lessard et al. 2016)

    Both forms have the same eigenvalues. The torch form is what the engine computes: the tests
    hold ``M^k s_0`` equal to a run's recorded iterates and buffers, eigendirection by
    eigendirection. Inputs broadcast; the result has shape ``(..., 2, 2)``.

    >>> iteration_matrix("momentum", lam=10.0, lr=0.05, rho=0.9).tolist()
    [[0.5, -0.045], [10.0, 0.9]]
    >>> iteration_matrix("momentum", lam=10.0, lr=0.05, rho=0.9, form="companion").tolist()
    [[1.4, -0.9], [1.0, 0.0]]
    """
    rule = _rule(rule)
    form = check.choice("form", form, ("torch", "companion"), what="form")
    lam, a, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lam, lr, rho)))
    if rule == "gd":
        p = np.zeros_like(p)
    out = np.zeros((*lam.shape, 2, 2))
    if form == "companion":
        t, d = _trace_det(rule, lam, a, p)
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 0] = t, -d, 1.0
        return out
    out[..., 0, 0] = 1 - a * lam * (1 + p) if rule == "nesterov" else 1 - a * lam
    out[..., 0, 1] = -a * p * p if rule == "nesterov" else -a * p
    out[..., 1, 0] = lam
    out[..., 1, 1] = p
    return out


def _trace_det(rule: str, lam: Any, a: Any, p: Any) -> tuple[Any, Any]:
    """Trace and determinant of the iteration matrix (the characteristic polynomial's terms)."""
    if rule == "gd":
        return 1 - a * lam, np.zeros_like(np.asarray(a * lam, dtype=float))
    if rule == "momentum":
        return 1 + p - a * lam, p + 0 * lam
    c = 1 - a * lam
    return (1 + p) * c, p * c


def _radius(t: Any, d: Any) -> np.ndarray:
    """Largest |root| of z^2 - t z + d: sqrt(d) for complex roots, else (|t| + sqrt(t^2 - 4d))/2."""
    t, d = np.asarray(t, dtype=float), np.asarray(d, dtype=float)
    # A huge step (lr * lam ~ 1e300) overflows the discriminant to inf: the radius is then inf, a result.
    with np.errstate(invalid="ignore", over="ignore"):
        disc = t * t - 4 * d
        real = (np.abs(t) + np.sqrt(np.maximum(disc, 0.0))) / 2
        return np.where(disc < 0, np.sqrt(np.abs(d)), real)


def spectral_radius(rule: str, lam: Any, lr: Any, rho: Any = 0.0) -> Any:
    """The spectral radius of :func:`iteration_matrix` (closed form, broadcast over the inputs).

    At a double root (the tuned settings) the square root of a discriminant near 0 makes this
    accurate to about ``sqrt(eps)`` (1e-8) only; the tuned functions return their closed forms.

    >>> spectral_radius("gd", 10.0, 0.15)
    0.5
    >>> round(spectral_radius("momentum", 1.0, 0.1, 0.81), 12)  # complex roots: sqrt(rho)
    0.9
    """
    rule = _rule(rule)
    lam, a, p = (np.asarray(v, dtype=float) for v in (lam, lr, rho))
    return _out(_radius(*_trace_det(rule, lam, a, 0.0 * p if rule == "gd" else p)))


def rate(rule: Any, s: Any, lr: Any = None, rho: Any = 0.0) -> Any:
    r"""The worst per-step contraction over the spectrum ``mu..L``: ``max(r(mu), r(L))``.

    ``r(lam)`` is :func:`spectral_radius`. The maximum over the whole interval is at an end: r is
    a non-decreasing function of ``|t|`` (the trace) at fixed determinant for GD and heavy ball,
    with t linear in lam; for Nesterov r is ``sqrt(p c)`` or the larger real root, both increasing
    in ``|c|``, ``c = 1 - a lam``. A run converges iff the rate is below 1, and then its error
    decays like ``rate^k`` (times a polynomial in k where M has a double root, e.g. at the optimal
    heavy ball and classic Nesterov parameters).

    ``rule`` is a rule name with ``lr``/``rho``, or an optviz rule instance (``Momentum(lr=...)``):
    then torch's ``weight_decay`` shifts the spectrum by ``wd`` and Momentum's ``dampening`` d
    scales its gradient by ``1 - d`` after the first step (the asymptotic rate uses ``lr (1-d)``).

    >>> rate("gd", (1, 10), 0.1)
    0.9
    >>> import optviz as ov
    >>> round(rate(ov.Momentum(lr=0.05, rho=0.9), (1, 10)), 4)
    0.9487
    """
    from optviz.optimizers import Optimizer

    if isinstance(rule, Optimizer):
        name, lr, rho, wd = _rule_args(rule)
        mu, L = spectrum(s)
        return rate(name, (mu + wd, L + wd), lr, rho)
    rule = _rule(rule)
    if lr is None:
        raise ParameterError("lr", "is required with a rule name")
    mu, L = spectrum(s)
    return _out(np.maximum(spectral_radius(rule, mu, lr, rho), spectral_radius(rule, L, lr, rho)))


def predicted_rate(rule: Any, s: Any, *, noise: Any = None) -> float | None:
    """The per-step rate theory predicts for a run of ``rule`` (an Optimizer) on spectrum ``s``: None for a
    rule theory does not cover, or under gradient noise (the distance then settles at a noise level).

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=10)
    >>> round(predicted_rate(ov.GD(lr=0.1), q), 6), predicted_rate(ov.Adam(lr=0.1), q)
    (0.9, None)
    >>> predicted_rate(ov.GD(lr=0.1), q, noise=ov.GaussianNoise(0.5)) is None
    True
    """
    if getattr(rule, "name", None) not in RULES or noise is not None:
        return None
    return float(rate(rule, s))


def _rule_args(rule: Any) -> tuple[str, Any, Any, float]:
    if rule.name not in RULES:
        raise ParameterError("rule", f"theory covers gd, momentum and nesterov, not {rule.name!r}")
    if rule.n_values() is not None:
        raise ParameterError("rule", "pass a rule with scalar hyperparameters (not a sweep's)")
    lr = rule.lr * (1 - getattr(rule, "dampening", 0.0))
    return rule.name, lr, getattr(rule, "rho", 0.0), float(rule.weight_decay)


# -- gradient descent ------------------------------------------------------------------------------
def gd_threshold(s: Any) -> float:
    """The largest stable step of GD: ``2 / L`` (it converges iff ``0 < lr < 2/L``).

    >>> gd_threshold((1, 10))
    0.2
    """
    return 2.0 / spectrum(s).L


def gd_optimal_lr(s: Any) -> float:
    """The step that minimises GD's rate: ``2 / (L + mu)`` (Nesterov 2004, section 1.2.3).

    >>> round(gd_optimal_lr((1, 10)), 6)
    0.181818
    """
    mu, L = spectrum(s)
    return 2.0 / (L + mu)


def gd_rate(s: Any, lr: Any) -> Any:
    """GD's rate ``max(|1 - lr mu|, |1 - lr L|)``; at the optimal step ``(kappa-1)/(kappa+1)``.

    >>> gd_rate((1, 10), 0.1), round(gd_rate((1, 10), 2 / 11), 6)
    (0.9, 0.818182)
    """
    mu, L = spectrum(s)
    lr = np.asarray(lr, dtype=float)
    return _out(np.maximum(np.abs(1 - lr * mu), np.abs(1 - lr * L)))


# -- heavy ball ------------------------------------------------------------------------------------
class Tuned(NamedTuple):
    """Hyperparameters and the rate they give (``lr`` is torch's lr, ``rho`` its momentum)."""

    lr: float
    rho: float
    rate: float


def heavy_ball_region(alpha_lambda: Any, beta: Any) -> Any:
    """Where heavy ball converges along one eigendirection: ``0 < alpha lam < 2 + 2 beta``, ``|beta| < 1``.

    The Schur-Cohn (Jury) conditions on ``z^2 - (1 + beta - alpha lam) z + beta`` (Polyak 1964;
    Goh 2017, "the convergence region"). torch's momentum is ``beta`` in ``[0, 1)``.

    >>> heavy_ball_region([1.0, 3.7, 3.9], 0.9).tolist()
    [True, True, False]
    """
    al, b = np.asarray(alpha_lambda, dtype=float), np.asarray(beta, dtype=float)
    return (al > 0) & (al < 2 + 2 * b) & (np.abs(b) < 1)


def heavy_ball_optimal(s: Any) -> Tuned:
    r"""Polyak's optimal heavy ball for quadratics: ``alpha = 4/(sqrt L + sqrt mu)^2``,
    ``beta = ((sqrt kappa - 1)/(sqrt kappa + 1))^2``, rate ``(sqrt kappa - 1)/(sqrt kappa + 1)``.

    (Polyak 1964; Goh 2017; Lessard et al. 2016, Prop. 1.) Both ends of the spectrum then sit on a
    double root of modulus ``sqrt(beta)``, so the error decays like ``k r^k``.

    >>> heavy_ball_optimal((1, 100))  # doctest: +ELLIPSIS
    Tuned(lr=0.0330578..., rho=0.6694214..., rate=0.8181818...)
    """
    mu, L = spectrum(s)
    root = math.sqrt(L / mu)
    q = (root - 1) / (root + 1)
    return Tuned(lr=4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rho=q * q, rate=q)


def heavy_ball_tuned(s: Any, rho: Any) -> Tuned:
    r"""Heavy ball's best lr and rate for a *given* momentum ``rho`` (the lecture's "rho = 0.9 or 0.99").

    The rate is the larger modulus of the roots of ``z^2 - (1 + beta - alpha lam) z + beta`` at the
    spectrum's ends. Inside ``(1 - sqrt beta)^2 <= alpha lam <= (1 + sqrt beta)^2`` the roots are complex,
    of modulus ``sqrt beta`` whatever ``alpha``; outside, the larger one is ``(u + sqrt(u^2 - 4 beta))/2``
    with ``u = |1 + beta - alpha lam|``, growing with ``u``. The two ends balance at ``u_mu = u_L``:

    .. math:: \alpha^* = \frac{2 (1 + \beta)}{L + \mu}, \qquad
              u = (1 + \beta) \frac{\kappa - 1}{\kappa + 1}, \qquad
              r = \max\Bigl(\sqrt\beta,\ \tfrac12 \bigl(u + \sqrt{u^2 - 4\beta}\bigr)\Bigr),

    which is ``sqrt(beta)`` (every direction rings, damped by the friction alone) while ``kappa <=
    ((1 + sqrt beta)/(1 - sqrt beta))^2`` (1442 for 0.9, 158402 for 0.99), and tends to 1 beyond. In that
    regime every lr of the band ``[(1 - sqrt beta)^2 / mu, (1 + sqrt beta)^2 / L]`` gives ``sqrt(beta)``; the
    lr returned is then the band's geometric centre, away from the double roots at its ends (where the error
    decays like ``k r^k``, slower than ``r^k`` over any finite run).

    >>> heavy_ball_tuned((1, 100), 0.9)  # doctest: +ELLIPSIS
    Tuned(lr=0.0100..., rho=0.9, rate=0.9486...)
    >>> round(heavy_ball_tuned((1, 1e4), 0.9).rate, 6), round(heavy_ball_tuned((1, 1e4), 0.99).rate, 6)
    (0.99606, 0.994987)
    """
    mu, L = spectrum(s)
    beta = check.in_range("rho", rho, 0.0, 1.0, high_open=True)
    root = math.sqrt(beta)
    u = (1 + beta) * (L - mu) / (L + mu)
    if u * u <= 4 * beta:  # kappa within the ringing regime: the band's centre
        low, high = (1 - root) ** 2 / mu, (1 + root) ** 2 / L
        return Tuned(lr=math.sqrt(low * high), rho=beta, rate=root)
    outer = (u + math.sqrt(u * u - 4 * beta)) / 2
    return Tuned(lr=2 * (1 + beta) / (L + mu), rho=beta, rate=outer)


def heavy_ball_rate(s: Any, lr: Any, rho: Any) -> Any:
    """Heavy ball's (torch Momentum's) rate at any ``(lr, rho)``: the spectral radius over mu..L.

    >>> round(heavy_ball_rate((1, 100), 4 / 121, 81 / 121), 6)
    0.818182
    >>> heavy_ball_rate((1, 10), [0.1, 0.5], 0.5).round(4).tolist()  # sqrt(0.5); diverges
    [0.7071, 3.3508]
    """
    return rate("momentum", s, lr, rho)


# -- Nesterov --------------------------------------------------------------------------------------
def nesterov_region(alpha_lambda: Any, beta: Any) -> Any:
    """Where Nesterov converges along one eigendirection: ``0 < alpha lam < (2 + 2 beta)/(1 + 2 beta)``
    for ``0 <= beta < 1`` (Jury conditions on ``z^2 - (1+beta)(1-alpha lam) z + beta (1-alpha lam)``).

    >>> nesterov_region([1.0, 1.3, 1.4], 0.9).tolist()  # boundary 3.8 / 2.8 = 1.357
    [True, True, False]
    """
    al, b = np.asarray(alpha_lambda, dtype=float), np.asarray(beta, dtype=float)
    return (al > 0) & (al < (2 + 2 * b) / (1 + 2 * b)) & (b >= 0) & (b < 1)


def nesterov_classic(s: Any) -> Tuned:
    r"""Nesterov's constant-momentum scheme for strongly convex f: ``alpha = 1/L``,
    ``beta = (sqrt kappa - 1)/(sqrt kappa + 1)``; on a quadratic its rate is exactly
    ``1 - 1/sqrt kappa``.

    (Nesterov 2004, scheme 2.2.19.) At ``lam = mu`` the characteristic polynomial has the double
    root ``1 - 1/sqrt kappa`` (so the error decays like ``k r^k``); at ``lam = L`` both roots are 0
    and in between they are complex with smaller modulus. torch's ``SGD(nesterov=True)`` with
    ``lr = alpha, momentum = beta`` has the same iteration (its stored iterate is the look-ahead
    point), so the rate holds for it as is.

    >>> nesterov_classic((1, 100))  # doctest: +ELLIPSIS
    Tuned(lr=0.01, rho=0.8181818..., rate=0.9)
    """
    mu, L = spectrum(s)
    root = math.sqrt(L / mu)
    return Tuned(lr=1.0 / L, rho=(root - 1) / (root + 1), rate=1 - 1 / root)


def nesterov_optimal(s: Any) -> Tuned:
    r"""Nesterov's parameters tuned for quadratics: ``alpha = 4/(3L + mu)``,
    ``beta = (sqrt(3 kappa + 1) - 2)/(sqrt(3 kappa + 1) + 2)``, rate ``1 - 2/sqrt(3 kappa + 1)``.

    (Lessard, Recht, Packard 2016, section 4.) Faster than the classic choice, slower than the
    optimal heavy ball.

    >>> nesterov_optimal((1, 100))  # doctest: +ELLIPSIS
    Tuned(lr=0.0132890..., rho=0.7932747..., rate=0.8847219...)
    """
    mu, L = spectrum(s)
    root = math.sqrt(3 * L / mu + 1)
    return Tuned(lr=4.0 / (3 * L + mu), rho=(root - 2) / (root + 2), rate=1 - 2 / root)


def nesterov_rate(s: Any, lr: Any, rho: Any) -> Any:
    """Nesterov's (torch ``nesterov=True``) rate at any ``(lr, rho)``: the spectral radius over mu..L.

    >>> round(nesterov_rate((1, 100), 0.01, 9 / 11), 12)
    0.9
    """
    return rate("nesterov", s, lr, rho)


def max_lr(rule: str, s: Any, rho: Any = 0.0) -> Any:
    """The convergence boundary in lr for a spectrum: a run converges iff ``0 < lr < max_lr``.

    GD ``2/L``; heavy ball ``(2 + 2 rho)/L``; Nesterov ``(2 + 2 rho)/((1 + 2 rho) L)`` (the regions
    above at ``lam = L``, the binding end).

    >>> max_lr("gd", (1, 10)), max_lr("momentum", (1, 10), 0.9), round(max_lr("nesterov", (1, 10), 0.9), 6)
    (0.2, 0.38, 0.135714)
    """
    rule = _rule(rule)
    L = spectrum(s).L
    p = np.asarray(rho, dtype=float)
    if rule == "gd":
        return _out(2.0 / L + 0 * p)
    if rule == "momentum":
        return _out((2 + 2 * p) / L)
    return _out((2 + 2 * p) / ((1 + 2 * p) * L))


def optimal(rule: str, s: Any) -> Tuned:
    """The rate-optimal parameters of a rule on a spectrum (GD's rho is 0; Nesterov's are
    Lessard et al.'s quadratic-tuned ones).

    >>> optimal("gd", (1, 10))  # doctest: +ELLIPSIS
    Tuned(lr=0.1818..., rho=0.0, rate=0.8181...)
    """
    rule = _rule(rule)
    if rule == "gd":
        mu, L = spectrum(s)
        return Tuned(lr=gd_optimal_lr(s), rho=0.0, rate=(L - mu) / (L + mu))
    return heavy_ball_optimal(s) if rule == "momentum" else nesterov_optimal(s)


def gd_optimal_rate(kappa: Any) -> Any:
    """GD's rate at its optimal step ``2/(L + mu)``, from the condition number: ``(kappa - 1)/(kappa + 1)``.

    >>> gd_optimal_rate(10.0), gd_optimal_rate([1.0, 3.0]).tolist()
    (0.8181818181818182, [0.0, 0.5])
    """
    kappa = np.asarray(kappa, dtype=float)
    return _out((kappa - 1) / (kappa + 1))


# -- regularization --------------------------------------------------------------------------------
def regularized_condition_number(s: Any, lam: Any) -> Any:
    """kappa of ``f + lam |w|^2`` (the lecture's L2 penalty): ``(L + 2 lam)/(mu + 2 lam)``.

    The penalty's Hessian is ``2 lam I``, which shifts every eigenvalue. torch's
    ``weight_decay=wd`` adds ``wd * w`` to the gradient, i.e. ``lam = wd / 2``.

    >>> regularized_condition_number((1, 100), [0.0, 0.5, 5.0]).tolist()
    [100.0, 50.5, 10.0]
    """
    mu, L = spectrum(s)
    lam = np.asarray(lam, dtype=float)
    return _out((L + 2 * lam) / (mu + 2 * lam))


# -- stationary noise ------------------------------------------------------------------------------
def stationary_variance(h: Any, lr: Any, sigma: Any, rho: Any = 0.0, rule: str = "momentum") -> Any:
    r"""Stationary variance of the iterate of SGD on ``f = h/2 x^2`` with gradient ``h x + sigma z``.

    GD (``rho = 0``): ``x_{k+1} = (1 - eta h) x_k - eta sigma z_k``, an AR(1) process, so
    ``V = eta^2 sigma^2 / (1 - (1 - eta h)^2) = eta sigma^2 / (h (2 - eta h))``.

    Heavy ball in torch's form (``b = rho b + g; x -= eta b``) is the AR(2) process
    ``x_{k+1} = (1 + beta - eta h) x_k - beta x_{k-1} - eta sigma z_k`` (beta = rho), whose
    variance (Hamilton 1994, section 3.4) is ``(1 - phi2) s^2 / ((1 + phi2)((1 - phi2)^2 - phi1^2))``
    with ``phi1 = 1 + beta - eta h, phi2 = -beta, s = eta sigma``, which simplifies to::

        V = eta sigma^2 / ((1 - beta) h (2 - eta h / (1 + beta)))

    For ``rule="nesterov"`` there is no short form here: the value comes from the Lyapunov equation
    of :func:`stationary_covariance`. Inputs broadcast; where no stationary distribution exists
    (the iteration does not converge) the result is ``inf``.

    >>> round(stationary_variance(h=1.0, lr=0.1, sigma=1.0, rho=0.0), 6)
    0.052632
    >>> round(stationary_variance(h=1.0, lr=0.1, sigma=1.0, rho=0.9), 6)
    0.513514
    >>> stationary_variance(h=1.0, lr=2.5, sigma=1.0)
    inf
    """
    rule = _rule(rule)
    h, eta, s, beta = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (h, lr, sigma, rho))
    )
    if rule == "gd":
        beta = np.zeros_like(beta)
    stable = _radius(*_trace_det(rule, h, eta, beta)) < 1
    if rule == "nesterov":
        out = np.full(h.shape, np.inf)
        for i in np.ndindex(h.shape):
            if stable[i]:
                cov = stationary_covariance([[h[i]]], eta[i], s[i], rho=beta[i], rule="nesterov")
                out[i] = cov[0, 0]
        return _out(out)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = eta * s * s / ((1 - beta) * h * (2 - eta * h / (1 + beta)))
    return _out(np.where(stable, v, np.inf))


def _state_space(rule: str, H: np.ndarray, lr: float, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """``(M, B)`` with ``s_{k+1} = M s_k + B xi_k`` for the state ``(x_k, b_{k-1})`` in R^{2d}.

    xi_k is the gradient noise of step k; it enters torch's buffer like the gradient does.
    """
    d = len(H)
    eye = np.eye(d)
    p = 0.0 if rule == "gd" else rho
    top_left = eye - lr * (1 + p) * H if rule == "nesterov" else eye - lr * H
    top_right = -lr * p * p * eye if rule == "nesterov" else -lr * p * eye
    M = np.block([[top_left, top_right], [H, p * eye]])
    noise_in_x = -lr * (1 + p) * eye if rule == "nesterov" else -lr * eye
    B = np.vstack([noise_in_x, eye])
    return M, B


def stationary_covariance(
    H: Any,
    lr: float,
    sigma: float = 1.0,
    *,
    rho: float = 0.0,
    rule: str = "momentum",
    weight_decay: float = 0.0,
    noise_cov: Any = None,
    full: bool = False,
) -> np.ndarray:
    r"""Stationary covariance of the iterate of SGD on ``f = 1/2 x' H x`` in any dimension.

    With the state ``s = (x_k, b_{k-1})`` of :func:`iteration_matrix` (in d dimensions,
    ``M`` and the noise input ``B`` are block matrices), ``s_{k+1} = M s_k + B xi_k`` with noise
    covariance ``Q`` (``sigma^2 I`` for ``optviz.GaussianNoise(sigma)``). The stationary covariance
    solves the discrete Lyapunov equation ``S = M S M' + B Q B'``
    (``scipy.linalg.solve_discrete_lyapunov``); the iterate's covariance is its top-left d x d
    block (``full=True`` returns all of S). For Nesterov the iterate is torch's stored, look-ahead
    point, where the gradient is evaluated. ``weight_decay`` (torch's) adds ``wd I`` to H.

    ``H`` is a symmetric positive definite matrix, or a surface (its Hessian at its minimum). The
    1-D case equals the closed form of :func:`stationary_variance`.

    >>> stationary_covariance([[1.0]], lr=0.1, sigma=1.0, rho=0.9).round(6).tolist()
    [[0.513514]]
    >>> stationary_covariance([[1.0, 0.0], [0.0, 10.0]], lr=0.05, sigma=0.5, rule="gd").round(6).tolist()
    [[0.00641, 0.0], [0.0, 0.000833]]
    """
    from scipy.linalg import solve_discrete_lyapunov

    from optviz.surfaces.base import Surface

    rule = _rule(rule)
    if isinstance(H, Surface):
        if len(H.minima) == 0:
            raise ParameterError("H", "the surface has no known minimum")
        H = H.hessian(H.minima[0])
    H = np.atleast_2d(np.asarray(H, dtype=float))
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not np.all(np.isfinite(H)):
        raise ParameterError("H", f"must be a finite square matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=0):
        raise ParameterError("H", "must be symmetric")
    lr = check.positive("lr", lr)
    rho = check.in_range("rho", rho, 0.0, 1.0, high_open=True)
    H = H + check.nonnegative("weight_decay", weight_decay) * np.eye(len(H))
    d = len(H)
    if noise_cov is None:
        Q = check.nonnegative("sigma", sigma) ** 2 * np.eye(d)
    else:
        Q = np.asarray(noise_cov, dtype=float)
        if Q.shape != (d, d):
            raise ParameterError("noise_cov", f"must be {d} x {d}, got shape {Q.shape}")
    M, B = _state_space(rule, H, lr, rho)
    radius = float(np.max(np.abs(np.linalg.eigvals(M))))
    if not radius < 1:
        raise ParameterError(
            "lr",
            f"{rule} at lr={lr:g}, rho={rho:g} does not converge on this H (spectral radius "
            f"{radius:.4g} >= 1): there is no stationary distribution",
        )
    S = solve_discrete_lyapunov(M, B @ Q @ B.T)
    S = (S + S.T) / 2
    return S if full else S[:d, :d]


def stationary_loss(
    H: Any, lr: float, sigma: float = 1.0, *, geometric: bool = False, **kwargs: Any
) -> float:
    r"""Expected excess loss at stationarity, ``E[f(x)] - f* = 1/2 tr(H S)`` (S the iterate's covariance).

    H is the loss's Hessian (torch's ``weight_decay`` changes the dynamics, not the loss measured;
    with it the iterates centre on the minimum only when that is the origin).

    ``geometric=True`` gives the geometric mean ``exp(E[log(f - f*)])`` instead (what a log-scale
    plot of many runs centres on). With x ~ N(0, S), ``f - f* = sum_i w_i z_i^2`` where ``w_i`` are
    the eigenvalues of ``1/2 S^(1/2) H S^(1/2)``, and Frullani's integral
    ``log q = int_0^inf (e^-t - e^-qt)/t dt`` gives
    ``E[log(f - f*)] = int_0^inf (e^-t - prod_i (1 + 2 w_i t)^(-1/2)) / t dt``, evaluated by
    quadrature. Other keywords as :func:`stationary_covariance`.

    >>> round(stationary_loss([[1.0, 0.0], [0.0, 10.0]], lr=0.05, sigma=0.5, rule="gd"), 6)
    0.007372
    >>> V = stationary_variance(h=2.0, lr=0.1, sigma=1.0, rho=0.0)  # 1-D: f = V z^2, z ~ N(0, 1)
    >>> round(stationary_loss([[2.0]], lr=0.1, sigma=1.0, rule="gd", geometric=True), 6)
    0.007798
    >>> from scipy.special import digamma
    >>> round(float(V * np.exp(digamma(0.5) + np.log(2))), 6)  # E[log z^2] = psi(1/2) + log 2
    0.007798
    """
    from optviz.surfaces.base import Surface

    matrix = H.hessian(H.minima[0]) if isinstance(H, Surface) and len(H.minima) else H
    S = stationary_covariance(H, lr, sigma, **kwargs)
    matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
    if not geometric:
        return 0.5 * float(np.trace(matrix @ S))
    return float(np.exp(_mean_log_quadratic_form(S, matrix)))


def _mean_log_quadratic_form(S: np.ndarray, H: np.ndarray) -> float:
    """``E[log(1/2 x' H x)]`` for x ~ N(0, S), by Frullani's integral (see :func:`stationary_loss`)."""
    from scipy.integrate import quad

    vals, vecs = np.linalg.eigh(S)
    root = vecs @ np.diag(np.sqrt(np.maximum(vals, 0.0))) @ vecs.T
    w = np.linalg.eigvalsh(0.5 * root @ H @ root)
    w = w[w > 0]

    def integrand(t: float) -> float:
        return (np.exp(-t) - np.prod((1 + 2 * w * t) ** -0.5)) / t

    # split at t = 1 / w_max, where the product turns over, for an accurate tail
    knee = 1.0 / (2 * float(w.max()))
    head = quad(integrand, 0.0, knee, limit=200)[0]
    tail = quad(integrand, knee, np.inf, limit=200)[0]
    return head + tail


__all__ = [
    "RULES",
    "Spectrum",
    "Tuned",
    "gd_optimal_lr",
    "gd_optimal_rate",
    "gd_rate",
    "gd_threshold",
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "heavy_ball_region",
    "heavy_ball_tuned",
    "iteration_matrix",
    "max_lr",
    "nesterov_classic",
    "nesterov_optimal",
    "nesterov_rate",
    "nesterov_region",
    "optimal",
    "predicted_rate",
    "rate",
    "regularized_condition_number",
    "spectral_radius",
    "spectrum",
    "stationary_covariance",
    "stationary_loss",
    "stationary_variance",
]
