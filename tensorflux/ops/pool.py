"""Pooling ops: max and average pooling over 2-D windows (1-D pooling is the 1×L case).

The notes (course 4, week 1): a pooling layer slides an f×f window with stride s over each
channel and keeps the maximum (max pooling) or the mean (average pooling); it has no
parameters, and its output size is that of a convolution, ⌊(n + 2p − f)/s⌋ + 1.

How it is computed: like the convolutions, on channels-last views (an NCHW tensor is a
transposed view; see ops/conv.py). Both ops loop over the kh·kw kernel offsets — each step
is one element-wise op on a strided view of the whole batch — never over pixels.

* max: a running maximum; the offset of each window's first maximum is kept in a small
  integer array (ties go to the first position in row-major window order, as in PyTorch),
  and backward routes gy through it. Padding is −∞, so it never wins.
* avg: a running sum divided by the window size kh·kw, or by the number of real (unpadded)
  elements when ``count_include_pad=False`` (TF's 'SAME' average pooling).
* ``ceil_mode`` (PyTorch) rounds the output size up; the extra windows hang over the
  bottom/right edge and see only the elements that exist.

With numba installed, max pooling whose windows tile the input (the 2×2/2 of most CNNs) runs
as two compiled loops instead (``_kernels.max_pool_forward`` / ``max_pool_backward``), with
the same results; see docs/conv.md.
"""
from __future__ import annotations

from ..backend import xp
from . import _kernels
from .base import Op, OpError, register
from .conv import conv_output_size, pad_nhwc

_as_strided = xp.lib.stride_tricks.as_strided

__all__ = ["MaxPool2d", "AvgPool2d", "pool_output_size"]


