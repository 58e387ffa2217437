"""Optional compiled kernels (numba) for the hot loops NumPy cannot run in one pass: the LSTM
cell's element-wise work and 2-D max pooling over windows that tile the input.

**The LSTM.** The LSTM op (``recurrent.LSTMSequence``) runs one GEMM per time step and, between GEMMs, a
handful of element-wise passes over the step's (4, H, N) gate block. In pure NumPy each pass
is a separate call with its own fixed cost and its own trip through memory: nine calls per
step forward, five per step backward plus ten whole-sequence passes that precompute the
products of local derivatives, and a transposing copy of the gate gradients before the
weight-gradient GEMM. These kernels do the same arithmetic in one loop per step:

- ``cell_forward``: the sigmoid gates from their tanh (σ(a) = ½(1 + tanh(a/2)), the ½ already
  folded into the weights) and the new cell state c' = f ⊙ c + i ⊙ g;
- ``hidden_forward``: h' = o ⊙ tanh(c'), written into the state history and into the next
  step's GEMM operand (so the next step needs no copy);
- ``cell_backward``: every gate gradient of one step from the carried dh, dc, written straight
  into the layout the weight-gradient GEMM reads ((4, H, T, N) in the caller's gate order: no
  transposing copy after the loop, no reordering of the weight gradients' rows), and dc
  carried to the previous step.

``tanh`` itself stays NumPy's (vectorised; numba's is a scalar libm call). The arithmetic is
the NumPy path's, in the same IEEE operations (no fast-math), so both paths agree to rounding;
``tests/ops/test_kernels_lstm.py`` checks it.

**Max pooling** (``pool.MaxPool2d`` when stride = kernel and the windows tile the input, the CNN's
2×2 pools): NumPy needs kh·kw − 1 maximum passes, a one-hot mask of the input's size and a walk
of up to 2·kh·kw − 3 more passes to keep only each window's first maximum (ties are the rule on
images: a conv over a constant background outputs its bias), then two passes backward.
``max_pool_forward`` finds each window's maximum and the offset of its first maximum in one pass
(the offset in one byte per output); ``max_pool_backward`` writes every element of dx once, gy at
that offset and 0 elsewhere. Same results as the NumPy path, NaN included (a NaN makes the
output NaN and keeps the gradient where it was); ``tests/ops/test_kernels_pool.py``.

numba is an optional accelerator (``pip install tensorflux[fast]``); without it, or with
``TENSORFLUX_NUMBA=0``, every op takes its pure-NumPy path. ``enabled()`` says which.
"""
from __future__ import annotations

import os
import threading
import warnings
from contextlib import contextmanager

__all__ = ["enabled", "disabled", "cell_forward", "hidden_forward", "cell_backward", "max_pool_forward",
           "max_pool_backward"]

_switched_off = False
_lock = threading.Lock()
_numba_loaded = None  # None: not tried yet; True: the kernels below are numba dispatchers; False: no numba
_ready = {}           # dtype → whether the compiled kernels ran on it (compiled, or loaded from the disk cache)


def enabled(*arrays) -> bool:
    """True when the kernels can run on these arrays: numba is importable (imported here, on the
    first call of an op that can use it, not with ``import tensorflux``), not switched off (``disabled``,
    ``TENSORFLUX_NUMBA=0``), every array is a NumPy array of one dtype, float32 or float64 (the
    kernels know nothing of other array modules), and the kernels compiled for that dtype."""
    if _switched_off or not arrays:
        return False
    from ..backend import ndarray  # the array type the kernels were written for
    dtype = arrays[0].dtype
    if not all(type(a) is ndarray and a.dtype == dtype for a in arrays) or dtype.kind != "f" \
            or dtype.itemsize not in (4, 8):
        return False
    ready = _ready.get(dtype)
    if ready is None:
        with _lock:  # two threads' first LSTM calls compile once
            ready = _ready.get(dtype)
            if ready is None:
                ready = _ready[dtype] = _prepare(dtype)
    return ready


@contextmanager
def disabled():
    """Inside this block every op takes its pure-NumPy path (the tests compare the two)."""
    global _switched_off
    before, _switched_off = _switched_off, True
    try:
        yield
    finally:
        _switched_off = before


