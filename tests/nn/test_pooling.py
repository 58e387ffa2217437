"""Pooling and upsampling: loop references (forward and gradients), ties, NHWC 'SAME', layers, errors."""
import math

import numpy as np
import pytest

import tensorflux as tx
from tensorflux import nn
from tensorflux.nn import functional as F
from tensorflux.ops import OpError


def _t(a, grad=False):
    return tx.tensor(np.asarray(a, dtype=np.float64), dtype="float64", requires_grad=grad)


# ---------------------------------------------------------------- slow references
def _windows(n, k, s, pb, pa, ceil_mode):
    """Start of every window along one axis, in padded coordinates (PyTorch's output-size rules)."""
    span = n + pb + pa - k
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + pb:
        out -= 1
    return [i * s for i in range(out)]


def ref_pool2d(x, k, s, pads, mode, ceil_mode=False, count_include_pad=True, gy=None):
    """Max or average pooling by loops over every window; with ``gy`` also dx (max: to the first maximum)."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)) = k, s, pads
    rows, cols = _windows(h, kh, sh, pt, pb, ceil_mode), _windows(w, kw, sw, pl, pr, ceil_mode)
    y = np.zeros((n, c, len(rows), len(cols)))
    gx = np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for i, r0 in enumerate(rows):
                for j, c0 in enumerate(cols):
                    best, where, total, count = -np.inf, None, 0.0, 0
                    for u in range(kh):
                        for v in range(kw):
                            r, q = r0 + u - pt, c0 + v - pl  # input coordinates
                            inside = 0 <= r < h and 0 <= q < w
                            in_pad = r < h + pb and q < w + pr  # inside the padded area (not the ceil overhang)
                            if inside:
                                if x[b, ch, r, q] > best:
                                    best, where = x[b, ch, r, q], (r, q)
                                total += x[b, ch, r, q]
                            if inside or (count_include_pad and in_pad):
                                count += 1
                    if mode == "max":
                        y[b, ch, i, j] = best
                        if gy is not None:
                            gx[b, ch][where] += gy[b, ch, i, j]
                    else:
                        y[b, ch, i, j] = total / count
                        if gy is not None:
                            for u in range(kh):
                                for v in range(kw):
                                    r, q = r0 + u - pt, c0 + v - pl
                                    if 0 <= r < h and 0 <= q < w:
                                        gx[b, ch, r, q] += gy[b, ch, i, j] / count
    return y, gx


# (shape, kernel, stride, padding pairs, ceil_mode)
POOL_CONFIGS = [
    ((2, 3, 8, 6), (2, 2), (2, 2), ((0, 0), (0, 0)), False),
    ((1, 2, 7, 7), (2, 2), (2, 2), ((0, 0), (0, 0)), False),       # odd size: last row/col unused
    ((2, 2, 7, 6), (3, 3), (2, 2), ((1, 1), (1, 1)), False),       # overlapping + padding
    ((1, 3, 6, 8), (3, 2), (1, 2), ((1, 0), (0, 1)), False),       # asymmetric padding
    ((1, 2, 6, 9), (3, 3), (2, 2), ((0, 0), (0, 0)), True),        # ceil_mode
    ((2, 1, 7, 5), (3, 3), (3, 2), ((1, 1), (1, 1)), True),        # ceil_mode + padding
    ((1, 2, 5, 5), (2, 3), (3, 3), ((1, 1), (0, 1)), False),       # stride > kernel
]


@pytest.mark.parametrize("cfg", POOL_CONFIGS, ids=[f"cfg{i}" for i in range(len(POOL_CONFIGS))])
@pytest.mark.parametrize("mode,cip", [("max", True), ("avg", True), ("avg", False)])
def test_pool2d_matches_loop_reference(cfg, mode, cip):
    shape, k, s, pads, ceil_mode = cfg
    rng = np.random.default_rng(len(str(cfg)))
    x = rng.standard_normal(shape)
    xt = _t(x, True)
    from tensorflux.autograd import apply
    from tensorflux.ops.pool import AvgPool2d, MaxPool2d
    op = MaxPool2d(k, s, pads, ceil_mode) if mode == "max" else AvgPool2d(k, s, pads, ceil_mode, cip)
    y = apply(op, xt)
    gy = rng.standard_normal(y.shape)
    ref_y, ref_gx = ref_pool2d(x, k, s, pads, mode, ceil_mode, cip, gy)
    np.testing.assert_allclose(y.numpy(), ref_y, rtol=1e-13, atol=1e-13)
    y.backward(gy)
    np.testing.assert_allclose(xt.grad, ref_gx, rtol=1e-13, atol=1e-13)


def test_functional_pools_match_reference_with_symmetric_padding():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 9, 8))
    pads = ((1, 1), (1, 1))
    np.testing.assert_allclose(F.max_pool2d(_t(x), 3, 2, 1).numpy(), ref_pool2d(x, (3, 3), (2, 2), pads, "max")[0])
    np.testing.assert_allclose(F.avg_pool2d(_t(x), 3, 2, 1, count_include_pad=False).numpy(),
                               ref_pool2d(x, (3, 3), (2, 2), pads, "avg", count_include_pad=False)[0])
    np.testing.assert_allclose(F.avg_pool2d(_t(x), (2, 3), ceil_mode=True).numpy(),
                               ref_pool2d(x, (2, 3), (2, 3), ((0, 0), (0, 0)), "avg", ceil_mode=True)[0])


def test_pool1d_matches_reference():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 11))
    ref_max = ref_pool2d(x[:, :, None], (1, 3), (1, 2), ((0, 0), (1, 1)), "max")[0][:, :, 0]
    np.testing.assert_allclose(F.max_pool1d(_t(x), 3, 2, 1).numpy(), ref_max)
    ref_avg = ref_pool2d(x[:, :, None], (1, 4), (1, 3), ((0, 0), (2, 2)), "avg")[0][:, :, 0]
    np.testing.assert_allclose(F.avg_pool1d(_t(x), 4, 3, 2).numpy(), ref_avg)


def test_pool_known_answers_by_hand():
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 3]], dtype=np.float32)[None, None]
    np.testing.assert_array_equal(F.max_pool2d(tx.tensor(x), 2).numpy()[0, 0], [[5, 8], [9, 7]])
    np.testing.assert_array_equal(F.avg_pool2d(tx.tensor(x), 2).numpy()[0, 0], [[13 / 4, 11 / 4], [12 / 4, 19 / 4]])
    # 3×3 windows, stride 1, padding 1: the corner window sees only x[0:2, 0:2] = 1 + 5 + 3 + 4 = 13
    assert F.avg_pool2d(tx.tensor(x), 3, 1, 1).numpy()[0, 0, 0, 0] == pytest.approx(13 / 9)
    assert F.avg_pool2d(tx.tensor(x), 3, 1, 1, count_include_pad=False).numpy()[0, 0, 0, 0] == pytest.approx(13 / 4)
    assert F.max_pool2d(tx.tensor(-x), 3, 1, 1).numpy()[0, 0, 0, 0] == -1  # −∞ padding never wins


def test_max_pool_ties_go_to_the_first_position():
    x = _t(np.zeros((1, 1, 4, 4)), True)
    F.max_pool2d(x, 2).sum().backward()
    expect = np.zeros((4, 4))
    expect[::2, ::2] = 1  # every window's top-left element
    np.testing.assert_array_equal(x.grad[0, 0], expect)
    # overlapping windows with ties: each window still sends its gradient to exactly one element
    x2 = _t(np.ones((1, 1, 3, 4)), True)
    F.max_pool2d(x2, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(x2.grad[0, 0], [[1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0]])
    assert x2.grad.sum() == 6  # 2×3 windows
    # a tie between a later window position and an earlier one: the earlier (row-major) wins
    x3 = np.array([[0, 2], [2, 1]], dtype=np.float64)[None, None]
    t3 = _t(x3, True)
    F.max_pool2d(t3, 2).backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(t3.grad[0, 0], [[0, 1], [0, 0]])


def test_pool_agrees_with_torch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 9, 8))
    gy = None
    for ours, theirs in [(lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True),
                          lambda t: torch.nn.functional.max_pool2d(t, 3, 2, 1, ceil_mode=True)),
                         (lambda t: F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=True),
                          lambda t: torch.nn.functional.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=True))]:
        xt, X = _t(x, True), torch.tensor(x, requires_grad=True)
        y, Y = ours(xt), theirs(X)
        gy = rng.standard_normal(y.shape)
        y.backward(gy)
        Y.backward(torch.tensor(gy))
        np.testing.assert_allclose(y.numpy(), Y.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(xt.grad, X.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- NHWC pools (TF1 facade)
def _tf_same(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


@pytest.mark.parametrize("hw,k,s", [((6, 6), (3, 3), (2, 2)), ((5, 7), (2, 2), (2, 2)), ((7, 4), (3, 2), (2, 3)),
                                    ((4, 5), (3, 3), (1, 1))])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_nhwc_same_pools_match_loop_reference(hw, k, s, mode):
    rng = np.random.default_rng(hw[0] + 10 * hw[1])
    x = rng.standard_normal((2,) + hw + (3,))
    pads = tuple(_tf_same(n, kk, ss) for n, kk, ss in zip(hw, k, s))
    fn = F.max_pool_nhwc if mode == "max" else F.avg_pool_nhwc
    xt = _t(x, True)
    y = fn(xt, [1, *k, 1], [1, *s, 1], "SAME")
    assert y.shape == (2, -(-hw[0] // s[0]), -(-hw[1] // s[1]), 3)
    gy = rng.standard_normal(y.shape)
    # TF 'SAME' average pooling divides by the number of real elements in each window
    ref_y, ref_gx = ref_pool2d(x.transpose(0, 3, 1, 2), k, s, pads, mode, count_include_pad=False,
                               gy=gy.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(y.numpy(), ref_y.transpose(0, 2, 3, 1), rtol=1e-13)
    y.backward(gy)
    np.testing.assert_allclose(xt.grad, ref_gx.transpose(0, 2, 3, 1), rtol=1e-13, atol=1e-13)


def test_nhwc_same_pads_after_when_odd():
    # 6 wide, k 3, s 2: out 3, pad_total 1 -> nothing before, 1 after; 5 wide, k 2, s 2: total 1 -> after
    assert _tf_same(6, 3, 2) == (0, 1) and _tf_same(5, 2, 2) == (0, 1)
    x = np.arange(5, dtype=np.float64).reshape(1, 1, 5, 1)
    np.testing.assert_array_equal(F.avg_pool_nhwc(_t(x), [1, 1, 2, 1], [1, 1, 2, 1], "SAME").numpy()[0, 0, :, 0],
                                  [0.5, 2.5, 4.0])  # last window = [4, pad]: divided by 1, not 2
    np.testing.assert_array_equal(F.max_pool_nhwc(_t(-x), [1, 1, 2, 1], [1, 1, 2, 1], "SAME").numpy()[0, 0, :, 0],
                                  [0, -2, -4])  # the padding is −∞ for max, never 0


def test_nhwc_valid_and_errors():
    x = tx.randn(2, 7, 6, 3)
    assert F.max_pool_nhwc(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").shape == (2, 3, 3, 3)
    assert F.avg_pool_nhwc(x, 3, 2, "VALID").shape == (2, 3, 2, 3)
    with pytest.raises(OpError, match="max_pool_nhwc: padding must be 'SAME' or 'VALID'"):
        F.max_pool_nhwc(x, 2, 2, "FULL")
    with pytest.raises(OpError, match=r"ksize \[2, 2, 2, 1\] must be 1 on the batch"):
        F.max_pool_nhwc(x, [2, 2, 2, 1], 2, "SAME")


# ---------------------------------------------------------------- global / adaptive pooling
def test_global_and_adaptive_average_pooling():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 7, 9))
    np.testing.assert_allclose(F.global_avg_pool2d(_t(x)).numpy(), x.mean(axis=(2, 3)))
    assert F.global_avg_pool2d(_t(x), keepdim=True).shape == (2, 3, 1, 1)
    np.testing.assert_allclose(F.adaptive_avg_pool2d(_t(x), 1).numpy(), x.mean(axis=(2, 3), keepdims=True))
    for out in [(3, 4), (2, 3), (7, 9), (5, 2), (4, None)]:
        oh, ow = out[0], out[1] or 9
        ref = np.zeros((2, 3, oh, ow))
        for i in range(oh):
            for j in range(ow):
                r0, r1 = (i * 7) // oh, math.ceil((i + 1) * 7 / oh)
                c0, c1 = (j * 9) // ow, math.ceil((j + 1) * 9 / ow)
                ref[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
        xt = _t(x, True)
        y = F.adaptive_avg_pool2d(xt, out)
        np.testing.assert_allclose(y.numpy(), ref, rtol=1e-13)
    x1 = rng.standard_normal((2, 3, 10))
    np.testing.assert_allclose(F.adaptive_avg_pool1d(_t(x1), 4).numpy()[:, :, 1], x1[:, :, 2:5].mean(axis=2))


# ---------------------------------------------------------------- interpolation
def ref_interpolate(x, out_hw, mode, align_corners=False, scales=None):
    """PyTorch's nearest / bilinear resize, one output pixel at a time."""
    n, c, h, w = x.shape
    y = np.zeros((n, c) + out_hw)

    def src(dst, n_in, n_out, scale):
        if mode == "nearest":
            return min(int(math.floor(dst * (scale or n_in / n_out))), n_in - 1)
        if align_corners:
            return dst * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        return max((dst + 0.5) * (scale or n_in / n_out) - 0.5, 0.0)

    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            si, sj = src(i, h, out_hw[0], scales and scales[0]), src(j, w, out_hw[1], scales and scales[1])
            if mode == "nearest":
                y[:, :, i, j] = x[:, :, si, sj]
                continue
            i0, j0 = int(math.floor(si)), int(math.floor(sj))
            i1, j1 = min(i0 + 1, h - 1), min(j0 + 1, w - 1)
            a, b = si - i0, sj - j0
            y[:, :, i, j] = ((1 - a) * (1 - b) * x[:, :, i0, j0] + (1 - a) * b * x[:, :, i0, j1]
                             + a * (1 - b) * x[:, :, i1, j0] + a * b * x[:, :, i1, j1])
    return y


