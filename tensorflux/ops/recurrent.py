"""Recurrent ops: one fused op runs one layer-direction of an RNN, LSTM or GRU over a whole sequence.

Why fused (the notes' RNN, GRU and LSTM are a handful of GEMMs and gates per step, and a step
made of separate ops spends more time in bookkeeping than in arithmetic):

- RNN and LSTM: each step is ONE GEMM ``A_t = [W_hh | W_ih | b] [h_{t−1}; x_t; 1]`` for every gate
  (``_setup(joint=True)``); the GRU projects the input of all steps with one batched GEMM before
  the loop and adds ``W_hh h`` per step (its candidate needs ``W_hn h`` apart). Every gate of a
  step is activated with one ``tanh`` call;
- backward walks the steps in reverse with one GEMM per step (``dh_prev = W_hhᵀ dA``) and
  stores each step's gate gradients ``dA``, so that after the loop the weight gradients
  (``Σ_t dA_t [h_{t−1}; x_t; 1]ᵀ``) and ``dx`` are one big GEMM each.

Weights use PyTorch's layouts: ``w_ih`` (G·H, I), ``w_hh`` (G·H, H), ``b_ih``, ``b_hh`` (G·H,),
gates stacked in the order i, f, g, o (LSTM) and r, z, n (GRU).

Inside, states are feature-major: h is (H, N), a step's gates are (G, H, N), so every gate is
one contiguous block (NumPy runs element-wise work on contiguous blocks much faster than on
column slices) and the per-step GEMMs are ``W (G·H, H) @ h (H, N)``. Inputs and outputs keep
the caller's (T, N, features) layout; outputs are transposed views.

Sigmoid through tanh: σ(a) = ½(1 + tanh(a/2)). The ½ is folded into the weight rows of the
sigmoid gates (exact: a power of two), so a single ``tanh`` call activates all gates of a step.
The LSTM gates are reordered inside the op to (o, i, f, g): the sigmoid gates form one block.

Variable lengths (``lengths``, one int per sequence): the batch is sorted longest first, so at
step s the live sequences are columns ``:B_s`` — the packing cuDNN uses. Finished sequences
keep their state (h_n is each one's state after its last valid step), outputs past the end are
0, and nothing is computed for them. A reverse direction reads each sequence backwards from its
own last valid step (``_StepOrder``).

Buffers: the big per-call arrays (gate pre-activations, their gradients) come from a small pool
(``_Pool``) and go back to it after the pass that used them — or, for what backward reads, when
the op is garbage-collected — so a training loop does not page-fault fresh memory every step.
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager

from ..backend import xp
from . import _kernels as _jit
from .base import Op, OpError, register

__all__ = ["RNNSequence", "LSTMSequence", "LSTMKernelSequence", "GRUSequence"]


class _Pool:
    """Scratch arrays kept for the next call, by (shape, dtype), up to ``LIMIT`` bytes in all.

    A fresh multi-megabyte array costs one page fault per 4 KiB page on first touch (measured:
    ~4,000 faults, and half the CPU time of the LSTM benchmark's training step in the kernel),
    so the big gate buffers are reused instead. Only arrays that nothing outside the op can see
    come here: outputs and gradients are always fresh. When an array does not fit, the pool is
    emptied first, so shapes that stopped occurring (another sequence length) do not pile up.
    """

    LIMIT = 64 << 20

    def __init__(self):
        self._free, self._bytes = {}, 0

    def take(self, shape, dtype, zero=False):
        """An array of that shape and dtype (contents undefined unless ``zero``)."""
        dtype = xp.dtype(dtype)
        stack = self._free.get((shape, dtype))
        if stack:
            a = stack.pop()
            self._bytes -= a.nbytes
            if zero:
                a.fill(0)
            return a
        return (xp.zeros if zero else xp.empty)(shape, dtype=dtype)

    def give(self, *arrays):
        """Hand arrays back for reuse."""
        for a in arrays:
            if a.nbytes > self.LIMIT:
                continue
            if self._bytes + a.nbytes > self.LIMIT:
                self._free, self._bytes = {}, 0
            self._free.setdefault((a.shape, a.dtype), []).append(a)
            self._bytes += a.nbytes


_pool = _Pool()


class _StepOrder:
    """Maps (time, batch) in the caller's order to (step, column) in the loop's order and back.

    Step order: a reverse direction visits time len−1, …, 0 of each sequence; sequences are
    sorted by length, longest first, so the ones still running at step s are ``:sizes[s]``.
    """

    __slots__ = ("T", "N", "reverse", "sizes", "packed", "gather", "scatter", "order", "rank", "last")

    def __init__(self, name, T, N, lengths, reverse):
        self.T, self.N, self.reverse = T, N, reverse
        self.packed = False
        if lengths is not None:
            lengths = xp.asarray(lengths)
            if lengths.ndim != 1 or lengths.shape[0] != N or lengths.dtype.kind not in "iu":
                raise OpError(f"{name}: lengths must be a 1-D integer array with one entry per sequence "
                              f"({N}), got {lengths.dtype} array of shape {lengths.shape}")
            if lengths.size and (lengths.min() < 1 or lengths.max() > T):
                raise OpError(f"{name}: lengths must lie in [1, {T}] (the number of time steps), "
                              f"got min {lengths.min()} and max {lengths.max()}")
            self.packed = bool((lengths != T).any())
        if not self.packed:
            self.sizes = (N,) * T
            return
        order = xp.argsort(-lengths, kind="stable")       # column j of the loop is sequence order[j]
        rank = xp.empty_like(order)
        rank[order] = xp.arange(N)                         # sequence n is column rank[n]
        lens = lengths[order]
        steps = xp.arange(T)[:, None]
        self.sizes = tuple(int(b) for b in (lens[None, :] > steps).sum(axis=1))
        if reverse:  # time of step s is len−1−s inside the sequence (an involution), s past its end
            t_of_step = xp.where(steps < lens, lens - 1 - steps, steps)
            step_of_t = xp.where(steps < lengths, lengths - 1 - steps, steps)
        else:
            t_of_step = step_of_t = xp.broadcast_to(steps, (T, N))
        self.gather = (t_of_step, order[None, :])
        self.scatter = (step_of_t, rank[None, :])
        self.order, self.rank, self.last = order, rank, lens - 1

    def to_steps(self, a):
        """(T, N, ...) in time order → step order."""
        if self.packed:
            return a[self.gather]
        return a[::-1] if self.reverse else a

    def from_steps(self, a):
        """(T, N, ...) in step order → time order."""
        if self.packed:
            return a[self.scatter]
        return a[::-1] if self.reverse else a

    def state_to(self, s):
        """A caller's (N, H) state as the loop's (H, N) columns."""
        return (s[self.order] if self.packed else s).T

    def state_from(self, s):
        """The loop's (H, N) state → the caller's (N, H)."""
        return s.T[self.rank] if self.packed else s.T

    def final(self, states, copy=False):
        """Each sequence's (N, H) state after its last valid step, from (T+1, H, N) states (0 = initial)."""
        if self.packed:
            return states[self.last + 1, :, xp.arange(self.N)][self.rank]
        return states[self.T].T.copy() if copy else states[self.T].T


class _Recurrence(Op):
    """Shared driver of the sequence ops: checks, step order, gate layout and the weight-gradient GEMMs.

    A subclass sets ``GATES`` (G), ``SIGMOID`` (how many leading internal gates are sigmoids) and
    ``ORDER`` (PyTorch's gate blocks in internal order, or None), and writes forward/backward loops.
    """

    accepts_none_grads = True  # an unused output (e.g. the sequence when only h_n is used) costs nothing

    GATES = 1
    SIGMOID = 0
    ORDER = None

    def __init__(self, lengths=None, reverse=False, label=None):
        self.lengths, self.reverse = lengths, bool(reverse)
        self.label = label or type(self).__name__

    # -------------------------------------------------------------- set-up
    def _check(self, x, w_ih, w_hh, b_ih, b_hh, states):
        name, G = self.label, self.GATES
        if x.ndim != 3:
            raise OpError(f"{name}: expected an input of shape (T, N, input_size), got shape {x.shape}")
        if x.dtype.kind != "f":
            raise OpError(f"{name}: expected a floating input, got dtype {x.dtype}")
        T, N, I = x.shape
        if T == 0:
            raise OpError(f"{name}: the input has no time steps (shape {x.shape})")
        if w_hh.ndim != 2 or w_hh.shape[0] != G * w_hh.shape[1]:
            raise OpError(f"{name}: w_hh must have shape ({G}·hidden_size, hidden_size), got {w_hh.shape}")
        H = w_hh.shape[1]
        if w_ih.ndim != 2 or w_ih.shape[0] != G * H:
            raise OpError(f"{name}: w_ih must have shape ({G * H}, input_size) for hidden_size {H}, got {w_ih.shape}")
        if w_ih.shape[1] != I:
            raise OpError(f"{name}: the input has {I} features (shape {x.shape}) but input_size is "
                          f"{w_ih.shape[1]} (w_ih shape {w_ih.shape})")
        expected = [("b_ih", b_ih, (G * H,)), ("b_hh", b_hh, (G * H,)), ("w_ih", w_ih, w_ih.shape),
                    ("w_hh", w_hh, w_hh.shape)] + [(lb, st, (N, H)) for lb, st in zip(("h0", "c0"), states)]
        for label, arr, shape in expected:
            if arr is None:
                continue
            if arr.shape != shape:
                raise OpError(f"{name}: {label} has shape {arr.shape}, expected {shape} "
                              f"(batch {N}, hidden_size {H})")
            if arr.dtype != x.dtype:
                raise OpError(f"{name}: {label} has dtype {arr.dtype} but the input has {x.dtype}; "
                              "cast the parameters or the input so they match")
        return T, N, I, H

    def _gate_rows(self, w, H):
        """Rows (or entries) of a weight in the caller's gate order (``ORDER``'s blocks: PyTorch's, or
        TF's for LSTMKernelSequence) put in the op's internal gate order."""
        if self.ORDER is None:
            return w
        return w.reshape((self.GATES, H) + w.shape[1:])[list(self.ORDER)].reshape(w.shape)

    def _caller_rows(self, w, H):
        """Inverse of ``_gate_rows``: internal gate order → the caller's."""
        if self.ORDER is None:
            return w
        inv = [self.ORDER.index(k) for k in range(self.GATES)]
        return w.reshape((self.GATES, H) + w.shape[1:])[inv].reshape(w.shape)

    def _gate_matrix(self, blocks, H, dtype):
        """The PyTorch-layout ``blocks`` (each G·H rows; a 1-D bias is one column) side by side, rows in
        the internal gate order and the sigmoid gates' rows halved — tanh(a/2) then gives
        σ(a) = ½(1 + tanh(a/2)) — written in one pass per gate and block into a fresh array
        (the caller's parameters are never scaled in place)."""
        blocks = [b if b.ndim == 2 else b[:, None] for b in blocks]
        # transposed views (TF's kernel) are copied fastest into a column-major W; BLAS reads either
        order = "F" if blocks[0].flags.f_contiguous and not blocks[0].flags.c_contiguous else "C"
        W = xp.empty((self.GATES * H, sum(b.shape[1] for b in blocks)), dtype=dtype, order=order)
        c0 = 0
        for b in blocks:
            c1 = c0 + b.shape[1]
            for k, src in enumerate(self.ORDER or range(self.GATES)):
                dst, rows = W[k * H:(k + 1) * H, c0:c1], b[src * H:(src + 1) * H]
                if k < self.SIGMOID:
                    xp.multiply(rows, 0.5, out=dst)          # exact: a power of two
                else:
                    xp.copyto(dst, rows)
            c0 = c1
        return W

    def _setup(self, x, w_ih, w_hh, b_ih, b_hh, states, input_bias, joint=False, caller_order=False):
        """Validate, choose the step order and lay out what each step's GEMM reads.

        joint (RNN, LSTM): Z (K, T, N), K = H + I [+ 1], holds each step's column block
        [h_{t−1}; x_t; 1] and W = [W_hh | W_ih | b] (G·H, K), so ONE GEMM per step gives every gate
        pre-activation, A_t = W Z_t — no input projection before the loop, no add in it — and
        backward's dA Zᵀ is [dW_hh | dW_ih | db] in one GEMM. Each step copies its h_{t−1} into Z.
        (Measured on the lstm benchmark's shapes, 2 threads: forward GEMMs 2.37 → 1.78 ms.)
        Returns A, the (T, G, H, N) buffer the steps write their pre-activations into.

        Not joint (GRU, whose candidate needs W_hn h apart from W_in x): X (I[+1], T, N) and the
        input side A_t = W_ih x_t + b of all steps by one batched GEMM; the loop adds W_hh h.
        With a bias, a row of ones joins X (or Z) and the bias joins W as a column, so it rides
        the GEMM forward and backward.

        caller_order: backward will hold its gate gradients in the caller's gate order (``ORDER``'s
        blocks — PyTorch's, or TF's for LSTMKernelSequence; the LSTM's compiled kernel writes them
        so), so the weight-gradient GEMM's rows need no reordering and ``W_hhᵀ`` is the caller's
        ``w_hh`` transposed.
        """
        T, N, I, H = self._check(x, w_ih, w_hh, b_ih, b_hh, states)
        order = _StepOrder(self.label, T, N, self.lengths, self.reverse)
        biased = input_bias is not None
        self.dtype, self.saved, self.temp = x.dtype, [], []
        self.T, self.N, self.I, self.H, self.order = T, N, I, H, order
        self.caller_order, self.w_ih = caller_order, w_ih
        # backward: dh_prev = W_hhᵀ dA (a transposed view: BLAS reads it as fast as a copy)
        self.whhT = (w_hh if caller_order else self._gate_rows(w_hh, H)).T
        head = H if joint else 0                              # rows of h_{t−1} ahead of x_t
        X = self._saved(head + I + biased, T, N)
        xp.copyto(X[head:head + I], order.to_steps(x).transpose(2, 0, 1))
        blocks = ([w_hh] if joint else []) + [w_ih]
        if biased:
            X[head + I] = 1
            blocks.append(input_bias)
        W = self._gate_matrix(blocks, H, x.dtype)            # internal gate order, sigmoid rows halved
        A = self._saved(T, self.GATES * H, N)
        if joint:
            self.W, self.Z, self.X = W, X, None
        else:
            xp.matmul(W, X.transpose(1, 0, 2), out=A)       # (T, G·H, N): W_ih x_t + b for every t
            self.whh = self._gate_matrix([w_hh], H, x.dtype)
            self.Z, self.X = None, X
        return A.reshape(T, self.GATES, H, N)

    def _joint_step(self, s, B, Y, out):
        """Step s's pre-activations of columns :B into ``out``: Z_s ← h_{s−1} (all columns), out = W Z_s."""
        xp.copyto(self.Z[: self.H, s], Y[s])                 # all columns: dW's GEMM reads them (×0 past the end)
        xp.matmul(self.W, self.Z[:, s, :B], out=out)

    # -------------------------------------------------------------- buffers
    def _saved(self, *shape):
        """A pooled buffer that backward reads: back to the pool when this op is garbage-collected."""
        a = _pool.take(shape, self.dtype)
        self.saved.append(a)
        return a

    def _temp(self, *shape, zero=False):
        """A pooled scratch buffer of the current forward or backward pass (see ``_done``)."""
        a = _pool.take(shape, self.dtype, zero)
        self.temp.append(a)
        return a

    def _done(self, forward):
        """End of a pass: scratch goes back to the pool now, saved buffers once nothing can use them."""
        _pool.give(*self.temp)
        self.temp = []
        if forward:
            if any(self.needs_grad):  # NOTE: not after backward — retain_graph may run it again
                weakref.finalize(self, _pool.give, *self.saved)
            else:
                _pool.give(*self.saved)
            self.saved = None

    def _states(self, s0, pooled):
        """(T+1, H, N) state history with the initial state (or zeros) at index 0.

        The h history is not pooled (the outputs are views of it); past a sequence's end it is 0.
        """
        T, H, N = self.T, self.H, self.N
        if pooled:
            S = self._saved(T + 1, H, N)
        else:
            S = (xp.zeros if self.order.packed else xp.empty)((T + 1, H, N), dtype=self.dtype)
        S[0] = 0 if s0 is None else self.order.state_to(s0)
        return S

    def _outputs(self, Y, C=None):
        """y (T, N, H), h_n (and c_n) (N, H) in the caller's order, from the (T+1, H, N) histories."""
        o = self.order
        out = (o.from_steps(Y[1:].transpose(0, 2, 1)), o.final(Y))
        return out if C is None else out + (o.final(C, copy=True),)

    # -------------------------------------------------------------- backward helpers
    def _step_grads(self, gy):
        """Output gradients as (T, H, N) in step order, and which steps have any (a (T,) bool array);
        None, None when all are zero (only h_n was used). Only the steps with a gradient are copied:
        a program that reads the last output alone (``outputs[:, -1]``) copies one step, not T."""
        if gy is None:
            return None, None
        g = self.order.to_steps(gy)                          # (T, N, H) in step order (a view unless packed)
        live = g.reshape(self.T, -1).any(axis=1)
        if not live.any():
            return None, None
        gys = self._temp(self.T, self.H, self.N)
        if live.all():
            xp.copyto(gys, g.transpose(0, 2, 1))
        else:
            for s in xp.flatnonzero(live):
                xp.copyto(gys[s], g[s].T)
        return gys, live

    def _carry(self, g):
        """A state's gradient as a fresh (H, N) array in loop order, to carry back through time."""
        if g is None:
            return xp.zeros((self.H, self.N), dtype=self.dtype)
        return xp.array(self.order.state_to(g), order="C")

    def _grads(self, D_i, D_h, Y, dstates):
        """Weight, bias, input and initial-state gradients from the stacked gate gradients.

        D_i: ∂L/∂(input-side pre-activations), D_h: ∂L/∂(hidden-side pre-activations), both
        (T, G, H, N) in internal order with zero columns past each sequence's end (for LSTM and
        RNN they are the same array), or already stacked as (G·H, T·N); Y: (T+1, H, N) hidden
        states, Y[t] the h_prev of step t.
        """
        ng = tuple(self.needs_grad) + (False,) * (5 + len(dstates) - len(self.needs_grad))  # absent inputs
        T, N, I, H, G = self.T, self.N, self.I, self.H, self.GATES

        def stacked(D):  # (T, G·H, N) → (G·H, T·N): every step side by side for one GEMM
            out = self._temp(G * H, T, N)
            xp.copyto(out, D.reshape(T, G * H, N).transpose(1, 0, 2))
            return out.reshape(G * H, T * N)

        rows = (lambda w, H: w) if self.caller_order else self._caller_rows     # gradient rows → the caller's order
        Di = D_i if D_i.ndim == 2 else stacked(D_i)
        Dh = Di if D_h is D_i else (stacked(D_h) if ng[2] else None)
        joint = self.Z is not None                            # Z = [h_{t−1}; x_t; 1] per step, else X = [x_t; 1]
        Xs, head = (self.Z, H) if joint else (self.X, 0)
        biased = Xs.shape[0] > head + I
        gx = gw_ih = gw_hh = gb_ih = gb_hh = gb = None
        if ng[0]:
            w_ih = self.w_ih if self.caller_order else self._gate_rows(self.w_ih, H)
            gx = (w_ih.T @ Di).reshape(I, T, N).transpose(1, 2, 0)                  # dx_t = W_ihᵀ dA_t
            gx = self.order.from_steps(gx)
        if ng[1] or (biased and (ng[3] or ng[4] and D_h is D_i)) or (joint and ng[2]):
            g = Di @ Xs.reshape(-1, T * N).T               # [dW_hh |] dW_ih | db] = Σ_t dA_t [h_{t−1};] x_t; 1]ᵀ
            gw_ih = rows(g[:, head:head + I], H) if ng[1] else None
            gb = rows(g[:, head + I], H) if biased else None
            if joint and ng[2]:
                gw_hh = rows(g[:, :H], H)
        if ng[2] and not joint:
            Yc = self._temp(H, T, N)
            xp.copyto(Yc, Y[:T].transpose(1, 0, 2))
            gw_hh = rows(Dh @ Yc.reshape(H, T * N).T, H)                           # dW_hh = Σ_t dA_t h_{t−1}ᵀ
        if ng[3]:
            gb_ih = gb
        if ng[4]:
            gb_hh = gb.copy() if D_h is D_i else rows(D_h.sum(axis=(0, 3)).reshape(G * H), H)
        gstates = tuple(self.order.state_from(d) if need else None for d, need in zip(dstates, ng[5:]))
        self._done(forward=False)
        return (gx, gw_ih, gw_hh, gb_ih, gb_hh) + gstates


@register
class RNNSequence(_Recurrence):
    """Elman RNN layer-direction over a sequence: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.

    forward(x (T,N,I), w_ih (H,I), w_hh (H,H), b_ih, b_hh, h0 (N,H)) → (y (T,N,H), h_n (N,H)).
    Backward: dA = dh ⊙ act'(·) (1 − h'² for tanh, [h' > 0] for relu), dh_prev = W_hhᵀ dA.
    """

    def __init__(self, nonlinearity="tanh", lengths=None, reverse=False, label=None):
        if nonlinearity not in ("tanh", "relu"):
            raise OpError(f"RNNSequence: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(lengths, reverse, label)
        self.nonlinearity = nonlinearity

    def forward(self, x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None):
        A = self._setup(x, w_ih, w_hh, b_ih, b_hh, (h0,), _sum_bias(b_ih, b_hh), joint=True)[:, 0]
        Y = self._states(h0, pooled=False)
        relu = self.nonlinearity == "relu"
        for s, B in enumerate(self.order.sizes):
            a = A[s, :, :B]
            self._joint_step(s, B, Y, a)                       # a = W_hh h + W_ih x + b
            if relu:
                xp.maximum(a, 0, out=Y[s + 1, :, :B])          # h' = max(a, 0)
            else:
                xp.tanh(a, out=Y[s + 1, :, :B])                # h' = tanh(a)
        self.Y = Y
        out = self._outputs(Y)
        self._done(forward=True)
        return out

    def backward(self, gy, gh):
        T, Y, o = self.T, self.Y, self.order
        D = self._temp(T, 1, self.H, self.N, zero=o.packed)
        gys, live = self._step_grads(gy)
        dh = self._carry(gh)                                   # ∂L/∂h carried back through time
        relu = self.nonlinearity == "relu"
        for s in range(T - 1, -1, -1):
            B = o.sizes[s]
            d, dhb, h = D[s, 0, :, :B], dh[:, :B], Y[s + 1, :, :B]
            if gys is not None and live[s]:
                dhb += gys[s, :, :B]
            if relu:
                xp.multiply(dhb, h > 0, out=d)                 # dA = dh ⊙ [h' > 0]
            else:
                xp.multiply(h, h, out=d)
                xp.subtract(1, d, out=d)
                d *= dhb                                       # dA = dh ⊙ (1 − h'²)
            xp.matmul(self.whhT, d, out=dhb)                   # dh_prev = W_hhᵀ dA
        return self._grads(D, D, Y, (dh,))


@register
class LSTMSequence(_Recurrence):
    """LSTM layer-direction over a sequence (PyTorch layout: gates i, f, g, o stacked in w_ih, w_hh).

    i = σ(W_ii x + b_ii + W_hi h + b_hi)   input (update) gate
    f = σ(W_if x + b_if + W_hf h + b_hf)   forget gate
    g = tanh(W_ig x + b_ig + W_hg h + b_hg) candidate c̃
    o = σ(W_io x + b_io + W_ho h + b_ho)   output gate
    c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    forward(x (T,N,I), w_ih (4H,I), w_hh (4H,H), b_ih, b_hh, h0, c0 (N,H)) → (y (T,N,H), h_n, c_n).
    """

    GATES, SIGMOID, ORDER = 4, 3, (3, 0, 1, 2)    # internal order (o, i, f, g)

    def forward(self, x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, c0=None):
        self.compiled = _jit.enabled(x, w_ih, w_hh)            # every buffer below gets x's dtype
        A = self._setup(x, w_ih, w_hh, b_ih, b_hh, (h0, c0), _sum_bias(b_ih, b_hh), joint=True,
                        caller_order=self.compiled)
        T, N, H, o = self.T, self.N, self.H, self.order
        Y, C = self._states(h0, pooled=False), self._states(c0, pooled=True)
        TC = self._saved(T, H, N)                              # tanh(c') per step, kept for backward
        A2 = A.reshape(T, 4 * H, N)
        if self.compiled:  # the same arithmetic in two compiled passes per step (see _kernels)
            xp.copyto(self.Z[:H, 0], Y[0])
            for s, B in enumerate(o.sizes):
                a = A2[s, :, :B]
                xp.matmul(self.W, self.Z[:, s, :B], out=a)    # pre-activations of all gates (sigmoid rows halved)
                xp.tanh(a, out=a)
                _jit.cell_forward(s, B, A, C)                 # σ for o, i, f;  c' = f ⊙ c + i ⊙ g
                xp.tanh(C[s + 1, :, :B], out=TC[s, :, :B])
                _jit.hidden_forward(s, B, A, TC, Y, self.Z)   # h' = o ⊙ tanh(c'), also into Z for step s+1
        else:
            ig = self._temp(H, N)
            for s, B in enumerate(o.sizes):
                a, tc, c = A[s, :, :, :B], TC[s, :, :B], C[s + 1, :, :B]
                self._joint_step(s, B, Y, A2[s, :, :B])       # pre-activations of all gates (sigmoid rows halved)
                xp.tanh(a, out=a)
                sg = a[:3]
                sg *= 0.5
                sg += 0.5                                      # o, i, f = σ(·) = ½(1 + tanh(·/2));  g = tanh(·)
                xp.multiply(a[2], C[s, :, :B], out=c)
                xp.multiply(a[1], a[3], out=ig[:, :B])
                c += ig[:, :B]                                 # c' = f ⊙ c + i ⊙ g
                xp.tanh(c, out=tc)
                xp.multiply(a[0], tc, out=Y[s + 1, :, :B])     # h' = o ⊙ tanh(c')
        self.A, self.Y, self.C, self.TC = A, Y, C, TC
        out = self._outputs(Y, C)
        self._done(forward=True)
        return out

    def backward(self, gy, gh, gc):
        T, N, H, o = self.T, self.N, self.H, self.order
        A, C, TC, Y, whhT = self.A, self.C, self.TC, self.Y, self.whhT
        gys, live = self._step_grads(gy)
        dh, dc = self._carry(gh), self._carry(gc)              # carried back through time
        if self.compiled:
            return self._backward_compiled(gys, live, dh, dc)
        D = self._temp(T, 4, H, N, zero=o.packed)              # ∂L/∂(pre-activations), internal order
        D2 = D.reshape(T, 4 * H, N)
        # Everything in the gate gradients but the carried dh, dc is known before the loop, so the
        # products of local derivatives are formed for every step at once (a few large NumPy calls)
        # and each step is left with five small ones and its GEMM:
        #   ∂L/∂o = dh ⊙ tanh(c') ⊙ σ'(o)                   P_o = tanh(c') ⊙ o(1 − o)
        #   dc   += dh ⊙ o ⊙ (1 − tanh²(c'))                 Q   = o − h' ⊙ tanh(c')
        #   ∂L/∂i = dc ⊙ g ⊙ σ'(i)                          P_i = g ⊙ i(1 − i)
        #   ∂L/∂f = dc ⊙ c ⊙ σ'(f)                          P_f = c ⊙ f(1 − f)
        #   ∂L/∂g = dc ⊙ i ⊙ (1 − g²)                       P_g = i ⊙ (1 − g²)
        # (past a packed sequence's end the values are never read, whatever they are)
        P, Q = self._temp(T, 4, H, N), self._temp(T, H, N)
        with xp.errstate(all="ignore"):
            sg, Ps = A[:, :3], P[:, :3]
            xp.subtract(1, sg, out=Ps)
            Ps *= sg                                           # σ' = σ(1 − σ) for o, i, f
            P[:, 0] *= TC
            P[:, 1] *= A[:, 3]
            P[:, 2] *= C[:T]
            xp.multiply(A[:, 3], A[:, 3], out=P[:, 3])
            xp.subtract(1, P[:, 3], out=P[:, 3])
            P[:, 3] *= A[:, 1]
            xp.multiply(Y[1:], TC, out=Q)
            xp.subtract(A[:, 0], Q, out=Q)
        k = self._temp(H, N)
        for s in range(T - 1, -1, -1):
            B = o.sizes[s]
            d, dhb, dcb, kb = D[s, :, :, :B], dh[:, :B], dc[:, :B], k[:, :B]
            if gys is not None and live[s]:
                dhb += gys[s, :, :B]
            xp.multiply(dhb, P[s, 0, :, :B], out=d[0])        # ∂L/∂o
            xp.multiply(Q[s, :, :B], dhb, out=kb)
            dcb += kb                                          # dc = dc' + dh ⊙ o ⊙ (1 − tanh²(c'))
            xp.multiply(dcb, P[s, 1:, :, :B], out=d[1:])      # ∂L/∂i, ∂L/∂f, ∂L/∂g
            dcb *= A[s, 2, :, :B]                              # dc_prev = dc ⊙ f
            xp.matmul(whhT, D2[s, :, :B], out=dhb)             # dh_prev = W_hhᵀ dA
        return self._grads(D, D, Y, (dh, dc))

    def _backward_compiled(self, gys, live, dh, dc):
        """The backward loop with one compiled pass per step (``_kernels.cell_backward``): the
        gate gradients go straight into the (4·H, T·N) layout of the weight-gradient GEMM, in the
        caller's gate order (``ORDER``: PyTorch's i, f, g, o or TF's i, j, f, o), so the weight
        gradients need no reordering."""
        T, N, H, o = self.T, self.N, self.H, self.order
        D = self._temp(4, H, T, N, zero=o.packed)              # ∂L/∂(pre-activations), the caller's order
        D3 = D.reshape(4 * H, T, N)
        if gys is None:
            gys, live = self.TC, (False,) * T                  # any (T, H, N) array: not read without a gradient
        for s in range(T - 1, -1, -1):
            B = o.sizes[s]
            _jit.cell_backward(s, B, self.A, self.C, self.TC, dh, dc, gys, bool(live[s]), D, *self.ORDER)
            xp.matmul(self.whhT, D3[:, s, :B], out=dh[:, :B])  # dh_prev = W_hhᵀ dA
        D = D.reshape(4 * H, T * N)
        return self._grads(D, D, self.Y, (dh, dc))


@register
class LSTMKernelSequence(LSTMSequence):
    """The LSTM layer-direction in TF's weight layout (``BasicLSTMCell``, ``LSTMCell``, ``dynamic_rnn``).

    forward(x (T,N,I), kernel (I+H, 4H), bias (4H,) or None, h0, c0 (N,H)) → (y (T,N,H), h_n, c_n).
    ``[i, j, f, o] = [x, h]·kernel + bias`` (TF's gate order along the kernel's columns, j the
    candidate), c' = c ⊙ σ(f + forget_bias) + σ(i) ⊙ tanh(j), h' = tanh(c') ⊙ σ(o). The same
    computation as LSTMSequence, which reads w_ih = kernel[:I]ᵀ and w_hh = kernel[I:]ᵀ as views: a
    TF program's graph gets one node and one GEMM per step where splitting, reordering and
    transposing the kernel took fifteen nodes forward and again backward.
    """

    ORDER = (3, 0, 2, 1)    # internal (o, i, f, g) from TF's blocks (i, j, f, o)

    def __init__(self, forget_bias=1.0, lengths=None, reverse=False, label=None):
        super().__init__(lengths, reverse, label)
        self.forget_bias = float(forget_bias)

    def forward(self, x, kernel, bias=None, h0=None, c0=None):
        name = self.label
        if x.ndim != 3:
            raise OpError(f"{name}: expected an input of shape (T, N, input_size), got shape {x.shape}")
        I = x.shape[2]
        if kernel.ndim != 2 or kernel.shape[1] % 4 or kernel.shape[0] != I + kernel.shape[1] // 4:
            raise OpError(f"{name}: kernel must have shape (input_size + num_units, 4·num_units) = "
                          f"({I} + H, 4H) for an input of shape {x.shape}, got {kernel.shape}")
        H = kernel.shape[1] // 4
        if bias is not None and bias.shape != (4 * H,):
            raise OpError(f"{name}: bias has shape {bias.shape}, expected ({4 * H},)")
        for label, arr in (("kernel", kernel), ("bias", bias)):
            if arr is not None and arr.dtype != x.dtype:
                raise OpError(f"{name}: {label} has dtype {arr.dtype} but the input has {x.dtype}; "
                              "cast the variables or the input so they match")
        b = xp.zeros(4 * H, dtype=x.dtype) if bias is None else bias.copy()
        b[2 * H:3 * H] += self.forget_bias                   # σ(f + forget_bias)
        ng = tuple(self.needs_grad) + (False,) * (5 - len(self.needs_grad))
        self.sequence_needs = (ng[0], ng[1], ng[1], ng[2], False, ng[3], ng[4])   # LSTMSequence's inputs
        with self._as_sequence():
            return super().forward(x, kernel[:I].T, kernel[I:].T, b, None, h0, c0)

    def backward(self, gy, gh, gc):
        with self._as_sequence():
            gx, gw_ih, gw_hh, gb, _, gh0, gc0 = super().backward(gy, gh, gc)
        gk = None
        if self.needs_grad[1]:                                # d kernel = [dW_ihᵀ; dW_hhᵀ]
            gk = xp.empty((self.I + self.H, 4 * self.H), dtype=self.dtype)
            gk[:self.I] = gw_ih.T
            gk[self.I:] = gw_hh.T
        return gx, gk, gb if len(self.needs_grad) > 2 and self.needs_grad[2] else None, gh0, gc0

    @contextmanager
    def _as_sequence(self):
        """LSTMSequence's code reads ``needs_grad`` per its own inputs (x, w_ih, w_hh, b_ih, b_hh,
        h0, c0); the engine reads this op's (x, kernel, bias, h0, c0) — swapped only inside."""
        own, self.needs_grad = self.needs_grad, self.sequence_needs
        try:
            yield
        finally:
            self.needs_grad = own


@register
class GRUSequence(_Recurrence):
    """GRU layer-direction over a sequence (PyTorch layout: gates r, z, n stacked in w_ih, w_hh).

    r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate  (the notes' Γ_r)
    z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate (the notes' Γ_u = 1 − z)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate   (the notes' c̃)
    h' = (1 − z) ⊙ n + z ⊙ h
    forward(x (T,N,I), w_ih (3H,I), w_hh (3H,H), b_ih, b_hh, h0 (N,H)) → (y (T,N,H), h_n (N,H)).
    """

    GATES, SIGMOID = 3, 2

    def forward(self, x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None):
        bias = b_ih
        if b_hh is not None:  # b_hr, b_hz add like b_ih; b_hn stays inside r ⊙ (W_hn h + b_hn)
            bias = xp.zeros_like(b_hh) if b_ih is None else b_ih.copy()
            bias[: 2 * len(b_hh) // 3] += b_hh[: 2 * len(b_hh) // 3]
        A = self._setup(x, w_ih, w_hh, b_ih, b_hh, (h0,), bias)
        T, N, H, o = self.T, self.N, self.H, self.order
        b_hn = None if b_hh is None else b_hh[2 * H:, None]
        Y = self._states(h0, pooled=False)
        GN = self._saved(T, H, N)                               # W_hn h + b_hn per step, kept for backward
        whh, tmp, rn = self.whh, self._temp(3, H, N), self._temp(H, N)
        tmp2 = tmp.reshape(3 * H, N)
        for s, B in enumerate(o.sizes):
            a, t, h, hp, gn = A[s, :, :, :B], tmp[:, :, :B], Y[s + 1, :, :B], Y[s, :, :B], GN[s, :, :B]
            xp.matmul(whh, hp, out=tmp2[:, :B])
            rz = a[:2]
            rz += t[:2]
            xp.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5                                           # r, z = σ(·) = ½(1 + tanh(·/2))
            if b_hn is None:
                gn[...] = t[2]
            else:
                xp.add(t[2], b_hn, out=gn)                      # W_hn h + b_hn
            n = a[2]
            xp.multiply(a[0], gn, out=rn[:, :B])
            n += rn[:, :B]
            xp.tanh(n, out=n)                                   # n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
            xp.subtract(hp, n, out=h)
            h *= a[1]
            h += n                                              # h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
        self.A, self.Y, self.GN = A, Y, GN
        out = self._outputs(Y)
        self._done(forward=True)
        return out

    def backward(self, gy, gh):
        T, N, H, o = self.T, self.N, self.H, self.order
        A, Y, GN, whhT = self.A, self.Y, self.GN, self.whhT
        Di, Dh = self._temp(T, 3, H, N, zero=o.packed), self._temp(T, 3, H, N, zero=o.packed)  # input, hidden side
        Dh2 = Dh.reshape(T, 3 * H, N)
        gys, live = self._step_grads(gy)
        dh = self._carry(gh)
        # local derivatives for every step at once (as in the LSTM's backward): a few large calls
        SD, ND, HN = self._temp(T, 2, H, N), self._temp(T, H, N), self._temp(T, H, N)
        with xp.errstate(all="ignore"):  # past a packed sequence's end: never read
            xp.subtract(1, A[:, :2], out=SD)
            SD *= A[:, :2]                                      # through σ: σ(1 − σ) for r, z
            xp.multiply(A[:, 2], A[:, 2], out=ND)
            xp.subtract(1, ND, out=ND)
            xp.subtract(1, A[:, 1], out=HN)
            ND *= HN                                            # (1 − z) ⊙ (1 − n²)
            xp.subtract(Y[:T], A[:, 2], out=HN)                 # h − n
        k = self._temp(H, N)
        for s in range(T - 1, -1, -1):
            B = o.sizes[s]
            a, di, dhh, dhb, kb = A[s, :, :, :B], Di[s, :, :, :B], Dh[s, :, :, :B], dh[:, :B], k[:, :B]
            r, z = a[0], a[1]
            if gys is not None and live[s]:
                dhb += gys[s, :, :B]
            xp.multiply(ND[s, :, :B], dhb, out=di[2])           # ∂L/∂a_n = dh ⊙ (1 − z) ⊙ (1 − n²)
            xp.multiply(HN[s, :, :B], dhb, out=di[1])           # ∂L/∂z = dh ⊙ (h − n)
            xp.multiply(di[2], GN[s, :, :B], out=di[0])         # ∂L/∂r = ∂L/∂a_n ⊙ (W_hn h + b_hn)
            di[:2] *= SD[s, :, :, :B]                           # through σ
            dhh[:2] = di[:2]
            xp.multiply(di[2], r, out=dhh[2])                   # ∂L/∂(W_hn h + b_hn) = ∂L/∂a_n ⊙ r
            dhb *= z                                            # dh_prev = dh ⊙ z + W_hhᵀ dA_h
            xp.matmul(whhT, Dh2[s, :, :B], out=kb)
            dhb += kb
        return self._grads(Di, Dh, Y, (dh,))


def _sum_bias(b_ih, b_hh):
    """b_ih + b_hh (either may be absent): both add to every gate's pre-activation."""
    if b_ih is None:
        return b_hh
    return b_ih if b_hh is None else b_ih + b_hh
