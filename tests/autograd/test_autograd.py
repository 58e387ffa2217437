"""Backward, accumulation, no_grad, detach, tx.grad, errors and known-answer gradients."""
import numpy as np
import pytest

import tensorflux as tx


def test_known_answer_polynomial():
    # f(x) = x² + 3x at x = 2: f = 10, f' = 2x + 3 = 7
    x = tx.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x
    y.backward()
    assert y.item() == 10.0 and x.grad.item() == 7.0


def test_known_answer_sigmoid_tanh_at_zero():
    # σ'(0) = σ(0)(1 − σ(0)) = 0.25, tanh'(0) = 1
    x = tx.tensor([0.0], requires_grad=True)
    (tx.sigmoid(x) + tx.tanh(x)).sum().backward()
    assert x.grad.tolist() == [1.25]


def test_known_answer_softmax_cross_entropy_gradient():
    # L = −log softmax(z)_0 ; dL/dz = softmax(z) − e_0. For z = (0, ln 2, ln 3): softmax = (1/6, 2/6, 3/6)
    z = tx.tensor([0.0, np.log(2.0), np.log(3.0)], dtype="float64", requires_grad=True)
    (-tx.log_softmax(z)[0]).backward()
    np.testing.assert_allclose(z.grad, [1 / 6 - 1, 2 / 6, 3 / 6], rtol=1e-12)


def test_known_answer_matmul():
    # y = sum(A @ B): dA = 1·Bᵀ summed → row sums of B for every row; dB = column sums of A
    A = tx.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    B = tx.tensor([[5.0, 6.0], [7.0, 8.0]], requires_grad=True)
    (A @ B).sum().backward()
    assert A.grad.tolist() == [[11, 15], [11, 15]]
    assert B.grad.tolist() == [[4, 4], [6, 6]]


def test_max_ties_split_gradient_evenly():
    x = tx.tensor([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0, 0.5, 0.5, 0]
    y = tx.tensor([[2.0, 2.0], [1.0, 0.0]], requires_grad=True)
    y.min(axis=1).sum().backward()
    assert y.grad.tolist() == [[0.5, 0.5], [0, 1]]
    m = tx.tensor([1.0, 1.0], requires_grad=True)
    tx.maximum(m, tx.tensor([1.0, 0.0])).sum().backward()
    assert m.grad.tolist() == [0.5, 1.0]


def test_var_std_logsumexp_known_values():
    x = tx.tensor([1.0, 2.0, 3.0, 4.0], dtype="float64")
    assert x.var().item() == pytest.approx(1.25)
    assert x.var(ddof=1).item() == pytest.approx(5 / 3)
    assert x.std().item() == pytest.approx(np.sqrt(1.25))
    assert tx.tensor([0.0, 0.0]).logsumexp().item() == pytest.approx(np.log(2))
    assert tx.tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(axis=1).tolist() == [1, 0]
    assert tx.tensor([[1.0, 5.0], [7.0, 2.0]]).argmin().item() == 0


def test_gradient_accumulates_when_used_several_times():
    x = tx.tensor([1.0, 2.0], requires_grad=True)
    y = x * x + x * 3 + x  # dy/dx = 2x + 4
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 8.0]
    # a second backward accumulates into .grad
    (x * 2).sum().backward()
    assert x.grad.tolist() == [8.0, 10.0]


def test_shared_gradient_arrays_are_not_corrupted_by_accumulation():
    a = tx.tensor([1.0], requires_grad=True)
    b = tx.tensor([1.0], requires_grad=True)
    (a + b).sum().backward()  # both receive the same upstream array
    (a * 5).sum().backward()  # accumulating into a must not change b
    assert a.grad.tolist() == [6.0] and b.grad.tolist() == [1.0]


def test_backward_errors():
    x = tx.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        tx.tensor([1.0]).sum().backward()
    y = (x * 2)
    y.backward(np.array([1.0, 1.0], dtype=np.float32))
    assert x.grad.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).backward(np.ones(3))


def test_graph_is_freed_unless_retained():
    x = tx.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 4 * np.exp([1.0, 2.0]), rtol=1e-6)
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_no_grad_and_detach():
    x = tx.tensor([1.0], requires_grad=True)
    with tx.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    y2 = x * 2
    z = y2.detach()
    assert not z.requires_grad and z.grad_fn is None and np.shares_memory(z.numpy(), y2.numpy())

    @tx.no_grad()
    def f(t):
        return t * 3
    assert not f(x).requires_grad
    with tx.no_grad():
        with tx.enable_grad():
            assert (x * 2).requires_grad


def test_tx_grad_does_not_touch_dot_grad():
    x = tx.tensor([1.0, 2.0], requires_grad=True)
    w = tx.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    gx, gw = tx.grad(y, [x, w])
    assert gx.tolist() == [3, 4] and gw.tolist() == [1, 2]
    assert x.grad is None and w.grad is None
    h = x * 2
    (gh,) = tx.grad((h ** 2).sum(), [h])  # non-leaf input
    assert gh.tolist() == [4.0, 8.0]
    unused = tx.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        tx.grad((x * 2).sum(), [unused])
    assert tx.grad((x * 2).sum(), [unused], allow_unused=True) == (None,)


