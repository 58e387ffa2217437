"""Convolution ops: 2-D convolution and transposed convolution, im2col + one GEMM per group.

The notes (course 4, week 1) define a convolution layer as: slide an f×f filter over the
padded input with stride s, multiply and sum, add a bias. Output size (with dilation d,
padding p per side; ``n_out = ⌊(n + 2p − f)/s⌋ + 1`` in the notes, f = d(k − 1) + 1):

    n_out = ⌊(n + p_before + p_after − d(k − 1) − 1) / s⌋ + 1

How it is computed (docs/conv.md has the measurements behind each choice):

* Internally everything is channels-last (NHWC activations, HWIO filters): the im2col
  matrix of a channels-last input has rows (kh, kw, C) made of runs of C contiguous values,
  and the GEMM result (N·Ho·Wo, O) *is* the NHWC output, so no transpose is ever copied.
  The eager API is NCHW: an NCHW tensor is handed over as a transposed *view*, and outputs
  come back as NCHW views of channels-last memory (PyTorch's "channels_last" memory format).
  Element-wise ops keep that memory order, so the next conv or pool gets it for free.
* Forward: pad once; then, per block of images (cache blocking, ``_image_blocks``), copy the
  ``as_strided`` window view into an im2col matrix and run one GEMM per group (a single
  ``matmul`` over the group axis) straight into the output. The bias rides the GEMM: im2col
  gets a column of ones and the weight matrix the bias as its last row (measured against
  adding it to each block afterwards: the benchmark cnn's conv1 forward −28–32%, conv2 −2–18%).
* Weight gradient: Σ over blocks of im2col(x)ᵀ · gy (the im2col is rebuilt per block rather
  than kept: cheaper, and the kh·kw-times-larger matrix is never held). Bias: one GEMV.
* Input gradient: for stride 1, a convolution of the padded gy with the flipped kernel (one
  im2col GEMM with K = kh·kw·O per block; measured 6–15% faster than col2im on the benchmark
  cnn's conv2). Other strides, col2im: per block one batched GEMM gives a contiguous slab per
  kernel offset, then kh·kw slice-adds — a loop over the kernel, never over pixels.
* A transposed convolution *is* the input gradient of a convolution, and its gradients are
  a convolution and a weight gradient, so it reuses the same three functions.
"""
from __future__ import annotations

from ..backend import xp
from .base import Op, OpError, register

__all__ = ["Conv2d", "ConvTranspose2d", "conv_output_size", "same_padding", "pad_nhwc", "im2col_nhwc"]

_as_strided = xp.lib.stride_tricks.as_strided
BLOCK_BYTES = 1 << 20  # cache-blocking target, see _image_blocks


def conv_output_size(n, k, stride, pad_before, pad_after, dilation=1):
    """Output length of a convolution or pooling window sweep along one axis."""
    # n_out = ⌊(n + p_b + p_a − d(k − 1) − 1) / s⌋ + 1      (notes: ⌊(n + 2p − f)/s⌋ + 1)
    return (n + pad_before + pad_after - dilation * (k - 1) - 1) // stride + 1


