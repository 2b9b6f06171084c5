"""optviz equals torch.optim, checked on every run without torch: tests/fixtures/torch_reference.npz.

The fixture holds torch 2.13.0's trajectories (CPU, float64) for every rule that has a torch.optim counterpart,
with their non-default options, every schedule (OneCycleLR on every rule with a momentum to cycle), and
L-BFGS with and without the strong-Wolfe line search, each on an ill-conditioned quadratic, Rosenbrock and
logistic regression. ``python tests/fixtures/make_torch_fixtures.py`` (with ``torch==2.13.0``) rebuilds it.
What "equal" means is in tests/_torch_reference.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from _torch_reference import assert_equals_torch, generator

import optviz as ov

MANIFEST, ARRAYS = generator().read()
CASES = {case["id"]: case for case in MANIFEST["cases"]}


def test_the_fixture_was_recorded_from_torch_2_13_with_this_case_list():
    assert MANIFEST["format"] == "optviz.torch_reference/1"
    assert MANIFEST["torch"].split("+")[0] == "2.13.0"
    assert MANIFEST["cases"] == generator().cases(), "rerun tests/fixtures/make_torch_fixtures.py"
    assert set(ARRAYS) == set(CASES)


def test_the_fixture_covers_every_rule_schedule_and_surface():
    cases = list(CASES.values())
    with_torch = set(ov.rule_names()) - {"newton", "random_search"}  # no torch.optim counterpart
    surfaces = {c["surface"]["name"] for c in cases}
    assert surfaces == {"quadratic", "rosenbrock", "logistic_regression"}
    for name in surfaces:
        here = [c for c in cases if c["surface"]["name"] == name]
        assert {c["rule"] for c in here} == with_torch
        scheduled = {c["schedule"]["name"] for c in here if c["schedule"]}
        assert scheduled == set(ov.schedule_names())
        searches = {c["hyperparams"].get("line_search_fn") for c in here if c["rule"] == "lbfgs"}
        assert searches == {None, "strong_wolfe"}
        cycled = {c["rule"] for c in here if c["schedule"] and c["schedule"]["name"] == "one_cycle"}
        assert {"momentum", "nesterov", "adam", "adamw", "rmsprop"} <= cycled


@pytest.mark.parametrize("ident", list(CASES))
def test_equals_torch(ident):
    assert_equals_torch(CASES[ident], ARRAYS[ident])


def test_a_real_difference_fails_the_comparison(monkeypatch):
    """The check can fail: AdamW run as Adam (weight decay folded into the gradient, not decoupled), an lr
    schedule one step late, and LinearLR's closed form where torch recurses (a few ulps apart) are caught."""
    case = CASES["quadratic/adamw_all"]
    with pytest.raises(AssertionError):
        assert_equals_torch({**case, "rule": "adam"}, ARRAYS[case["id"]])
    case = CASES["quadratic/cosine"]
    late = {
        k: np.concatenate([v[:1], v[:-1]]) if k == "lr" else v
        for k, v in ARRAYS[case["id"]].items()
    }
    with pytest.raises(AssertionError, match="ULP"):
        assert_equals_torch(case, late)
    case = CASES["logistic/linear"]
    assert_equals_torch(case, ARRAYS[case["id"]])
    monkeypatch.setattr(
        ov.LinearLR, "_get_lr", lambda self, s: s.group.lr if s.initial else self._closed_form(s)
    )
    with pytest.raises(AssertionError, match="ULP"):
        assert_equals_torch(case, ARRAYS[case["id"]])
