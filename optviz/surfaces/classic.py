"""The classic optimization test functions, with their published minima.

Formulas, domains and minima follow Jamil & Yang (2013), "A literature survey of benchmark functions
for global optimisation problems", and the Virtual Library of Simulation Experiments (Surjanovic &
Bingham, sfu.ca/~ssurjano). Where the published coordinates are rounded, the stored ones are the
exact critical points to full double precision (Newton's method on the analytic gradient from the
published digits); the tests check both that they round to the published digits and that the
gradient vanishes there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.surfaces.base import Surface
from optviz.surfaces.registry import register_surface

# -- critical points, to full double precision -----------------------------------------------------
# Found by Newton's method on the analytic gradient from a 60 x 60 grid of starts over each view and
# classified by the Hessian's eigenvalues (optviz.analysis.refine_critical_points and
# critical_point_kind); the tests check that the gradient vanishes at each and that each rounds to
# its published digits.

HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.2831859912861696),
    (3.5844283403304917, -1.8481265269644036),
]
HIMMELBLAU_SADDLES = [
    (0.08667750455539636, 2.884254701174776),
    (-3.0730257507643897, -0.08135304428796751),
    (3.385154183607021, 0.07385187983774928),
    (-0.12796134673068005, -1.9537149802445766),
]
HIMMELBLAU_MAXIMA = [(-0.27084459066734756, -0.9230385564799816)]

_CAMEL_GLOBAL = (0.08984201310031807, -0.7126564030207396)
_CAMEL_LOW = (1.7036067149699807, -0.7960835686726251)  # value -0.2155
_CAMEL_HIGH = (1.6071047529201972, 0.5686514548841314)  # value 2.1043
CAMEL_MINIMA = [
    (s * x, s * y) for x, y in (_CAMEL_GLOBAL, _CAMEL_LOW, _CAMEL_HIGH) for s in (1, -1)
]
CAMEL_SADDLES = [(0.0, 0.0)] + [
    (s * x, s * y)
    for x, y in (
        (1.1092053368047863, -0.7682680925095399),
        (1.6380679841897787, 0.22867406904439408),
        (1.2960702671671092, 0.6050843880386585),
    )
    for s in (1, -1)
]
CAMEL_MAXIMA = [
    (1.2302298765166526, 0.16233458445899496),
    (-1.2302298765166526, -0.16233458445899496),
]

# Styblinski-Tang is separable: each coordinate sits at a root of 2t^3 - 16t + 2.5.
_ST_DEEP, _ST_TOP, _ST_SHALLOW = -2.903534027771177, 0.1567312567803401, 2.7468027709908367
ST_MINIMA = [
    (_ST_DEEP, _ST_DEEP),
    (_ST_DEEP, _ST_SHALLOW),
    (_ST_SHALLOW, _ST_DEEP),
    (_ST_SHALLOW, _ST_SHALLOW),
]
ST_SADDLES = [
    (_ST_DEEP, _ST_TOP),
    (_ST_TOP, _ST_DEEP),
    (_ST_TOP, _ST_SHALLOW),
    (_ST_SHALLOW, _ST_TOP),
]
ST_MAXIMA = [(_ST_TOP, _ST_TOP)]

# Goldstein-Price's critical points are exact multiples of 0.2 (checked in rational arithmetic):
# values 3, 30, 84, 840 at the minima; 35, 99, 980, 990 at the saddles; 1155 at the local maximum
# (0.8, 0.2).
GP_MINIMA = [(0.0, -1.0), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)]
GP_SADDLES = [(-0.4, -0.6), (1.2, -0.2), (1.4, 0.6), (0.6, 0.4)]
GP_MAXIMA = [(0.8, 0.2)]


@register_surface("rosenbrock")
class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley (a - x)^2 + b (y - x^2)^2; minimum 0 at (a, a^2).

    >>> s = Rosenbrock()
    >>> float(s.value([-1.2, 1.0])), s.grad([-1.2, 1.0]).tolist()
    (24.2, [-215.6, -88.0])
    """

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        from optviz import _validate as check

        self.a = check.number("a", a)
        self.b = check.positive("b", b)
        super().__init__(
            title="Rosenbrock",
            latex=rf"({self.a:g}-x)^2 + {self.b:g}\,(y-x^2)^2",
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            start=(-1.2, 1.0),
            minima=[(self.a, self.a**2)],
            params={"a": self.a, "b": self.b},
            level_scale="log",
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        r = y - x * x
        return -2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 2 - 4 * self.b * (y - 3 * x * x), -4 * self.b * x, 2 * self.b + 0 * x


@register_surface("beale")
class Beale(Surface):
    r"""Beale's function: flat plateaus and steep, curved valleys; minimum 0 at (3, 0.5).

    ``f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2``. Besides the minimum it
    has a saddle at (0, 1) (Hessian eigenvalues +-27.75) and one near (0.1005, -2.6445). The
    suggested start (1, 1.4) sits just above the narrow valley that curves to the minimum: GD (lr =
    1e-3) crawls along it and is still at f = 0.08 after 1,000 steps, while Adam (lr = 0.05) reaches
    f < 1e-6 (log-spaced levels show the valley).

    >>> s = Beale()
    >>> float(s.value([3.0, 0.5])), s.grad([3.0, 0.5]).tolist()
    (0.0, [0.0, 0.0])
    >>> s.hessian([0.0, 1.0]).tolist()
    [[0.0, 27.75], [27.75, 0.0]]
    """

    def __init__(self) -> None:
        super().__init__(
            title="Beale",
            latex=r"(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
            bounds=((-4.5, 4.5), (-4.5, 4.5)),
            start=(1.0, 1.4),
            minima=[(3.0, 0.5)],
            saddles=[(0.0, 1.0), (0.10053793732415832, -2.6445135850231254)],
            level_scale="log",
        )

    @staticmethod
    def _terms(x: np.ndarray, y: np.ndarray) -> tuple[Any, ...]:
        y2 = y * y
        return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        t1, t2, t3 = self._terms(x, y)
        return t1 * t1 + t2 * t2 + t3 * t3

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        t1, t2, t3 = self._terms(x, y)
        y2 = y * y
        gx = 2 * (t1 * (y - 1) + t2 * (y2 - 1) + t3 * (y2 * y - 1))
        gy = 2 * x * (t1 + 2 * y * t2 + 3 * y2 * t3)
        return gx, gy

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        # f = sum t_i^2, so H = 2 sum (grad t_i grad t_i' + t_i Hess t_i).
        t1, t2, t3 = self._terms(x, y)
        y2 = y * y
        a1, a2, a3 = y - 1, y2 - 1, y2 * y - 1  # d t_i / dx
        b1, b2, b3 = x, 2 * x * y, 3 * x * y2  # d t_i / dy
        hxx = 2 * (a1 * a1 + a2 * a2 + a3 * a3)
        hxy = 2 * (a1 * b1 + a2 * b2 + a3 * b3 + t1 + 2 * y * t2 + 3 * y2 * t3)
        hyy = 2 * (b1 * b1 + b2 * b2 + b3 * b3 + 2 * x * t2 + 6 * x * y * t3)
        return hxx, hxy, hyy


@register_surface("himmelblau")
class Himmelblau(Surface):
    r"""Himmelblau's function: four global minima of value 0, four saddles and a local maximum.

    ``f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2``. The minima are (3, 2) and three irrational points,
    (-2.805118, 3.131312), (-3.779310, -3.283186) and (3.584428, -1.848126); the saddles are near
    (0.086677, 2.884254), (-3.073026, -0.081353), (3.385154, 0.073852) and (-0.127961, -1.953715);
    the local maximum is near (-0.270845, -0.923039) with value 181.617. All are stored to full
    double precision (``minima``, ``saddles``, ``maxima``). From the suggested start (0.5, -0.5),
    beside the maximum, the rule decides the outcome: GD (lr = 0.01) ends at (3.584, -1.848),
    Momentum (lr = 0.005, rho = 0.9) at (3, 2).

    >>> s = Himmelblau()
    >>> s.minima.round(5).tolist()
    [[3.0, 2.0], [-2.80512, 3.13131], [-3.77931, -3.28319], [3.58443, -1.84813]]
    >>> round(float(s.value(s.maxima[0])), 3)
    181.617
    """

    def __init__(self) -> None:
        super().__init__(
            title="Himmelblau",
            latex=r"(x^2+y-11)^2 + (x+y^2-7)^2",
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            start=(0.5, -0.5),
            minima=HIMMELBLAU_MINIMA,
            saddles=HIMMELBLAU_SADDLES,
            maxima=HIMMELBLAU_MAXIMA,
            level_scale="log",
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        u, v = x * x + y - 11, x + y * y - 7
        return 4 * x * u + 2 * v, 2 * u + 4 * y * v

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        u, v = x * x + y - 11, x + y * y - 7
        return 4 * u + 8 * x * x + 2, 4 * (x + y), 4 * v + 8 * y * y + 2


@register_surface("booth")
class Booth(Surface):
    r"""Booth's function, a quadratic with condition number 9; minimum 0 at (1, 3).

    ``f = (x + 2y - 7)^2 + (2x + y - 5)^2``. Its Hessian [[10, 8], [8, 10]] has eigenvalues 2 (along
    (1, -1)) and 18 (along (1, 1)). The suggested start (9, -3) lies far out along the shallow
    direction: GD with lr = 0.1 (near 2/L = 1/9) zigzags across the valley while it creeps along it.

    >>> s = Booth()
    >>> float(s.value([1.0, 3.0])), s.hessian([0.0, 0.0]).tolist()
    (0.0, [[10.0, 8.0], [8.0, 10.0]])
    """

    def __init__(self) -> None:
        super().__init__(
            title="Booth",
            latex=r"(x+2y-7)^2 + (2x+y-5)^2",
            bounds=((-10.0, 10.0), (-10.0, 10.0)),
            start=(9.0, -3.0),
            minima=[(1.0, 3.0)],
            level_scale="log",
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        u, v = x + 2 * y - 7, 2 * x + y - 5
        return 2 * u + 4 * v, 4 * u + 2 * v

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 10.0, 8.0, 10.0


@register_surface("matyas")
class Matyas(Surface):
    r"""Matyas' function, a flat diagonal valley (condition number 25); minimum 0 at (0, 0).

    ``f = 0.26 (x^2 + y^2) - 0.48 xy``: Hessian eigenvalues 0.04 along (1, 1) and 1 along (1, -1).
    From the suggested start (-9, -5), GD with lr = 1.8 (near 2/L = 2) zigzags down the long
    diagonal valley.

    >>> s = Matyas()
    >>> float(s.value([1.0, 1.0]))
    0.04
    """

    def __init__(self) -> None:
        super().__init__(
            title="Matyas",
            latex=r"0.26\,(x^2+y^2) - 0.48\,xy",
            bounds=((-10.0, 10.0), (-10.0, 10.0)),
            start=(-9.0, -5.0),
            minima=[(0.0, 0.0)],
            level_scale="log",
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 0.26 * (x * x + y * y) - 0.48 * x * y

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 0.52, -0.48, 0.52


@register_surface("six_hump_camel")
class SixHumpCamel(Surface):
    r"""Six-hump camel: global minima -1.0316284535 at +-(0.0898420, -0.7126564), four local ones.

    ``f = (4 - 2.1 x^2 + x^4/3) x^2 + xy + (4y^2 - 4) y^2``. The local minima are +-(-1.7036,
    0.7961) with value -0.2155 and +-(1.6071, 0.5687) with value 2.1043 (``minima``, global first);
    ``saddles`` holds its seven saddles and ``maxima`` its two local maxima. From the suggested
    start (-1.5, -1), GD (lr = 0.02) stops in the highest basin, at (-1.6071, -0.5687); Momentum (lr
    = 0.005, rho = 0.9) crosses into (-1.7036, 0.7961).

    >>> s = SixHumpCamel()
    >>> round(float(s.value(s.minima[0])), 10), s.minima[:2].round(7).tolist()
    (-1.0316284535, [[0.089842, -0.7126564], [-0.089842, 0.7126564]])
    """

    def __init__(self) -> None:
        super().__init__(
            title="Six-hump camel",
            latex=r"(4 - 2.1x^2 + \frac{1}{3}x^4)\,x^2 + xy + (4y^2 - 4)\,y^2",
            bounds=((-2.0, 2.0), (-1.5, 1.5)),
            start=(-1.5, -1.0),
            minima=CAMEL_MINIMA,
            saddles=CAMEL_SADDLES,
            maxima=CAMEL_MAXIMA,
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x2, y2 = x * x, y * y
        return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (4 * y2 - 4) * y2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        x2 = x * x
        return x * (8 - 8.4 * x2 + 2 * x2 * x2) + y, x - 8 * y + 16 * y * y * y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        x2 = x * x
        return 8 - 25.2 * x2 + 10 * x2 * x2, 1.0, -8 + 48 * y * y


@register_surface("styblinski_tang")
class StyblinskiTang(Surface):
    r"""Styblinski-Tang in 2-D: minimum -78.33233141 at (-2.903534, -2.903534), three local minima.

    ``f = 1/2 sum (t^4 - 16 t^2 + 5 t)`` over t in (x, y), separable: each coordinate has the
    critical points -2.903534 (the deeper minimum), 0.156731 (a maximum) and 2.746803 (the shallower
    minimum). Their combinations give four minima, four saddles and one maximum. From the suggested
    start (4.5, 0), GD (lr = 0.01) ends in the local minimum (2.7468, -2.9035); Momentum (rho = 0.9,
    lr = 0.005 or 0.01) rolls on to the global one.

    >>> s = StyblinskiTang()
    >>> round(float(s.value(s.minima[0])), 8)
    -78.33233141
    """

    def __init__(self) -> None:
        super().__init__(
            title="Styblinski-Tang",
            latex=r"\frac{1}{2}\,(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)",
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            start=(4.5, 0.0),
            minima=ST_MINIMA,
            saddles=ST_SADDLES,
            maxima=ST_MAXIMA,
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x2, y2 = x * x, y * y
        return 0.5 * (x2 * x2 - 16 * x2 + 5 * x + y2 * y2 - 16 * y2 + 5 * y)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return 2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 6 * x * x - 16, 0.0, 6 * y * y - 16


@register_surface("rastrigin")
class Rastrigin(Surface):
    r"""Rastrigin's function: a bowl covered in a grid of local minima; global minimum 0 at (0, 0).

    ``f = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)``. Only the global minimum is listed: the
    local ones sit near every integer point. The view is the centre of the usual domain [-5.12,
    5.12]^2; from the suggested start (2.2, 1.6) small-step GD stops in the nearest dip, at (1.99,
    1.99).

    >>> s = Rastrigin()
    >>> float(s.value([0.0, 0.0])), float(s.value([1.0, 1.0]))
    (0.0, 2.0)
    """

    def __init__(self) -> None:
        super().__init__(
            title="Rastrigin",
            latex=r"20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
            bounds=((-4.0, 4.0), (-3.0, 3.0)),
            start=(2.2, 1.6),
            minima=[(0.0, 0.0)],
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        tau = 2 * np.pi
        return 20 + x * x - 10 * np.cos(tau * x) + y * y - 10 * np.cos(tau * y)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        tau = 2 * np.pi
        return 2 * x + 10 * tau * np.sin(tau * x), 2 * y + 10 * tau * np.sin(tau * y)

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        tau = 2 * np.pi
        return 2 + 10 * tau * tau * np.cos(tau * x), 0.0, 2 + 10 * tau * tau * np.cos(tau * y)


@register_surface("ackley")
class Ackley(Surface):
    r"""Ackley's function: a nearly flat, bumpy plateau around a sharp funnel; minimum 0 at (0, 0).

    ``f = -20 exp(-0.2 sqrt((x^2 + y^2)/2)) - exp((cos 2 pi x + cos 2 pi y)/2) + e + 20``. The first
    term is a cone at the origin: its gradient has length 2 sqrt(2) from every side but no limit,
    and its Hessian grows like 1/r. At the origin itself the gradient is defined as 0 (the minimum's
    subgradient) and the Hessian as that of the smooth cosine term alone, 2 pi^2 e I; everywhere
    else both are exact. From the suggested start (2.2, 1.6), small-step GD stops in the nearest dip
    of the plateau.

    >>> s = Ackley()
    >>> float(s.value([0.0, 0.0])), s.grad([0.0, 0.0]).tolist()
    (0.0, [0.0, 0.0])
    >>> round(float(np.linalg.norm(s.grad([1e-9, 0.0]))), 6)  # the cone's slope, 2 sqrt(2)
    2.828427
    """

    def __init__(self) -> None:
        super().__init__(
            title="Ackley",
            latex=(r"-20\,e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"),
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            start=(2.2, 1.6),
            minima=[(0.0, 0.0)],
        )

    @staticmethod
    def _radius(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        s = np.sqrt(0.5 * (x * x + y * y))
        cusp = s == 0
        # The cone's derivatives divide by s; at the origin they are replaced below, so any safe s
        # will do.
        return s, cusp, np.where(cusp, 1.0, s)

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        tau = 2 * np.pi
        s = np.sqrt(0.5 * (x * x + y * y))
        waves = np.exp(0.5 * (np.cos(tau * x) + np.cos(tau * y)))
        # Grouped so that the minimum comes out as exactly 0.0: (e - e) + (20 - 20).
        return (np.e - waves) + 20 * (1 - np.exp(-0.2 * s))

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        tau = 2 * np.pi
        s, cusp, safe = self._radius(x, y)
        cone = np.where(cusp, 0.0, 2 * np.exp(-0.2 * s) / safe)  # d/dx of the cone is cone * x
        waves = np.pi * np.exp(0.5 * (np.cos(tau * x) + np.cos(tau * y)))
        return cone * x + waves * np.sin(tau * x), cone * y + waves * np.sin(tau * y)

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        tau = 2 * np.pi
        s, cusp, safe = self._radius(x, y)
        e = np.exp(-0.2 * s)
        # Cone term A = -20 exp(-0.2 s), s = sqrt((x^2+y^2)/2):  A_x = 2 e x / s and
        # A_xy = -2 e x y (0.1 / s^2 + 0.5 / s^3),  A_xx = 2 e / s + that formula with y -> x.
        k = np.where(cusp, 0.0, -2 * e * (0.1 / safe**2 + 0.5 / safe**3))
        diag = np.where(cusp, 0.0, 2 * e / safe)
        c = np.exp(0.5 * (np.cos(tau * x) + np.cos(tau * y)))
        sx, sy = np.sin(tau * x), np.sin(tau * y)
        pi2 = np.pi * np.pi
        hxx = diag + k * x * x + pi2 * c * (2 * np.cos(tau * x) - sx * sx)
        hyy = diag + k * y * y + pi2 * c * (2 * np.cos(tau * y) - sy * sy)
        hxy = k * x * y - pi2 * c * sx * sy
        return hxx, hxy, hyy


@register_surface("goldstein_price")
class GoldsteinPrice(Surface):
    r"""Goldstein-Price: values over six decades; minimum 3 at (0, -1), local minima 30, 84, 840.

    ``f = [1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)] [30 + (2x-3y)^2 (18 - 32x + 12x^2 +
    48y - 36xy + 27y^2)]``. The local minima are (-0.6, -0.4) (value 30), (1.8, 0.2) (84) and (1.2,
    0.8) (840), all stored with ``minima``; ``saddles`` holds the four saddles and ``maxima`` the
    local maximum (0.8, 0.2). From the suggested start (-1, 0.5), GD (lr = 1e-5) settles in the
    local minimum (-0.6, -0.4); Momentum (lr = 2e-6, rho = 0.9) reaches the global one.

    >>> s = GoldsteinPrice()
    >>> [round(float(v), 9) for v in s.value(s.minima)]
    [3.0, 30.0, 84.0, 840.0]
    """

    # Its polynomial takes six times the quadratic's time (benchmarks/surface_cost.py); the others are within
    # about 2x of it, inside the margin of the work cap.
    COST = 6.0

    def __init__(self) -> None:
        super().__init__(
            title="Goldstein-Price",
            latex=(
                r"[1 + (x+y+1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]"
                r"\,[30 + (2x-3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]"
            ),
            bounds=((-2.0, 2.0), (-2.0, 2.0)),
            start=(-1.0, 0.5),
            minima=GP_MINIMA,
            saddles=GP_SADDLES,
            maxima=GP_MAXIMA,
            level_scale="log",
        )

    @staticmethod
    def _parts(x: np.ndarray, y: np.ndarray) -> tuple[Any, ...]:
        # f = A B with A = 1 + a^2 P and B = 30 + b^2 Q; returns A, B and their first and second
        # derivatives.
        a, b = x + y + 1, 2 * x - 3 * y
        P = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
        Q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
        Px = Py = -14 + 6 * x + 6 * y  # P_xx = P_xy = P_yy = 6
        Qx, Qy = -32 + 24 * x - 36 * y, 48 - 36 * x + 54 * y  # Q_xx = 24, Q_xy = -36, Q_yy = 54
        A, B = 1 + a * a * P, 30 + b * b * Q
        Ax, Ay = 2 * a * P + a * a * Px, 2 * a * P + a * a * Py
        Bx, By = 4 * b * Q + b * b * Qx, -6 * b * Q + b * b * Qy
        Axx = 2 * P + 4 * a * Px + 6 * a * a
        Axy = 2 * P + 2 * a * (Px + Py) + 6 * a * a
        Ayy = 2 * P + 4 * a * Py + 6 * a * a
        Bxx = 8 * Q + 8 * b * Qx + 24 * b * b
        Bxy = -12 * Q + 4 * b * Qy - 6 * b * Qx - 36 * b * b
        Byy = 18 * Q - 12 * b * Qy + 54 * b * b
        return A, B, Ax, Ay, Bx, By, Axx, Axy, Ayy, Bxx, Bxy, Byy

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        a, b = x + y + 1, 2 * x - 3 * y
        P = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
        Q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
        return (1 + a * a * P) * (30 + b * b * Q)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        A, B, Ax, Ay, Bx, By = self._parts(x, y)[:6]
        return Ax * B + A * Bx, Ay * B + A * By

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        A, B, Ax, Ay, Bx, By, Axx, Axy, Ayy, Bxx, Bxy, Byy = self._parts(x, y)
        hxx = Axx * B + 2 * Ax * Bx + A * Bxx
        hxy = Axy * B + Ax * By + Ay * Bx + A * Bxy
        hyy = Ayy * B + 2 * Ay * By + A * Byy
        return hxx, hxy, hyy