def same_padding(n, k, stride=1, dilation=1):
    """TF's 'SAME' padding (before, after) along one axis: out = ⌈n/s⌉, the odd extra after."""
    out = -(-n // stride)
    # pad_total = max((out − 1)s + d(k − 1) + 1 − n, 0);  pad_before = pad_total // 2
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------------- NHWC kernels
def pad_nhwc(a, pads, value=0):
    """a (N, H, W, C) padded on H and W by ((top, bottom), (left, right)); negative pads crop.

    The result keeps a's memory order (channels-last, or channels-first for a transposed NCHW array).
    """
    (pt, pb), (pl, pr) = pads
    if min(pt, pb, pl, pr) < 0:  # crop first (the full padding of an input gradient can be negative)
        n, h, w = a.shape[:3]
        a = a[:, max(-pt, 0):h - max(-pb, 0), max(-pl, 0):w - max(-pr, 0)]
        pt, pb, pl, pr = max(pt, 0), max(pb, 0), max(pl, 0), max(pr, 0)
    if pt == pb == pl == pr == 0:
        return a
    n, h, w, c = a.shape
    hp, wp = h + pt + pb, w + pl + pr
    if c > 1 and a.strides[3] > a.strides[2]:  # channels-first memory (an NCHW array seen as NHWC)
        out = xp.empty((n, c, hp, wp), dtype=a.dtype).transpose(0, 2, 3, 1)
    else:
        out = xp.empty((n, hp, wp, c), dtype=a.dtype)
    # fill only the border strips; the interior is copied once
    out[:, :pt] = value
    out[:, pt + h:] = value
    out[:, pt:pt + h, :pl] = value
    out[:, pt:pt + h, pl + w:] = value
    out[:, pt:pt + h, pl:pl + w] = a
    return out


def im2col_nhwc(a, kernel, stride, dilation, out_hw, groups=1):
    """The im2col matrix (N·Ho·Wo, groups, kh·kw·C/groups) of an already padded NHWC array.

    Row p = (n, i, j) of group g holds the window a[n, i·sh + u·dh, j·sw + v·dw, g·cg + c] in
    (u, v, c) order. The copy runs along whichever axis of ``a`` is contiguous in memory: for a
    channels-last array with C > 1 the matrix is stored row-major (runs of C values); when W is
    the contiguous axis (C = 1, or channels-first memory: a first layer) it is stored
    column-major, (kh·kw·cg, P), and returned as a transposed view — 10× faster to fill
    there, and BLAS takes either order.
    """
    return _Windows(a, kernel, stride, dilation, out_hw, groups).im2col(slice(None))


class _Windows:
    """The strided window view of a padded NHWC array, made once per call (NumPy's ``as_strided``
    costs ~10 µs, as much as a small block's copy), and the im2col matrix of any block of images."""

    __slots__ = ("view", "column_major", "groups", "k")

    def __init__(self, a, kernel, stride, dilation, out_hw, groups):
        n, _, _, c = a.shape
        (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
        cg = c // groups
        s_n, s_h, s_w, s_c = a.strides
        self.groups, self.k = groups, kh * kw * cg
        self.column_major = s_w == a.itemsize  # W contiguous: column-major im2col, copied in runs along W
        if self.column_major:  # [group, u, v, c, n, i, j]
            shape = (groups, kh, kw, cg, n, ho, wo)
            strides = (s_c * cg, s_h * dh, s_w * dw, s_c, s_n, s_h * sh, s_w * sw)
        else:                  # [n, i, j, group, u, v, c] = a[n, i·sh + u·dh, j·sw + v·dw, group·cg + c]
            shape = (n, ho, wo, groups, kh, kw, cg)
            strides = (s_n, s_h * sh, s_w * sw, s_c * cg, s_h * dh, s_w * dw, s_c)
        self.view = _as_strided(a, shape, strides, writeable=False)

    def im2col(self, sl, ones=False):
        """(P, groups, kh·kw·cg) im2col matrix of the images ``sl`` (a fresh array or a transposed view of one).

        ``ones``: one more column of ones per group, (P, groups, kh·kw·cg + 1), so that a bias
        stored as the weight matrix's last row rides the GEMM.
        """
        g, k, extra = self.groups, self.k, int(ones)
        if self.column_major:
            win = self.view[:, :, :, :, sl]
            p = win.shape[4] * win.shape[5] * win.shape[6]
            cols = xp.empty((g, k + extra, p), dtype=win.dtype)
            xp.copyto(cols[:, :k].reshape(win.shape), win)   # splitting axes: a view, never a copy
            if ones:
                cols[:, k] = 1
            return cols.transpose(2, 0, 1)
        win = self.view[sl]
        p = win.shape[0] * win.shape[1] * win.shape[2]
        cols = xp.empty((p, g, k + extra), dtype=win.dtype)
        xp.copyto(cols[:, :, :k].reshape(win.shape), win)
        if ones:
            cols[:, :, k] = 1
        return cols


def _image_blocks(n, bytes_per_image):
    """Slices of the batch whose im2col / col2im working set is about ``BLOCK_BYTES``.

    Cache blocking: the im2col matrix (or the col2im blocks) of one slice is written and read
    back by the GEMM while it is still in cache, and the whole-batch matrix (kh·kw times the
    input) is never held. Each slice is at least one image and ~1 MB of work, so the loop has
    few iterations and each is dominated by its GEMM (measured 25–30% faster than one GEMM over
    the whole batch on the benchmark CNN; docs/conv.md).
    """
    if n == 0:
        return []
    n_blocks = min(n, max(1, -(-n * bytes_per_image // BLOCK_BYTES)))
    bounds = [i * n // n_blocks for i in range(n_blocks + 1)]  # near-equal blocks (9, 9, ..., 10), no runt
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def _weight_matrix(wh, groups):
    """HWIO filter (kh, kw, C/g, O) -> GEMM operand (g, kh·kw·C/g, O/g)."""
    kh, kw, cg, o = wh.shape
    return wh.reshape(kh * kw * cg, groups, o // groups).transpose(1, 0, 2)


def _conv_nhwc(a, wh, stride, dilation, groups, out_hw, bias=None):
    """Forward convolution of an already padded NHWC array with HWIO w -> y (N, Ho, Wo, O)."""
    n, c = a.shape[0], a.shape[3]
    kh, kw, cg, o = wh.shape
    ho, wo = out_hw
    wmat = _weight_matrix(wh, groups)
    if bias is not None:  # the bias as one more weight row, met by a column of ones in im2col
        wmat = xp.concatenate([wmat, bias.reshape(groups, 1, o // groups)], axis=1)
    y = xp.empty((n, ho, wo, o), dtype=a.dtype)
    windows = _Windows(a, (kh, kw), stride, dilation, out_hw, groups)
    for sl in _image_blocks(n, ho * wo * kh * kw * c * a.itemsize):
        cols = windows.im2col(sl, ones=bias is not None)  # (P, g, kh·kw·cg [+ 1])
        out = y[sl].reshape(-1, groups, o // groups)
        # y = [im2col(x) | 1] · [W; b], one GEMM per group: (g, P, kh·kw·cg + 1) @ (g, kh·kw·cg + 1, og)
        xp.matmul(cols.transpose(1, 0, 2), wmat, out=out.transpose(1, 0, 2))
    return y


def _conv_weight_grad(a, gyh, kernel, stride, dilation, groups):
    """dW = im2col(x)ᵀ · gy, summed over the batch blocks; HWIO of shape (kh, kw, C/g, O)."""
    n, c = a.shape[0], a.shape[3]
    _, ho, wo, o = gyh.shape
    kh, kw = kernel
    cg, og = c // groups, o // groups
    gw = xp.zeros((groups, kh * kw * cg, og), dtype=a.dtype)
    windows = _Windows(a, kernel, stride, dilation, (ho, wo), groups)
    for sl in _image_blocks(n, ho * wo * kh * kw * c * a.itemsize):
        cols = windows.im2col(sl)  # recomputed per block: cheaper than keeping the whole matrix
        g2 = gyh[sl].reshape(-1, groups, og)
        # (g, kh·kw·cg, P) @ (g, P, og) -> (g, kh·kw·cg, og)
        gw += xp.matmul(cols.transpose(1, 2, 0), g2.transpose(1, 0, 2))
    return gw.reshape(groups, kh, kw, cg, og).transpose(1, 2, 3, 0, 4).reshape(kh, kw, cg, o)


def _conv_input_grad(gyh, wh, in_hw, stride, pads, dilation, groups):
    """dx of a convolution (NHWC, shape (N, H, W, C)) from gy (N, Ho, Wo, O); also a transposed conv.

    Stride 1: a convolution of gy with the flipped kernel (``_conv_input_grad_stride1``).
    Any stride, col2im: dx_pad[n, i·s + u·d, j·s + v·d, c] += Σ_o gy[n, i, j, o] W[u, v, c, o] —
    per batch block, one batched GEMM gives a contiguous (n, Ho, Wo, C) slab per kernel offset
    (u, v), then kh·kw slice-adds.
    """
    if tuple(stride) == (1, 1):
        return _conv_input_grad_stride1(gyh, wh, in_hw, pads, dilation, groups)
    n, ho, wo, o = gyh.shape
    kh, kw, cg, _ = wh.shape
    h, w = in_hw
    (sh, sw), (dh, dw), ((pt, pb), (pl, pr)) = stride, dilation, pads
    og = o // groups
    wt = wh.reshape(kh * kw, cg, groups, og).transpose(2, 0, 3, 1)  # (g, kh·kw, og, cg)
    gxp = xp.zeros((n, h + pt + pb, w + pl + pr, groups, cg), dtype=gyh.dtype)
    for sl in _image_blocks(n, ho * wo * kh * kw * groups * cg * gyh.itemsize):
        gyc = gyh[sl]
        m = gyc.shape[0]
        slabs = xp.matmul(gyc.reshape(-1, groups, og).transpose(1, 0, 2)[:, None], wt)  # (g, kh·kw, P, cg)
        gxc = gxp[sl]
        for u in range(kh):
            for v in range(kw):
                src = slabs[:, u * kw + v].transpose(1, 0, 2).reshape(m, ho, wo, groups, cg)
                dst = gxc[:, u * dh:u * dh + sh * (ho - 1) + 1:sh, v * dw:v * dw + sw * (wo - 1) + 1:sw]
                xp.add(dst, src, out=dst)
    return gxp.reshape(n, h + pt + pb, w + pl + pr, groups * cg)[:, pt:pt + h, pl:pl + w]


def _conv_input_grad_stride1(gyh, wh, in_hw, pads, dilation, groups):
    """dx of a stride-1 convolution as a convolution: dx_pad[m] = Σ_u gy[m − u·d] W[u] is gy, padded
    by e − 1 − p in front (e = d(k − 1) + 1, the dilated kernel's span; a negative pad crops), met
    by the kernel flipped in space with its channel axes swapped per group:
    W'[u, v, o, g·cg + c] = W[kh − 1 − u, kw − 1 − v, c, g·og + o].

    One im2col GEMM per block with K = kh·kw·O instead of kh·kw GEMMs with K = O and kh·kw
    slice-adds: measured on the benchmark cnn's conv2 (gy 64×14×14×64 → dx 64×14×14×32),
    alternating in one process, 6.9 vs 7.9 ms (2 threads) and 8.9 vs 9.5 ms (1 thread), medians.
    """
    n, ho, wo, o = gyh.shape
    kh, kw, cg, _ = wh.shape
    (h, w), (dh, dw), ((pt, _), (pl, _)) = in_hw, dilation, pads
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    full = ((eh - 1 - pt, h - ho + pt), (ew - 1 - pl, w - wo + pl))   # output: exactly h × w
    og = o // groups
    wf = wh[::-1, ::-1].reshape(kh, kw, cg, groups, og).transpose(0, 1, 4, 3, 2).reshape(kh, kw, og, groups * cg)
    return _conv_nhwc(pad_nhwc(gyh, full), wf, (1, 1), dilation, groups, (h, w))


def _sum_rows(a):
    """Σ over the rows of a 2-D array, as one GEMV (5–10× faster than ``sum(axis=0)`` here)."""
    return xp.ones(a.shape[0], dtype=a.dtype) @ a


# ---------------------------------------------------------------------- validation
def _check_4d(op, what, a):
    if a.ndim != 4:
        raise OpError(f"{op}: {what} must be 4-D, got shape {a.shape}")


def _check_dtypes(op, x, w, b):
    if w.dtype != x.dtype or (b is not None and b.dtype != x.dtype):
        got = f"input {x.dtype}, weight {w.dtype}" + ("" if b is None else f", bias {b.dtype}")
        raise OpError(f"{op}: input, weight and bias must share one dtype, got {got}")


def _check_pads(op, pads):
    if any(p < 0 for pair in pads for p in pair):
        raise OpError(f"{op}: padding must be non-negative, got {pads}")


def _out_hw(op, in_hw, kernel, stride, pads, dilation, x_shape, w_shape):
    out = tuple(conv_output_size(n, k, s, p[0], p[1], d)
                for n, k, s, p, d in zip(in_hw, kernel, stride, pads, dilation))
    if min(out) <= 0:
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        raise OpError(f"{op}: output would be empty ({out[0]}×{out[1]}): input {x_shape} with filter {w_shape}, "
                      f"stride {stride}, padding {pads}, dilation {dilation}; the padded input must be at least "
                      f"as large as the dilated kernel ({span[0]}×{span[1]})")
    return out


class _ConvBase(Op):
    """Shared settings of Conv2d and ConvTranspose2d."""

    op_name = "conv2d"

    def __init__(self, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1, data_format="NCHW"):
        if data_format not in ("NCHW", "NHWC"):
            raise OpError(f"{self.op_name}: data_format must be 'NCHW' or 'NHWC', got {data_format!r}")
        self.stride = tuple(int(s) for s in stride)
        self.padding = tuple(tuple(int(p) for p in pair) for pair in padding)
        self.dilation = tuple(int(d) for d in dilation)
        self.groups = int(groups)
        self.data_format = data_format
        if min(self.stride) < 1 or min(self.dilation) < 1 or self.groups < 1:
            raise OpError(f"{self.op_name}: stride, dilation and groups must be positive, got stride {self.stride}, "
                          f"dilation {self.dilation}, groups {self.groups}")
        _check_pads(self.op_name, self.padding)

    def _to_nhwc(self, x, w):
        """NHWC / HWIO views of the inputs (free transposes for NCHW / OIHW)."""
        if self.data_format == "NCHW":
            return x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0)
        return x, w

    def _from_nhwc(self, y):
        return y.transpose(0, 3, 1, 2) if self.data_format == "NCHW" else y

    def _weight_from_hwio(self, gw):
        if self.data_format == "NCHW":
            return xp.ascontiguousarray(gw.transpose(3, 2, 0, 1))
        return gw

    def _check_bias(self, b, channels):
        if b is not None and b.shape != (channels,):
            raise OpError(f"{self.op_name}: bias must have shape ({channels},), got {b.shape}")


@register
class Conv2d(_ConvBase):
    """y = x ⋆ W + b (cross-correlation); NCHW x with OIHW W, or NHWC x with HWIO W.

    y[n, o, i, j] = b[o] + Σ_{c,u,v} W[o, c, u, v] · x_pad[n, g·C/g + c, i·s + u·d, j·s + v·d]
    dx = col2im(gy Wᵀ);  dW = im2col(x)ᵀ gy;  db = Σ_{n,i,j} gy.
    """

    def forward(self, x, w, b=None):
        op = self.op_name
        _check_4d(op, "input", x)
        _check_4d(op, "weight", w)
        _check_dtypes(op, x, w, b)
        xh, wh = self._to_nhwc(x, w)
        n, h, wd, c = xh.shape
        kh, kw, cg, o = wh.shape
        g = self.groups
        if cg * g != c:
            raise OpError(f"{op}: input has {c} channels (shape {x.shape}) but the weight {w.shape} expects "
                          f"{cg * g} (= {cg} per group × groups {g})")
        if o % g:
            raise OpError(f"{op}: {o} output channels are not divisible by groups={g} (weight shape {w.shape})")
        self._check_bias(b, o)
        out_hw = _out_hw(op, (h, wd), (kh, kw), self.stride, self.padding, self.dilation, x.shape, w.shape)
        xpad = pad_nhwc(xh, self.padding)
        y = _conv_nhwc(xpad, wh, self.stride, self.dilation, g, out_hw, b)
        ng = self.needs_grad
        self.xpad = xpad if ng and ng[1] else None  # only dW reads x (its im2col is rebuilt block by block)
        self.wh = wh if ng and ng[0] else None       # only dx reads W
        self.in_hw = (h, wd)
        self.kernel = (kh, kw)
        return self._from_nhwc(y)

    def backward(self, gy):
        gyh = gy.transpose(0, 2, 3, 1) if self.data_format == "NCHW" else gy
        ng = self.needs_grad
        gx = gw = gb = None
        if ng[0]:
            gx = self._from_nhwc(_conv_input_grad(gyh, self.wh, self.in_hw, self.stride, self.padding,
                                                  self.dilation, self.groups))
        if ng[1]:
            gw = self._weight_from_hwio(_conv_weight_grad(self.xpad, gyh, self.kernel, self.stride, self.dilation,
                                                          self.groups))
        if len(ng) > 2 and ng[2]:
            gb = _sum_rows(gyh.reshape(-1, gyh.shape[3]))  # db = Σ_{n,i,j} gy
        return gx, gw, gb


@register
class ConvTranspose2d(_ConvBase):
    """y = conv_transpose(x, W) + b: the input gradient of a Conv2d, used as a layer (NCHW or NHWC).

    W has the filter layout of the convolution it transposes: (C_in, C_out/g, kh, kw) for NCHW
    (PyTorch's ConvTranspose2d weight), (kh, kw, C_out, C_in) for NHWC (TF's conv2d_transpose).
    ``output_size`` (H_out, W_out) must be one the forward conv maps back to x's size; the
    default is the smallest, (H − 1)s − p_b − p_a + d(k − 1) + 1.
    dx = conv2d(gy, W);  dW = im2col(gy)ᵀ x;  db = Σ gy.
    """

    op_name = "conv_transpose2d"

    def __init__(self, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1,
                 output_size=None, data_format="NCHW"):
        super().__init__(stride, padding, dilation, groups, data_format)
        self.output_size = None if output_size is None else tuple(int(s) for s in output_size)

    def forward(self, x, w, b=None):
        op = self.op_name
        _check_4d(op, "input", x)
        _check_4d(op, "weight", w)
        _check_dtypes(op, x, w, b)
        xh, wh = self._to_nhwc(x, w)
        n, h, wd, c = xh.shape
        kh, kw, cg, o = wh.shape  # as the forward conv's filter: maps cg·g channels -> o (= x's channels)
        g = self.groups
        if o != c:
            raise OpError(f"{op}: input has {c} channels (shape {x.shape}) but the weight {w.shape} expects {o}")
        if o % g:
            raise OpError(f"{op}: {o} input channels are not divisible by groups={g} (weight shape {w.shape})")
        self._check_bias(b, cg * g)
        (sh, sw), (dh, dw), ((pt, pb), (pl, pr)) = self.stride, self.dilation, self.padding
        smallest = ((h - 1) * sh - pt - pb + dh * (kh - 1) + 1, (wd - 1) * sw - pl - pr + dw * (kw - 1) + 1)
        out_hw = self.output_size or smallest
        back = tuple(conv_output_size(m, k, s, p[0], p[1], d) for m, k, s, p, d in
                     zip(out_hw, (kh, kw), self.stride, self.padding, self.dilation))
        if min(out_hw) <= 0 or back != (h, wd):
            raise OpError(f"{op}: output size {out_hw} is not valid for input {x.shape}, weight {w.shape}, "
                          f"stride {self.stride}, padding {self.padding}, dilation {self.dilation}: expected "
                          f"{smallest[0]}..{smallest[0] + sh - 1} × {smallest[1]}..{smallest[1] + sw - 1}")
        y = _conv_input_grad(xh, wh, out_hw, self.stride, self.padding, self.dilation, g)
        if b is not None:
            y += b
        ng = self.needs_grad
        self.xh = xh if ng and ng[1] else None
        self.wh = wh if ng and ng[0] else None
        self.kernel, self.xh_shape = (kh, kw), (h, wd)
        return self._from_nhwc(y)

    def backward(self, gy):
        gyh = gy.transpose(0, 2, 3, 1) if self.data_format == "NCHW" else gy
        ng = self.needs_grad
        gx = gw = gb = None
        if ng[0] or ng[1]:
            gpad = pad_nhwc(gyh, self.padding)
            if ng[0]:  # dx = conv2d(gy, W)
                gx = self._from_nhwc(_conv_nhwc(gpad, self.wh, self.stride, self.dilation, self.groups,
                                                self.xh_shape))
            if ng[1]:  # dW = im2col(gy)ᵀ x
                gw = self._weight_from_hwio(_conv_weight_grad(gpad, self.xh, self.kernel, self.stride, self.dilation,
                                                              self.groups))
        if len(ng) > 2 and ng[2]:
            gb = _sum_rows(gyh.reshape(-1, gyh.shape[3]))  # db = Σ_{n,i,j} gy
        return gx, gw, gb
