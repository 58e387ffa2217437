"""LSTMKernelSequence (TF's kernel layout) against LSTMSequence with the weights converted by hand.

TF: [i, j, f, o] = [x, h]·kernel + bias, c' = c·σ(f + forget_bias) + σ(i)·tanh(j). PyTorch's layout
stacks (i, f, g, o) as rows: w_ih = kernel[:I, cols]ᵀ, w_hh = kernel[I:, cols]ᵀ with the columns
of the blocks i, f, j, o, and the forget bias added to f's bias.
"""
import numpy as np
import pytest

from tensorflux.ops import OpError, _kernels
from tensorflux.ops import recurrent as R

T, N, I, H = 5, 3, 4, 6


def _torch_weights(kernel, bias, forget_bias):
    cols = np.concatenate([np.arange(k * H, (k + 1) * H) for k in (0, 2, 1, 3)])   # TF (i, j, f, o) → (i, f, j, o)
    b = bias.copy()
    b[2 * H:3 * H] += forget_bias
    return kernel[:I, cols].T.copy(), kernel[I:, cols].T.copy(), b[cols], cols


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("lengths,reverse", [(None, False), (np.array([5, 2, 4]), True)])
def test_matches_lstm_sequence_with_converted_weights(compiled, lengths, reverse):
    rng = np.random.default_rng(1)
    x, kernel, bias = rng.standard_normal((T, N, I)), rng.standard_normal((I + H, 4 * H)) * 0.5, rng.standard_normal(4 * H)
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    gy, gh, gc = rng.standard_normal((T, N, H)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    w_ih, w_hh, b, cols = _torch_weights(kernel, bias, 0.7)

    def run():
        tf_op = R.LSTMKernelSequence(forget_bias=0.7, lengths=lengths, reverse=reverse)
        tf_op.needs_grad = (True,) * 5
        out_tf = tf_op.forward(x, kernel, bias, h0, c0)
        g_tf = tf_op.backward(gy, gh, gc)
        pt_op = R.LSTMSequence(lengths=lengths, reverse=reverse)
        pt_op.needs_grad = (True, True, True, True, False, True, True)
        out_pt = pt_op.forward(x, w_ih, w_hh, b, None, h0, c0)
        g_pt = pt_op.backward(gy, gh, gc)
        return tf_op, out_tf, g_tf, out_pt, g_pt

    if compiled:
        if not _kernels.enabled(np.zeros(1, np.float32)):
            pytest.skip("the compiled kernels are off (numba missing or TENSORFLUX_NUMBA=0)")
        tf_op, out_tf, g_tf, out_pt, g_pt = run()
        assert tf_op.compiled
    else:
        with _kernels.disabled():
            tf_op, out_tf, g_tf, out_pt, g_pt = run()
        assert not tf_op.compiled
    for a, e in zip(out_tf, out_pt):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)
    gx, gk, gb, gh0, gc0 = g_tf
    ex, ew_ih, ew_hh, eb, _, eh0, ec0 = g_pt
    expect_k = np.empty_like(kernel)
    expect_k[:I, cols], expect_k[I:, cols] = ew_ih.T, ew_hh.T
    expect_b = np.empty_like(bias)
    expect_b[cols] = eb
    for a, e in ((gx, ex), (gk, expect_k), (gb, expect_b), (gh0, eh0), (gc0, ec0)):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)


def test_no_bias_still_adds_forget_bias_and_gradients_follow_needs():
    rng = np.random.default_rng(2)
    x, kernel = rng.standard_normal((T, N, I)), rng.standard_normal((I + H, 4 * H)) * 0.5
    op = R.LSTMKernelSequence(forget_bias=1.0)
    op.needs_grad = (False, True)
    y, h, c = op.forward(x, kernel)
    w_ih, w_hh, b, _ = _torch_weights(kernel, np.zeros(4 * H), 1.0)
    ref = R.LSTMSequence()
    ref.needs_grad = (False, False, False)
    np.testing.assert_allclose(y, ref.forward(x, w_ih, w_hh, b)[0], rtol=1e-12)
    gx, gk, gb, gh0, gc0 = op.backward(None, np.ones((N, H)), None)
    assert gx is None and gb is None and gh0 is None and gc0 is None and gk.shape == kernel.shape


def test_wrong_kernel_shape_names_op_and_shapes():
    op = R.LSTMKernelSequence(label="rnn/basic_lstm_cell")
    op.needs_grad = (False, True)
    with pytest.raises(OpError, match=r"rnn/basic_lstm_cell: kernel must have shape .*\(4 \+ H, 4H\).*got \(9, 24\)"):
        op.forward(np.zeros((T, N, I)), np.zeros((9, 24)))


def test_dtype_mismatch_names_the_variable():
    op = R.LSTMKernelSequence(label="rnn/lstm_cell")
    op.needs_grad = (False, True, True)
    x, kernel = np.zeros((T, N, I), np.float32), np.zeros((I + H, 4 * H), np.float32)
    with pytest.raises(OpError, match=r"rnn/lstm_cell: bias has dtype float64 but the input has float32"):
        op.forward(x, kernel, np.zeros(4 * H))
