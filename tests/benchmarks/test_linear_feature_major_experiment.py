"""The Linear-layout experiment compares like with like: each of its policies computes what the
Linear op computes (values and gradients), in both weight layouts, and its row-major policy is
the op's own memory order. Restores the op afterwards."""
import numpy as np
import pytest

import tensorflux as tx
from benchmarks.experiments import linear_feature_major as exp
from tensorflux.autograd.tensor import apply
from tensorflux.ops import linalg


def _run(layout, x, w, b, gy):
    xt, wt, bt = (tx.tensor(a, requires_grad=True) for a in (x, w, b))
    y = apply(linalg.Linear(layout), xt, wt, bt)
    (y * tx.tensor(gy)).sum().backward()
    return y.data, xt.grad, wt.grad, bt.grad


@pytest.mark.parametrize("layout", ["out_in", "in_out"])
@pytest.mark.parametrize("policy", list(exp.POLICIES))
def test_each_policy_computes_what_the_op_computes(layout, policy):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5))
    w = rng.standard_normal((5, 12) if layout == "in_out" else (12, 5))
    b, gy = rng.standard_normal(12), rng.standard_normal((4, 12))
    want = _run(layout, x, w, b, gy)
    try:
        exp._use(policy)
        got = _run(layout, x, w, b, gy)
    finally:
        linalg.Linear.forward, linalg.Linear.backward = exp.OP_PATH
    for g, e in zip(got, want):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)
    # 12 features ≥ 2 × 4 rows: the rule and "feature-major" return a column-major y
    assert got[0].flags.f_contiguous != (policy == "row-major")
    assert want[0].flags.c_contiguous  # the op itself stays row-major
