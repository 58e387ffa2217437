"""Gradcheck cases for the recurrent sequence ops (T=3 steps, N=2 sequences, I=3 inputs, H=4 hidden).

Each case checks every floating input — x, w_ih, w_hh, b_ih, b_hh and the initial states — through
all outputs (y, h_n and c_n) under a random upstream gradient; the cases cover a zero initial
state, variable lengths, the reverse direction and both together, no bias, and relu.
"""
import numpy as np

from tensorflux.autograd import apply
from tensorflux.ops import recurrent as R
from .gradcheck_table import Case, rnd
from .kernel_paths import numpy_path

T, N, I, H = 3, 2, 3, 4
LENGTHS = np.array([2, 3])          # the first sequence stops one step early
LENGTHS3 = np.array([1, 3, 2])      # three sequences, unsorted lengths


def _op(cls, **kw):
    return lambda *xs: apply(cls(**kw), *xs)


def _params(gates, n=N, with_bias=True, scale=0.6):
    ws = [rnd(gates * H, I) * scale, rnd(gates * H, H) * scale]
    if with_bias:
        ws += [rnd(gates * H) * 0.3, rnd(gates * H) * 0.3]
    return [rnd(T, n, I)] + ws


def _relu_params():
    """Inputs whose relu pre-activations stay clear of the kink at 0 (checked below)."""
    x, w_ih, w_hh, b_ih, b_hh = _params(1)
    b_ih = b_ih + 0.5  # keep most units active
    h0 = np.abs(rnd(N, H))
    h, pre_min = h0, np.inf
    for t in range(T):
        a = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        pre_min = min(pre_min, np.abs(a).min())
        h = np.maximum(a, 0)
    assert pre_min > 1e-3, "relu gradcheck point too close to the kink"
    return [x, w_ih, w_hh, b_ih, b_hh, h0]


def _some_outputs(cls, **kw):
    """The op's output at the middle and last time steps only, with h_n: the upstream gradient of
    the sequence output is zero at every other step (the backward copies only the steps that
    have one — what a program reading ``outputs[:, -1]`` gives it)."""
    def run(*xs):
        out = apply(cls(**kw), *xs)
        y = out[0]
        return (y[T // 2], y[T - 1]) + tuple(out[1:])
    return run


def _lstm_no_state(x, w_ih, w_hh, b_ih, b_hh):
    return apply(R.LSTMSequence(), x, w_ih, w_hh, b_ih, b_hh)


def _lstm_no_bias(x, w_ih, w_hh, h0, c0):
    return apply(R.LSTMSequence(), x, w_ih, w_hh, None, None, h0, c0)


CASES = {
    "LSTMSequence": [
        Case(_op(R.LSTMSequence), _params(4) + [rnd(N, H), rnd(N, H)], "initial state"),
        Case(_lstm_no_state, _params(4), "zero initial state"),
        Case(_lstm_no_bias, _params(4, with_bias=False) + [rnd(N, H), rnd(N, H)], "no bias"),
        Case(lambda *xs: apply(R.LSTMSequence(), *xs), _params(4, with_bias=False), "only x and weights"),
        Case(_op(R.LSTMSequence, lengths=LENGTHS), _params(4) + [rnd(N, H), rnd(N, H)], "lengths"),
        Case(_op(R.LSTMSequence, reverse=True), _params(4) + [rnd(N, H), rnd(N, H)], "reverse"),
        Case(_op(R.LSTMSequence, lengths=LENGTHS3, reverse=True), _params(4, n=3) + [rnd(3, H), rnd(3, H)],
             "reverse with lengths"),
        Case(numpy_path(_op(R.LSTMSequence)), _params(4) + [rnd(N, H), rnd(N, H)], "initial state, NumPy path"),
        Case(_some_outputs(R.LSTMSequence, lengths=LENGTHS), _params(4) + [rnd(N, H), rnd(N, H)],
             "two output steps only"),
        Case(numpy_path(_some_outputs(R.LSTMSequence, reverse=True)), _params(4) + [rnd(N, H), rnd(N, H)],
             "two output steps only, NumPy path"),
        Case(numpy_path(_op(R.LSTMSequence, lengths=LENGTHS3, reverse=True)),
             _params(4, n=3) + [rnd(3, H), rnd(3, H)], "reverse with lengths, NumPy path"),
    ],
    "LSTMKernelSequence": [
        Case(_op(R.LSTMKernelSequence), [rnd(T, N, I), rnd(I + H, 4 * H) * 0.6, rnd(4 * H) * 0.3,
                                         rnd(N, H), rnd(N, H)], "TF layout, initial state"),
        Case(_op(R.LSTMKernelSequence, forget_bias=0.5, lengths=LENGTHS3, reverse=True),
             [rnd(T, 3, I), rnd(I + H, 4 * H) * 0.6, rnd(4 * H) * 0.3], "TF layout, reverse with lengths"),
        Case(numpy_path(_some_outputs(R.LSTMKernelSequence, forget_bias=0.0)),
             [rnd(T, N, I), rnd(I + H, 4 * H) * 0.6, rnd(4 * H) * 0.3, rnd(N, H), rnd(N, H)],
             "TF layout, two output steps only, NumPy path"),
    ],
    "GRUSequence": [
        Case(_op(R.GRUSequence), _params(3) + [rnd(N, H)], "initial state"),
        Case(lambda *xs: apply(R.GRUSequence(), *xs), _params(3), "zero initial state"),
        Case(lambda x, w_ih, w_hh, h0: apply(R.GRUSequence(), x, w_ih, w_hh, None, None, h0),
             _params(3, with_bias=False) + [rnd(N, H)], "no bias"),
        Case(_op(R.GRUSequence, lengths=LENGTHS), _params(3) + [rnd(N, H)], "lengths"),
        Case(_op(R.GRUSequence, reverse=True), _params(3) + [rnd(N, H)], "reverse"),
        Case(_op(R.GRUSequence, lengths=LENGTHS3, reverse=True), _params(3, n=3) + [rnd(3, H)],
             "reverse with lengths"),
        Case(_some_outputs(R.GRUSequence), _params(3) + [rnd(N, H)], "two output steps only"),
    ],
    "RNNSequence": [
        Case(_op(R.RNNSequence), _params(1) + [rnd(N, H)], "tanh"),
        Case(lambda *xs: apply(R.RNNSequence(), *xs), _params(1), "zero initial state"),
        Case(_op(R.RNNSequence, nonlinearity="relu"), _relu_params(), "relu"),
        Case(_op(R.RNNSequence, lengths=LENGTHS3, reverse=True), _params(1, n=3) + [rnd(3, H)],
             "reverse with lengths"),
        Case(_some_outputs(R.RNNSequence), _params(1) + [rnd(N, H)], "two output steps only"),
    ],
}
