"""The LSTM op's optional compiled kernels (numba) against its pure-NumPy path.

Both paths do the same arithmetic; forward values agree to float32 rounding and every gradient
too (backward sums dc's terms in another order). Run on shapes near the benchmark's, with a
packed batch (lengths), the reverse direction, an output gradient for every step and given
initial states, in float32 and float64. The gradcheck table checks both paths' gradients
against finite differences (tests/ops/cases_recurrent.py).
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from tensorflux.ops import _kernels
from tensorflux.ops import recurrent as R

from .kernel_paths import needs_kernels

pytest.importorskip("numba")


def _run(dtype, lengths=None, reverse=False, seq_grad=True, states=True, T=7, N=9, I=5, H=6, seed=0):
    rng = np.random.default_rng(seed)
    f = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(dtype)  # noqa: E731
    args = [f(T, N, I), f(4 * H, I, scale=0.5), f(4 * H, H, scale=0.5), f(4 * H, scale=0.3), f(4 * H, scale=0.3)]
    if states:
        args += [f(N, H), f(N, H)]
    grads = (f(T, N, H) if seq_grad else None, f(N, H), f(N, H))

    def once():
        op = R.LSTMSequence(lengths=lengths, reverse=reverse)
        op.needs_grad = [True] * len(args)
        out = op.forward(*args)
        compiled = op.compiled
        return [np.array(o) for o in out], [g for g in op.backward(*grads) if g is not None], compiled

    out_c, grad_c, used_c = once()
    with _kernels.disabled():
        out_n, grad_n, used_n = once()
    assert used_c and not used_n, "the compiled path did not run (or the switch did not turn it off)"
    return out_c, grad_c, out_n, grad_n


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lengths,reverse", [(None, False), (None, True),
                                             (np.array([3, 7, 1, 7, 5, 2, 7, 4, 6]), False),
                                             (np.array([3, 7, 1, 7, 5, 2, 7, 4, 6]), True)])
def test_compiled_path_matches_numpy_path(dtype, lengths, reverse):
    out_c, grad_c, out_n, grad_n = _run(dtype, lengths, reverse)
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    for a, b in zip(out_c, out_n):            # y, h_n, c_n: the same operations in the same order
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    assert len(grad_c) == len(grad_n) == 7    # x, w_ih, w_hh, b_ih, b_hh, h0, c0: nothing missing
    for a, b in zip(grad_c, grad_n):          # dc's terms are added in another order: rounding only
        scale = np.abs(b).max()
        np.testing.assert_allclose(a, b, rtol=0, atol=(2e-5 if dtype == np.float32 else 1e-12) * scale)


@needs_kernels
def test_compiled_path_without_sequence_gradient_or_states():
    out_c, grad_c, out_n, grad_n = _run(np.float32, seq_grad=False, states=False, T=28, N=64, I=28, H=32)
    for a, b in zip(out_c, out_n):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    for a, b in zip(grad_c, grad_n):
        np.testing.assert_allclose(a, b, rtol=0, atol=2e-5 * np.abs(b).max())


@needs_kernels
def test_kernels_known_values():
    """One element worked by hand: o, i, f, g = σ(0.2)… from tanh of the halved pre-activations."""
    assert _kernels.enabled(np.zeros(1))          # compiles: the calls below run numba's code
    T, H, N = 1, 1, 1
    pre = np.array([0.4, -1.0, 2.0, 0.3])              # o, i, f (before halving), g
    A = np.empty((T, 4, H, N))
    A[0, :3, 0, 0] = np.tanh(pre[:3] / 2)
    A[0, 3, 0, 0] = np.tanh(pre[3])
    C = np.array([0.5, 0.0]).reshape(2, 1, 1)
    _kernels.cell_forward(0, 1, A, C)
    sig = 1 / (1 + np.exp(-pre[:3]))
    np.testing.assert_allclose(A[0, :3, 0, 0], sig, rtol=1e-15)
    c_new = sig[2] * 0.5 + sig[1] * np.tanh(0.3)
    np.testing.assert_allclose(C[1, 0, 0], c_new, rtol=1e-15)
    TC = np.tanh(C[1:])
    Y, Z = np.zeros((2, 1, 1)), np.full((3, 1, 1), 9.0)
    _kernels.hidden_forward(0, 1, A, TC, Y, Z)
    np.testing.assert_allclose(Y[1, 0, 0], sig[0] * np.tanh(c_new), rtol=1e-15)
    assert (Z == 9.0).all()                              # no next step: the operand is not touched
    # backward with dh = 1, dc = 0: ∂L/∂o = tanh(c')·o(1−o); dc = o(1 − tanh²c'); ∂L/∂f = dc·c·f(1−f)
    dh, dc, D = np.ones((1, 1)), np.zeros((1, 1)), np.empty((4, 1, 1, 1))
    _kernels.cell_backward(0, 1, A, C, TC, dh, dc, TC, False, D, 3, 0, 1, 2)   # slots: PyTorch's order
    o, i, f = sig
    g, t = np.tanh(0.3), np.tanh(c_new)
    dcv = o * (1 - t * t)
    np.testing.assert_allclose(D[:, 0, 0, 0], [dcv * g * i * (1 - i), dcv * 0.5 * f * (1 - f),   # PyTorch's order:
                                               dcv * i * (1 - g * g), t * o * (1 - o)], rtol=1e-14)  # i, f, g, o
    np.testing.assert_allclose(dc[0, 0], dcv * f, rtol=1e-14)


@needs_kernels
def test_enabled_only_for_float_numpy_arrays_of_one_dtype():
    a = np.zeros((2, 2), np.float32)
    assert _kernels.enabled(a, a) and _kernels.enabled(a.astype(np.float64))
    assert not _kernels.enabled(a, a.astype(np.float64))
    assert not _kernels.enabled(a.astype(np.float16))
    assert not _kernels.enabled(a, a.astype(np.float16))
    assert not _kernels.enabled(a, a.astype(np.int32))
    with _kernels.disabled():
        assert not _kernels.enabled(a)
    assert _kernels.enabled(a)


@needs_kernels
def test_compile_failure_warns_and_falls_back(monkeypatch):
    def broken(*args):
        raise TypeError("no kernel for you")
    assert _kernels.enabled(np.zeros(1))                   # numba loaded before the patch (restored after)
    monkeypatch.setattr(_kernels, "_ready", {})
    monkeypatch.setattr(_kernels, "cell_backward", broken)
    with pytest.warns(RuntimeWarning, match="did not compile for float32.*pure-NumPy path"):
        assert not _kernels.enabled(np.zeros(3, np.float32))
    assert not _kernels.enabled(np.zeros(3, np.float32))   # decided once per dtype: no second warning


def test_environment_variable_switches_kernels_off_and_import_stays_light():
    code = ("import sys, numpy as np, tensorflux; from tensorflux.ops import _kernels as k; "
            "print('numba' in sys.modules, k.enabled(np.zeros(1)), 'numba' in sys.modules)")
    run = lambda env: subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: E731
                                     text=True, check=True).stdout.split()
    assert run(dict(os.environ, TENSORFLUX_NUMBA="0")) == ["False", "False", "False"]
    assert run(dict(os.environ, TENSORFLUX_NUMBA="1")) == ["False", "True", "True"]  # numba loads on first use