@pytest.mark.parametrize("kw,out_hw,scales", [
    (dict(scale_factor=2), (8, 10), (0.5, 0.5)), (dict(size=(7, 3)), (7, 3), None),
    (dict(scale_factor=1.5), (6, 7), (1 / 1.5, 1 / 1.5)), (dict(scale_factor=(0.5, 3)), (2, 15), (2.0, 1 / 3)),
])
@pytest.mark.parametrize("mode,ac", [("nearest", None), ("bilinear", False), ("bilinear", True)])
def test_interpolate_matches_loop_reference(kw, out_hw, scales, mode, ac):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 4, 5))
    y = F.interpolate(_t(x), mode=mode, align_corners=ac, **kw)
    assert y.shape == (2, 3) + out_hw
    np.testing.assert_allclose(y.numpy(), ref_interpolate(x, out_hw, mode, bool(ac), scales), rtol=1e-12, atol=1e-14)


def test_interpolate_known_answers_and_gradient_sums():
    x = np.array([[1.0, 3.0]])[None, None]  # (1, 1, 1, 2)
    np.testing.assert_array_equal(F.interpolate(_t(x), scale_factor=2).numpy()[0, 0, 0], [1, 1, 3, 3])
    # bilinear, align_corners=False, ×2: samples at −0.25 (clamped to 0), 0.25, 0.75, 1.25
    np.testing.assert_allclose(F.interpolate(_t(x), size=(1, 4), mode="bilinear").numpy()[0, 0, 0], [1, 1.5, 2.5, 3])
    np.testing.assert_allclose(F.interpolate(_t(x), size=(1, 3), mode="bilinear", align_corners=True).numpy()[0, 0, 0],
                               [1, 2, 3])
    # nearest ×2 copies each pixel to 4 outputs: the gradient of the sum is 4 everywhere
    t = _t(np.ones((1, 2, 3, 3)), True)
    F.upsample(t, scale_factor=2).sum().backward()
    np.testing.assert_array_equal(t.grad, np.full((1, 2, 3, 3), 4.0))