def _prepare(dtype) -> bool:
    """Load numba (once), then compile the kernels for ``dtype`` by running them on one-element
    inputs (cached on disk by numba, so later processes load them). A failure to compile warns and
    leaves the op on its NumPy path; so does a missing numba or ``TENSORFLUX_NUMBA=0``, silently."""
    global _numba_loaded
    if os.environ.get("TENSORFLUX_NUMBA", "1") == "0":
        return False
    if _numba_loaded is None:
        try:
            from numba import njit
            jit = njit(cache=True, nogil=True, boundscheck=False)   # cache: numba's folder next to this file,
            compiled = {name: jit(globals()[name]) for name in _KERNELS}   # or the user's cache
        except ImportError:
            _numba_loaded = False
        except Exception as e:  # noqa: BLE001 - e.g. no writable cache location: keep the NumPy path
            warnings.warn(f"tensorflux: numba could not set up the compiled kernels ({type(e).__name__}: {e}); "
                          "the ops run their pure-NumPy paths", RuntimeWarning)
            _numba_loaded = False
        else:
            globals().update(compiled)
            _numba_loaded = True
    if not _numba_loaded:
        return False
    from ..backend import xp
    A, C, TC = xp.zeros((1, 4, 1, 1), dtype), xp.zeros((2, 1, 1), dtype), xp.zeros((1, 1, 1), dtype)
    Y, Z, dh, dc, D = (xp.zeros(s, dtype) for s in ((2, 1, 1), (2, 1, 1), (1, 1), (1, 1), (4, 1, 1, 1)))
    x, y, idx = xp.zeros((1, 2, 2, 1), dtype), xp.zeros((1, 1, 1, 1), dtype), xp.zeros((1, 1, 1, 1), xp.uint8)
    try:
        cell_forward(0, 1, A, C)
        hidden_forward(0, 1, A, TC, Y, Z)
        for has_gy in (False, True):
            cell_backward(0, 1, A, C, TC, dh, dc, TC, has_gy, D, 3, 0, 1, 2)
        max_pool_forward(x, 2, 2, y, idx)
        max_pool_backward(y, idx, 2, 2, x)
    except Exception as e:  # noqa: BLE001 - any compiler failure means: use the NumPy path
        warnings.warn(f"tensorflux: the numba kernels did not compile for {dtype} "
                      f"({type(e).__name__}: {e}); the ops run their pure-NumPy paths", RuntimeWarning)
        return False
    return True


def cell_forward(s, B, A, C):
    """Step s, columns :B. A (T, 4, H, N): tanh of the pre-activations, gates (o, i, f, g);
    replaced by the activations (σ for o, i, f). C (T+1, H, N): C[s+1] = f ⊙ C[s] + i ⊙ g."""
    half = A.dtype.type(0.5)                              # constants in the arrays' dtype (a bare 0.5 is float64)
    a, c_prev, c_new = A[s], C[s], C[s + 1]
    for j in range(a.shape[1]):
        ao, ai, af, ag, cp, cn = a[0, j], a[1, j], a[2, j], a[3, j], c_prev[j], c_new[j]
        for n in range(B):
            o = ao[n] * half + half
            i = ai[n] * half + half
            f = af[n] * half + half
            ao[n], ai[n], af[n] = o, i, f
            cn[n] = f * cp[n] + i * ag[n]


def hidden_forward(s, B, A, TC, Y, Z):
    """Step s, columns :B: Y[s+1] = o ⊙ TC[s] (h' = o ⊙ tanh(c')). When a next step exists, its
    GEMM operand Z (K, T, N) gets h' in rows :H of column block s+1 — all N columns, those past
    :B from Y (a finished sequence keeps its zeros there)."""
    o_all, tc, h = A[s, 0], TC[s], Y[s + 1]
    H, N = h.shape
    nxt = s + 1 < Z.shape[1]
    for j in range(H):
        o, t, hj = o_all[j], tc[j], h[j]
        for n in range(B):
            hj[n] = o[n] * t[n]
        if nxt:
            z = Z[j, s + 1]
            for n in range(N):
                z[n] = hj[n]