def pool_output_size(n, k, stride, pad_before, pad_after, ceil_mode=False):
    """Number of pooling windows along one axis (PyTorch's rule when ``ceil_mode``)."""
    if not ceil_mode:
        return conv_output_size(n, k, stride, pad_before, pad_after)  # ⌊(n + p_b + p_a − k)/s⌋ + 1
    out = -(-(n + pad_before + pad_after - k) // stride) + 1            # ⌈(n + p_b + p_a − k)/s⌉ + 1
    if (out - 1) * stride >= n + pad_before:  # the last window must start inside the input or leading pad
        out -= 1
    return out


class _Pool2d(Op):
    """Window geometry shared by the pooling ops."""

    op_name = "pool2d"

    def __init__(self, kernel_size, stride=None, padding=((0, 0), (0, 0)), ceil_mode=False, data_format="NCHW"):
        if data_format not in ("NCHW", "NHWC"):
            raise OpError(f"{self.op_name}: data_format must be 'NCHW' or 'NHWC', got {data_format!r}")
        self.kernel = tuple(int(k) for k in kernel_size)
        self.stride = self.kernel if stride is None else tuple(int(s) for s in stride)
        self.padding = tuple(tuple(int(p) for p in pair) for pair in padding)
        self.ceil_mode = bool(ceil_mode)
        self.data_format = data_format
        if min(self.kernel) < 1 or min(self.stride) < 1:
            raise OpError(f"{self.op_name}: kernel size and stride must be positive, got kernel {self.kernel}, "
                          f"stride {self.stride}")
        for k, pair in zip(self.kernel, self.padding):
            if min(pair) < 0 or max(pair) > k // 2:
                raise OpError(f"{self.op_name}: padding {self.padding} must be between 0 and half the kernel "
                              f"size {self.kernel} on every side")

    def _setup(self, x):
        """Validate x, fix the output size and the padding (with the ceil-mode overhang); NHWC view of x."""
        if x.ndim != 4:
            raise OpError(f"{self.op_name}: input must be 4-D ({self.data_format}), got shape {x.shape}")
        xh = x.transpose(0, 2, 3, 1) if self.data_format == "NCHW" else x
        hw = xh.shape[1:3]
        out = tuple(pool_output_size(n, k, s, p[0], p[1], self.ceil_mode)
                    for n, k, s, p in zip(hw, self.kernel, self.stride, self.padding))
        if min(out) <= 0:
            raise OpError(f"{self.op_name}: output would be empty ({out[0]}×{out[1]}): input {x.shape} "
                          f"({self.data_format}) is smaller than the kernel {self.kernel} with padding {self.padding}")
        # ceil mode: the last window may hang over the bottom/right edge; pad that overhang too
        extra = tuple(max((o - 1) * s + k - (n + p[0] + p[1]), 0)
                      for o, s, k, n, p in zip(out, self.stride, self.kernel, hw, self.padding))
        self.pads = tuple((p[0], p[1] + e) for p, e in zip(self.padding, extra))
        self.in_hw, self.out_hw, self.extra = hw, out, extra
        return xh

    def _window(self, a, u, v):
        """The strided view a[:, u + i·sh, v + j·sw] of one kernel offset, for every output (i, j)."""
        (sh, sw), (ho, wo) = self.stride, self.out_hw
        return a[:, u:u + sh * (ho - 1) + 1:sh, v:v + sw * (wo - 1) + 1:sw]

    def _offsets(self):
        return [(u, v) for u in range(self.kernel[0]) for v in range(self.kernel[1])]

    def _overlapping(self):
        return self.stride[0] < self.kernel[0] or self.stride[1] < self.kernel[1]

    def _grad_buffer(self, gyh):
        """dx with its padding; uninitialised when the windows tile it exactly (each element written once)."""
        n, c = gyh.shape[0], gyh.shape[3]
        (h, w), ((pt, pb), (pl, pr)) = self.in_hw, self.pads
        return (xp.empty if self._tiles() else xp.zeros)((n, h + pt + pb, w + pl + pr, c), dtype=gyh.dtype)

    def _tiles(self):
        """True when the windows tile the input exactly (stride = kernel, no padding, no remainder)."""
        return self.stride == self.kernel and not any(map(any, self.pads)) and \
            all(o * s == m for o, s, m in zip(self.out_hw, self.stride, self.in_hw))

    def _crop(self, gxp):
        (h, w), ((pt, _), (pl, _)) = self.in_hw, self.pads
        gx = gxp[:, pt:pt + h, pl:pl + w]
        return gx.transpose(0, 3, 1, 2) if self.data_format == "NCHW" else gx

    def _nhwc_grad(self, gy):
        gyh = gy.transpose(0, 2, 3, 1) if self.data_format == "NCHW" else gy
        return xp.ascontiguousarray(gyh)  # one copy at most; the kernel loop then reads it kh·kw times

    def _out(self, yh):
        return yh.transpose(0, 3, 1, 2) if self.data_format == "NCHW" else yh


@register
class MaxPool2d(_Pool2d):
    """y = max of each window;  dx[first argmax of the window] += gy (padding is −∞).

    ``relu=True`` fuses a ReLU in front: y = maxpool(relu(x)), computed as relu(maxpool(x)) (the
    two commute, and so do their gradients: a window whose max is ≤ 0 passes no gradient either
    way), so the ReLU runs on the pooled array — a quarter of the size for 2×2 windows.
    """

    op_name = "max_pool2d"

    def __init__(self, kernel_size, stride=None, padding=((0, 0), (0, 0)), ceil_mode=False, data_format="NCHW",
                 relu=False):
        super().__init__(kernel_size, stride, padding, ceil_mode, data_format)
        self.relu = bool(relu)

    def forward(self, x):
        xh = self._setup(x)
        if x.dtype.kind != "f":
            raise OpError(f"{self.op_name}: input must be floating point, got dtype {x.dtype}")
        keep = bool(self.needs_grad) and self.needs_grad[0]
        self.onehot = self.idx = self.tiled_idx = None
        if self._tiles() and len(self._offsets()) > 1:
            if _kernels.enabled(xh) and self.kernel[0] * self.kernel[1] <= 256:   # offsets fit a byte
                y = self._forward_compiled(xh, keep)
            else:
                y = self._forward_tiled(xh, keep)
        else:
            y = self._forward_general(xh, keep)
        if self.relu:
            xp.maximum(y, 0, out=y)  # relu(maxpool(x)) = maxpool(relu(x))
            self.positive = (y > 0) if keep else None
        return self._out(y)

    def _forward_general(self, xh, keep):
        """Running maximum over the kernel offsets; the first maximum's offset kept in ``idx``."""
        xpd = pad_nhwc(xh, self.pads, -xp.inf) if any(map(any, self.pads)) else xp.ascontiguousarray(xh)
        offsets = self._offsets()
        y = xp.empty((xh.shape[0],) + self.out_hw + (xh.shape[3],), dtype=xh.dtype)
        y[...] = self._window(xpd, *offsets[0])
        idx = xp.zeros(y.shape, dtype=xp.uint8 if len(offsets) < 256 else xp.int32) if keep else None
        for k, (u, v) in enumerate(offsets[1:], 1):
            cand = self._window(xpd, u, v)
            if keep:
                better = xp.greater(cand, y)  # strictly greater: a tie keeps the earlier offset
                # idx ← k where better, as idx −= better·(idx − k) (exact in modular integer arithmetic;
                # 4× faster than a masked copy)
                idx -= better * (idx - idx.dtype.type(k))
            xp.maximum(y, cand, out=y)
        self.idx = idx
        return y

    def _forward_compiled(self, xh, keep):
        """Disjoint windows that tile x, by the compiled kernel: y and each window's first-maximum
        offset in one pass (``_kernels.max_pool_forward``); backward writes dx in one pass too."""
        n, c = xh.shape[0], xh.shape[3]
        y = xp.empty((n,) + self.out_hw + (c,), dtype=xh.dtype)
        idx = xp.empty(y.shape, dtype=xp.uint8)                 # offsets 0 … kh·kw − 1 ≤ 255
        _kernels.max_pool_forward(xh, *self.kernel, y, idx)
        self.tiled_idx = idx if keep else None
        return y

    def _forward_tiled(self, xh, keep):
        """Disjoint windows that tile x: y by kh·kw − 1 maximum passes; for backward a one-hot mask
        (N, Ho, kh, Wo, kw, C) of each window's first maximum, laid out like x itself, so that
        backward is a single broadcast multiply."""
        n, c = xh.shape[0], xh.shape[3]
        (kh, kw), (ho, wo) = self.kernel, self.out_hw
        # max over the window rows first: each row view xh[:, u::kh] keeps whole (W, C) rows, so
        # NumPy runs long contiguous inner loops; then over the columns of the (N, Ho, W, C) result
        rows = xh[:, 0::kh]
        if kh > 1:
            rows = xp.maximum(rows, xh[:, 1::kh])
            for u in range(2, kh):
                xp.maximum(rows, xh[:, u::kh], out=rows)
        y = xp.empty((n, ho, wo, c), dtype=xh.dtype)
        if kw > 1:
            xp.maximum(rows[:, :, 0::kw], rows[:, :, 1::kw], out=y)
            for v in range(2, kw):
                xp.maximum(y, rows[:, :, v::kw], out=y)
        else:
            y[...] = rows
        if not keep:
            return y
        s_n, s_h, s_w, s_c = xh.strides  # x as (N, Ho, kh, Wo, kw, C) windows, a view whatever its memory order
        x6 = _as_strided(xh, (n, ho, kh, wo, kw, c), (s_n, s_h * kh, s_h, s_w * kw, s_w, s_c), writeable=False)
        onehot = xp.equal(x6, y[:, :, None, :, None])
        if xp.count_nonzero(onehot) != y.size:
            # ties — common: a conv over the zero background of an image outputs exactly its bias —
            # keep only each window's first maximum (PyTorch's rule): walking the offsets in order,
            # hit_k ← hit_k ∧ ¬seen (for booleans, hit > seen), seen ← seen ∨ hit_k. Every pass runs
            # on strided views with short inner runs, so passes are what cost: the first offset's hits
            # serve as ``seen`` until the first OR allocates it, and the last offset needs no OR
            # (2·kh·kw − 3 passes; 5 for 2×2 windows, 7 before).
            offsets = self._offsets()
            last = len(offsets) - 1
            seen = onehot[:, :, offsets[0][0], :, offsets[0][1]]
            for k, (u, v) in enumerate(offsets[1:], 1):
                hit = onehot[:, :, u, :, v]
                xp.greater(hit, seen, out=hit)
                if k == last:
                    break
                if k == 1:
                    seen = xp.logical_or(seen, hit)
                else:
                    xp.logical_or(seen, hit, out=seen)
            if xp.count_nonzero(onehot) != y.size:  # a window matched nothing: NaN inside; the general path
                self._forward_general(xh, True)
                for k, (u, v) in enumerate(offsets):
                    xp.equal(self.idx, k, out=onehot[:, :, u, :, v])
                self.idx = None
        self.onehot = onehot
        return y

    def backward(self, gy):
        gyh = self._nhwc_grad(gy)
        if self.relu:
            gyh = gyh * self.positive  # the fused ReLU's gradient, on the pooled array
        if self.tiled_idx is not None:  # compiled: every element of dx written once
            n, ho, wo, c = gyh.shape
            gx = xp.empty((n, ho * self.kernel[0], wo * self.kernel[1], c), dtype=gyh.dtype)
            _kernels.max_pool_backward(gyh, self.tiled_idx, *self.kernel, gx)
            return (self._out(gx),)
        if self.onehot is not None:  # tiled: dx = one-hot ⊙ gy broadcast over each window
            n, ho, kh, wo, kw, c = self.onehot.shape
            gx = xp.empty(self.onehot.shape, dtype=gyh.dtype)
            # two passes beat one: the broadcast copy fills gx, then a contiguous multiply by the
            # mask (measured 11–13% faster than one float × bool multiply with a broadcast operand)
            xp.copyto(gx, gyh[:, :, None, :, None, :])
            gx *= self.onehot
            return (self._out(gx.reshape(n, ho * kh, wo * kw, c)),)
        gxp = self._grad_buffer(gyh)
        overlapping = self._overlapping()
        for k, (u, v) in enumerate(self._offsets()):
            dst = self._window(gxp, u, v)
            if overlapping:
                dst += gyh * (self.idx == k)
            else:  # disjoint windows: every input element receives from at most one window
                xp.multiply(gyh, self.idx == k, out=dst)
        return (self._crop(gxp),)


@register
class AvgPool2d(_Pool2d):
    """y = Σ window / count;  dx[window] += gy / count (count = kh·kw, or the real elements only)."""

    op_name = "avg_pool2d"

    def __init__(self, kernel_size, stride=None, padding=((0, 0), (0, 0)), ceil_mode=False,
                 count_include_pad=True, data_format="NCHW"):
        super().__init__(kernel_size, stride, padding, ceil_mode, data_format)
        self.count_include_pad = bool(count_include_pad)

    def _divisor(self, dtype):
        """kh·kw, or an (Ho, Wo, 1) array of per-window element counts."""
        if self.count_include_pad and not any(self.extra):
            return self.kernel[0] * self.kernel[1]
        counts = []
        for n, k, s, (pb, pa), e, out in zip(self.in_hw, self.kernel, self.stride, self.padding, self.extra,
                                             self.out_hw):
            counted = xp.zeros(n + pb + pa + e, dtype=xp.int64)
            if self.count_include_pad:
                counted[:n + pb + pa] = 1  # the padding counts, the ceil-mode overhang does not (PyTorch)
            else:
                counted[pb:pb + n] = 1     # real elements only (TF 'SAME')
            csum = xp.concatenate([xp.zeros(1, dtype=xp.int64), xp.cumsum(counted)])
            starts = xp.arange(out) * s
            counts.append(csum[starts + k] - csum[starts])
        # windows are rectangles, so the count factorises: count[i, j] = rows[i] · cols[j]
        return (counts[0][:, None] * counts[1][None, :])[:, :, None].astype(dtype)

    def forward(self, x):
        xh = self._setup(x)
        if x.dtype.kind != "f":
            raise OpError(f"{self.op_name}: input must be floating point, got dtype {x.dtype}")
        xpd = pad_nhwc(xh, self.pads, 0) if any(map(any, self.pads)) else xh
        offsets = self._offsets()
        y = xp.empty((xh.shape[0],) + self.out_hw + (xh.shape[3],), dtype=x.dtype)
        y[...] = self._window(xpd, *offsets[0])
        for u, v in offsets[1:]:
            y += self._window(xpd, u, v)
        self.divisor = self._divisor(x.dtype)
        y /= self.divisor  # y = (1/count) Σ_window x
        return self._out(y)

    def backward(self, gy):
        g = self._nhwc_grad(gy) / self.divisor  # every element of a window gets gy / count
        gxp = self._grad_buffer(g)
        overlapping = self._overlapping()
        for u, v in self._offsets():
            dst = self._window(gxp, u, v)
            if overlapping:
                dst += g
            else:
                dst[...] = g
        return (self._crop(gxp),)