def test_interpolate_errors():
    x = tx.randn(1, 2, 4, 4)
    with pytest.raises(OpError, match="exactly one of size and scale_factor"):
        F.interpolate(x)
    with pytest.raises(OpError, match="mode must be"):
        F.interpolate(x, scale_factor=2, mode="bicubic")
    with pytest.raises(OpError, match="'linear' needs a 3-D input"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(OpError, match="align_corners only applies"):
        F.interpolate(x, scale_factor=2, align_corners=True)


# ---------------------------------------------------------------- errors
def test_pool_errors_name_the_op_and_shapes():
    with pytest.raises(OpError, match=r"max_pool2d: output would be empty.*\(1, 1, 2, 2\).*kernel \(3, 3\)"):
        F.max_pool2d(tx.randn(1, 1, 2, 2), 3)
    with pytest.raises(OpError, match="avg_pool2d: padding .* at most half|avg_pool2d: padding .* between 0 and half"):
        F.avg_pool2d(tx.randn(1, 1, 6, 6), 2, padding=2)
    with pytest.raises(OpError, match="max_pool2d: expected a 3-D or 4-D input, got shape"):
        F.max_pool2d(tx.randn(6, 6), 2)
    with pytest.raises(OpError, match="max_pool2d: input must be floating point"):
        F.max_pool2d(np.ones((1, 1, 4, 4), dtype=np.int64), 2)


# ---------------------------------------------------------------- layers
@pytest.mark.parametrize("layer,x_shape,y_shape", [
    (lambda: nn.MaxPool2d(2), (2, 3, 28, 28), (2, 3, 14, 14)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1), (1, 4, 7, 7), (1, 4, 4, 4)),
    (lambda: nn.MaxPool2d((2, 3), ceil_mode=True), (1, 2, 5, 7), (1, 2, 3, 3)),
    (lambda: nn.AvgPool2d(2), (2, 3, 6, 6), (2, 3, 3, 3)),
    (lambda: nn.AvgPool2d(3, 1, 1, count_include_pad=False), (1, 2, 5, 5), (1, 2, 5, 5)),
    (lambda: nn.MaxPool1d(2), (2, 3, 9), (2, 3, 4)),
    (lambda: nn.AvgPool1d(3, 2, 1), (2, 3, 9), (2, 3, 5)),
    (lambda: nn.GlobalAvgPool2d(), (2, 5, 7, 7), (2, 5)),
    (lambda: nn.AdaptiveAvgPool2d((3, 2)), (2, 5, 7, 7), (2, 5, 3, 2)),
    (lambda: nn.AdaptiveAvgPool1d(4), (2, 5, 9), (2, 5, 4)),
    (lambda: nn.Upsample(scale_factor=2), (1, 2, 3, 4), (1, 2, 6, 8)),
    (lambda: nn.Upsample(size=(5, 5), mode="bilinear", align_corners=False), (1, 2, 3, 4), (1, 2, 5, 5)),
    (lambda: nn.UpsamplingNearest2d(scale_factor=3), (1, 2, 2, 2), (1, 2, 6, 6)),
    (lambda: nn.UpsamplingBilinear2d(size=(4, 4)), (1, 2, 2, 2), (1, 2, 4, 4)),
])
def test_pool_layers_shapes_no_params(layer, x_shape, y_shape):
    m = layer()
    x = tx.randn(*x_shape, requires_grad=True)
    y = m(x)
    assert y.shape == y_shape and y.dtype == np.float32
    assert list(m.parameters()) == [] and m.state_dict() == {}
    y.sum().backward()
    assert x.grad.shape == x_shape and x.grad.dtype == np.float32