def cell_backward(s, B, A, C, TC, dh, dc, gys, has_gy, D, slot_o, slot_i, slot_f, slot_g):
    """Step s, columns :B, of the LSTM's backward (A holds the activations o, i, f, g):

        dh  = dh + gys[s]                         (when the sequence output has a gradient)
        dc  = dc + dh ⊙ o ⊙ (1 − tanh²(c'))
        ∂L/∂o = dh ⊙ tanh(c') ⊙ o(1 − o)          ∂L/∂i = dc ⊙ g ⊙ i(1 − i)
        ∂L/∂f = dc ⊙ c ⊙ f(1 − f)                 ∂L/∂g = dc ⊙ i ⊙ (1 − g²)
        dc_prev = dc ⊙ f

    The gate gradients go to D[:, :, s] of D (4, H, T, N), gate o to D[slot_o] and so on: the
    caller's gate order (PyTorch's i, f, g, o is slots 3, 0, 1, 2), so the weight-gradient GEMM
    yields the caller's rows; dc is updated in place (dh is only read: the caller's GEMM
    overwrites it with W_hhᵀ dA)."""
    one = A.dtype.type(1)                                 # in the arrays' dtype (a bare 1 promotes to float64)
    a, c_prev, tc = A[s], C[s], TC[s]
    for j in range(dh.shape[0]):
        ao, ai, af, ag, cp, t, dhj, dcj = a[0, j], a[1, j], a[2, j], a[3, j], c_prev[j], tc[j], dh[j], dc[j]
        d0, d1, d2, d3 = D[slot_o, j, s], D[slot_i, j, s], D[slot_f, j, s], D[slot_g, j, s]   # ∂L/∂ o, i, f, g
        for n in range(B):
            o, i, f, g, tn = ao[n], ai[n], af[n], ag[n], t[n]
            dhv = dhj[n] + gys[s, j, n] if has_gy else dhj[n]
            dcv = dcj[n] + dhv * (o * (one - tn * tn))
            d0[n] = dhv * (tn * (o * (one - o)))
            d1[n] = dcv * (g * (i * (one - i)))
            d2[n] = dcv * (cp[n] * (f * (one - f)))
            d3[n] = dcv * (i * (one - g * g))
            dcj[n] = dcv * f


def max_pool_forward(x, kh, kw, y, idx):
    """Max pooling over kh×kw windows that tile x (NHWC, any strides): y (N, Ho, Wo, C) the window
    maxima, idx (uint8, same shape) the offset u·kw + v of each window's first maximum.

    As the NumPy path: a running maximum that a NaN turns into NaN for good (NumPy's ``maximum``),
    the offset moving only to a value strictly greater than it — ties keep the first (PyTorch's
    rule), and nothing after a NaN moves it."""
    N, Ho, Wo, C = y.shape
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                yr, ir, first = y[n, i, j], idx[n, i, j], x[n, i * kh, j * kw]
                for c in range(C):
                    yr[c] = first[c]
                    ir[c] = 0
                for u in range(kh):
                    for v in range(kw):
                        if u == 0 and v == 0:
                            continue
                        k = u * kw + v
                        xr = x[n, i * kh + u, j * kw + v]
                        for c in range(C):
                            val = xr[c]
                            if val > yr[c]:
                                yr[c] = val
                                ir[c] = k
                            elif val != val:                    # NaN: the maximum is NaN from here on
                                yr[c] = val


def max_pool_backward(gy, idx, kh, kw, gx):
    """dx of ``max_pool_forward``: every element of gx (N, Ho·kh, Wo·kw, C) written once — gy at
    its window's first-maximum offset, 0 elsewhere."""
    N, Ho, Wo, C = gy.shape
    zero = gx.dtype.type(0)
    for n in range(N):
        for i in range(Ho):
            for u in range(kh):
                for j in range(Wo):
                    g, ir = gy[n, i, j], idx[n, i, j]
                    for v in range(kw):
                        k = u * kw + v
                        dst = gx[n, i * kh + u, j * kw + v]
                        for c in range(C):
                            dst[c] = g[c] if ir[c] == k else zero


_KERNELS = ("cell_forward", "hidden_forward", "cell_backward", "max_pool_forward", "max_pool_backward")