def test_shape_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        tx.randn(2, 3) @ tx.randn(4, 5)
    with pytest.raises(ValueError, match=r"Add.*\(2, 3\).*\(4,\)"):
        tx.randn(2, 3) + tx.randn(4)
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, -1\)|reshape.*\(2, 3\).*\(5,\)"):
        tx.randn(2, 3).reshape(5)
    with pytest.raises(ValueError, match=r"concatenate"):
        tx.concatenate([tx.randn(2, 3), tx.randn(3, 2)], axis=0)


def test_shape_ops_forward_values():
    x = tx.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert tx.flatten(x).shape == (6,) and x.reshape(3, -1).shape == (3, 2)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(0).squeeze().shape == (2, 3)
    assert [p.shape for p in tx.split(x, [1, 2], axis=1)] == [(2, 1), (2, 2)]
    assert tx.stack([x, x], axis=0).shape == (2, 2, 3)
    assert tx.pad(x, [(1, 0), (0, 2)]).numpy().tolist()[0] == [0] * 5
    assert tx.repeat(tx.tensor([1, 2]), 2).tolist() == [1, 1, 2, 2]
    assert tx.tile(tx.tensor([1, 2]), 2).tolist() == [1, 2, 1, 2]
    assert x.permute(1, 0).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert tx.where(x > 2, x, tx.zeros(1)).tolist() == [[0, 0, 0], [3, 4, 5]]
    assert tx.einsum("ij,j->i", x, tx.ones(3)).tolist() == [3, 12]
    assert tx.tensordot(x, tx.ones(3, 2), axes=1).shape == (2, 2)
    assert tx.clip(x, 1, 4).tolist() == [[1, 1, 2], [3, 4, 4]]
    assert tx.sign(tx.tensor([-2.0, 0.0, 3.0])).tolist() == [-1, 0, 1]


def test_float64_gradients_stay_float64_and_float32_stay_float32():
    for dt in (np.float32, np.float64):
        x = tx.tensor(np.ones((2, 2)), dtype=dt, requires_grad=True)
        ((x * 3.0).tanh() @ x).sum().backward()
        assert x.grad.dtype == dt


def test_grad_setter_unwraps_tensors_and_checks_shape():
    x = tx.tensor([1.0, 2.0], requires_grad=True)
    x.grad = tx.tensor([3.0, 4.0])  # the PyTorch habit: a Tensor is stored as its array
    assert isinstance(x.grad, np.ndarray) and x.grad.tolist() == [3.0, 4.0]
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        x.grad = np.ones(3)
    x.grad = None
    assert x.grad is None


def test_inplace_update_under_no_grad_changes_the_parameter_itself():
    w = tx.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    same = w
    with tx.no_grad():
        w -= 0.5 * w.grad          # the hand-written SGD step of the notes
    assert w is same and w.requires_grad and w.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w += 1.0
    h = w * 2                      # non-leaf inside a graph: out of place, still differentiable
    h += 3.0
    h.sum().backward()
    assert h.tolist() == [3.0, 3.0] and w.grad.tolist() == [2.0 + 2.0, 4.0 + 2.0]  # 2w from before, + d(2w)/dw


def test_sigmoid_keeps_relative_precision_in_the_negative_tail():
    x = np.array([-100.0, -80.0, -30.0, -16.7, -9.0, -4.5, -3.9, -1.0, 0.0, 2.0, 30.0], np.float32)
    y = tx.sigmoid(tx.tensor(x)).numpy()
    exact = 1.0 / (1.0 + np.exp(-x.astype(np.float64)))  # worked in float64
    np.testing.assert_allclose(y[1:], exact[1:], rtol=2e-6)
    assert 0.0 <= y[0] < 1e-38  # e^-100 is below float32's range: 0 or a denormal, never NaN


def test_linear_op_in_both_weight_layouts_and_its_errors():
    from tensorflux.autograd.tensor import apply
    from tensorflux.ops import linalg as L
    from tensorflux.ops.base import OpError
    rng = np.random.default_rng(3)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((4, 5), (5, 3), (3,)))
    y_tf = apply(L.Linear("in_out"), tx.tensor(x), tx.tensor(w), tx.tensor(b))
    y_pt = apply(L.Linear(), tx.tensor(x), tx.tensor(w.T.copy()), tx.tensor(b))
    want = x.astype(np.float64) @ w + b
    np.testing.assert_allclose(y_tf.data, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y_pt.data, want, rtol=1e-5, atol=1e-5)
    with pytest.raises(OpError, match=r"weight_layout must be 'out_in' \(PyTorch\) or 'in_out' \(TF\), got 'io'"):
        L.Linear("io")
    with pytest.raises(OpError, match=r"input has 5 features .* expects 3 \(weight shape \(3, 5\), in × out\)"):
        apply(L.Linear("in_out"), tx.tensor(x), tx.tensor(w.T.copy()))