def test_pool_layer_reprs_and_attributes():
    m = nn.MaxPool2d(2)
    assert (m.kernel_size, m.stride, m.padding) == (2, 2, 0)
    assert repr(m) == "MaxPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AvgPool2d(3, 1, 1, count_include_pad=False)) == \
        "AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False)"
    assert repr(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)) == \
        "Upsample(scale_factor=2, mode='bilinear', align_corners=False)"
    assert repr(nn.AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"


@pytest.mark.parametrize("make,msg", [
    (lambda: nn.MaxPool2d(0), "kernel_size must be an int >= 1"),
    (lambda: nn.MaxPool2d(2, stride=0), "stride must be an int >= 1"),
    (lambda: nn.MaxPool2d(3, padding=2), "padding 2 must be at most half the kernel size 3"),
    (lambda: nn.AvgPool2d((2, 2, 2)), "kernel_size must be an int >= 1 or 2 such ints"),
    (lambda: nn.AdaptiveAvgPool2d(0), "output_size must be a positive int"),
    (lambda: nn.Upsample(), "exactly one of size and scale_factor"),
    (lambda: nn.Upsample(scale_factor=2, mode="cubic"), "mode must be"),
])
def test_pool_constructor_validation(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_pool_layer_bad_input_rank():
    with pytest.raises(ValueError, match=r"MaxPool2d: expected a 4-D input \(N, C, ...\) or an unbatched 3-D one"):
        nn.MaxPool2d(2)(tx.randn(4, 4))


def _loop_max_pool_grad(x, k, gy):
    """Reference: each k×k tile sends gy to its first (row-major) maximum — a plain loop."""
    n, c, h, w = x.shape
    gx = np.zeros_like(x)
    for a in range(n):
        for ch in range(c):
            for i in range(h // k):
                for j in range(w // k):
                    tile = x[a, ch, i * k:(i + 1) * k, j * k:(j + 1) * k]
                    u, v = np.unravel_index(np.argmax(tile), tile.shape)  # argmax: the first maximum
                    gx[a, ch, i * k + u, j * k + v] += gy[a, ch, i, j]
    return gx


@pytest.mark.parametrize("k", [2, 3])
def test_tiled_max_pool_routes_ties_to_the_first_maximum(k):
    # values from a tiny set: most tiles hold tied maxima, the fast tiled path must fall back correctly
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (2, 3, 2 * k, 3 * k)).astype(np.float64)
    gy = rng.standard_normal((2, 3, 2, 3))
    t = _t(x, True)
    F.max_pool2d(t, k).backward(gy)
    np.testing.assert_array_equal(t.grad, _loop_max_pool_grad(x, k, gy))


def test_relu_max_pool_equals_max_pool_of_relu_values_and_gradients():
    rng = np.random.default_rng(8)
    # ties at positive values, all-negative tiles and exact zeros all occur
    x = rng.integers(-2, 3, (2, 4, 6, 6)).astype(np.float64)
    x[0, 0, :2, :2] = -1.0
    gy = rng.standard_normal((2, 4, 3, 3))
    a, b = _t(x, True), _t(x, True)
    ya = F.max_pool2d(F.relu(a), 2)
    yb = F.relu_max_pool2d(b, 2)
    np.testing.assert_array_equal(ya.numpy(), yb.numpy())
    ya.backward(gy)
    yb.backward(gy)
    np.testing.assert_array_equal(a.grad, b.grad)
    # by hand: a tile of −1s outputs 0 and passes no gradient
    assert yb.numpy()[0, 0, 0, 0] == 0 and not b.grad[0, 0, :2, :2].any()


def test_sequential_fuses_relu_then_max_pool_with_the_same_result():
    tx.manual_seed(3)
    model = tx.nn.Sequential(tx.nn.Conv2d(2, 4, 3, padding=1), tx.nn.ReLU(), tx.nn.MaxPool2d(2))
    x = tx.randn(3, 2, 6, 6)
    fused = model(x)
    assert type(fused._node).__name__ == "MaxPool2d" and fused._node.relu  # one op, ReLU inside
    unfused = x
    for m in model:  # the modules one by one, no fusion
        unfused = m(unfused)
    np.testing.assert_allclose(fused.numpy(), unfused.numpy(), rtol=0, atol=0)
    fused.sum().backward()
    g_fused = model[0].weight.grad.copy()
    model.zero_grad()
    unfused.sum().backward()
    np.testing.assert_allclose(g_fused, model[0].weight.grad, rtol=1e-6, atol=1e-6)


def test_max_pool_with_nan_propagates_it_and_routes_each_windows_gradient_once():
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = np.nan  # inside the first 2×2 window
    t = _t(x, True)
    y = F.max_pool2d(t, 2)
    assert np.isnan(y.numpy()[0, 0, 0, 0]) and np.isfinite(y.numpy()[0, 0, 1:, 1:]).all()
    gy = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    y.backward(gy)
    for i in range(2):
        for j in range(2):  # every window sends its gradient to exactly one element
            tile = t.grad[0, 0, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
            assert np.count_nonzero(tile) == 1 and tile.sum() == gy[0, 0, i, j]


def test_max_pool_of_a_constant_background_routes_to_each_tiles_first_element():
    # what a conv over MNIST's zero background gives: whole regions equal to the bias
    x = np.full((2, 3, 6, 8), 0.25)
    x[:, :, 4:, 6:] = np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2)  # one tile with distinct values
    t = _t(x, True)
    gy = np.random.default_rng(9).standard_normal((2, 3, 3, 4))
    F.relu_max_pool2d(t, 2).backward(gy)
    np.testing.assert_array_equal(t.grad, _loop_max_pool_grad(np.maximum(x, 0), 2, gy))


def test_max_pool_of_a_recorded_relu_output_runs_fused_with_the_same_gradients():
    rng = np.random.default_rng(12)
    x_np = rng.integers(-2, 3, (2, 3, 6, 6)).astype(np.float64)
    gy = rng.standard_normal((2, 3, 3, 3))
    a = _t(x_np, True)
    r = F.relu(a)
    y = F.max_pool2d(r, 2)
    assert type(y._node).__name__ == "MaxPool2d" and y._node.relu  # pooled the relu's input
    y.backward(gy)
    expect = _loop_max_pool_grad(np.maximum(x_np, 0), 2, gy) * (x_np > 0)  # through pool, then relu
    np.testing.assert_array_equal(a.grad, expect)
    # the relu output used elsewhere too: both paths contribute
    b = _t(x_np, True)
    rb = F.relu(b)
    (F.max_pool2d(rb, 2).sum() + rb.sum()).backward()
    np.testing.assert_array_equal(b.grad, _loop_max_pool_grad(np.maximum(x_np, 0), 2, np.ones((2, 3, 3, 3)))
                                  * (x_np > 0) + (x_np > 0))


def test_pytorch_constructor_flags_are_accepted_at_their_defaults():
    pool = tx.nn.MaxPool2d(2, 2, 0, 1, False, True)  # PyTorch's positional order: ..., dilation, return_indices, ceil_mode
    assert pool.ceil_mode and tx.nn.MaxPool1d(3, dilation=1).kernel_size == 3
    with pytest.raises(NotImplementedError, match="MaxPool2d: dilation=2"):
        tx.nn.MaxPool2d(2, dilation=2)
    with pytest.raises(NotImplementedError, match="return_indices=True"):
        tx.nn.MaxPool1d(2, return_indices=True)
    x = tx.tensor(np.array([[-1.0, 2.0], [3.0, -4.0]], np.float32))
    for layer in (tx.nn.ReLU(inplace=True), tx.nn.LeakyReLU(0.1, inplace=True), tx.nn.ELU(inplace=True),
                  tx.nn.Dropout(0.5, inplace=True)):
        before = x.numpy().copy()
        layer.eval()
        layer(x)
        np.testing.assert_array_equal(x.numpy(), before)  # computed out of place: the input is unchanged
    np.testing.assert_array_equal(tx.nn.ReLU(inplace=True)(x).numpy(), [[0, 2], [3, 0]])
    assert "inplace=True" in repr(tx.nn.ReLU(inplace=True))


def test_tiled_max_pool1d_routes_ties_to_the_first_maximum():
    # two-element windows: the tie walk's shortest form (one comparison, no OR)
    rng = np.random.default_rng(11)
    x = rng.integers(0, 2, (2, 3, 8)).astype(np.float64)
    gy = rng.standard_normal((2, 3, 4))
    t = _t(x, True)
    F.max_pool1d(t, 2).backward(gy)
    expected = np.zeros_like(x)
    for a in range(2):
        for ch in range(3):
            for j in range(4):
                expected[a, ch, 2 * j + int(np.argmax(x[a, ch, 2 * j:2 * j + 2]))] += gy[a, ch, j]
    np.testing.assert_array_equal(t.grad, expected)
