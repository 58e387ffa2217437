"""Linear algebra: matmul (batched, broadcasting), the fused dense layer, einsum."""
from __future__ import annotations

from ..backend import xp
from .base import Op, OpError, register, sum_to

__all__ = ["MatMul", "Linear", "Einsum"]


def _check_matmul(a_shape, b_shape, op="matmul"):
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise OpError(f"{op}: both operands need at least 1 dimension, got shapes {a_shape} and {b_shape}")
    k_a = a_shape[-1]
    k_b = b_shape[-2] if len(b_shape) > 1 else b_shape[0]
    if k_a != k_b:
        raise OpError(f"{op}: shapes {a_shape} and {b_shape} are not aligned "
                         f"(inner dimensions {k_a} != {k_b})")


@register
class MatMul(Op):
    """y = a @ b (batch dims broadcast);  da = gy @ bᵀ, db = aᵀ @ gy"""

    def forward(self, a, b):
        _check_matmul(a.shape, b.shape)
        self.a, self.b = a, b
        return a @ b

    def backward(self, gy):
        a, b = self.a, self.b
        # promote vectors to matrices so one rule covers every case
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = gy
        if a.ndim == 1:
            g2 = xp.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = xp.expand_dims(g2, -1)
        ga = gb = None
        if self.needs_grad[0]:
            ga = g2 @ xp.swapaxes(b2, -1, -2)
            ga = sum_to(ga, a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            if a2.ndim == 2 and g2.ndim == 2:
                gb = a2.T @ g2
            elif b2.ndim == 2 and g2.ndim > 2:
                # shared weight for a batch: fold the batch dims into one GEMM
                gb = a2.reshape(-1, a2.shape[-1]).T @ g2.reshape(-1, g2.shape[-1])
            else:
                gb = xp.swapaxes(a2, -1, -2) @ g2
            gb = sum_to(gb, b2.shape).reshape(b.shape)
        return ga, gb


@register
class Linear(Op):
    """Fused dense layer y = x Wᵀ + b (PyTorch weight layout: W is out×in).

    dx = gy W,  dW = gyᵀ x,  db = Σ_batch gy — one GEMM each, leading dims folded.
    ``weight_layout="in_out"`` takes TF's layout (W is in×out): y = x W + b, dx = gy Wᵀ,
    dW = xᵀ gy; graph code's ``tf.matmul(x, W) + b`` becomes this op (no separate add node, no
    second output array, the bias added in place).
    """

    def __init__(self, weight_layout="out_in"):
        if weight_layout not in ("out_in", "in_out"):
            raise OpError(f"linear: weight_layout must be 'out_in' (PyTorch) or 'in_out' (TF), got {weight_layout!r}")
        self.in_out = weight_layout == "in_out"

    def forward(self, x, w, b=None):
        n_in = w.shape[0] if self.in_out else w.shape[1]
        if x.shape[-1] != n_in:
            layout = "in × out" if self.in_out else "out × in"
            raise OpError(f"linear: input has {x.shape[-1]} features (shape {x.shape}) but the weight "
                             f"expects {n_in} (weight shape {w.shape}, {layout})")
        self.x, self.w = x, w
        y = x @ (w if self.in_out else w.T)
        if b is not None:
            y += b
        return y

    def backward(self, gy):
        x, w = self.x, self.w
        ng = self.needs_grad
        gx = (gy @ (w.T if self.in_out else w)) if ng[0] else None
        g2 = gy.reshape(-1, gy.shape[-1])
        gw = None
        if ng[1]:
            x2 = x.reshape(-1, x.shape[-1])
            gw = x2.T @ g2 if self.in_out else g2.T @ x2
        gb = g2.sum(axis=0) if len(ng) > 2 and ng[2] else None
        return gx, gw, gb


@register
class Einsum(Op):
    """y = einsum(subscripts, *operands) (explicit '->' form, no ellipsis).

    The gradient of operand i is an einsum of gy with the other operands into operand i's
    subscripts; labels that appear only in operand i were summed away, so gy is broadcast back.
    """

    def __init__(self, subscripts):
        s = subscripts.replace(" ", "")
        if "->" not in s or "." in s:
            raise OpError(f"einsum: expected the explicit form 'ij,jk->ik' without '...', got {subscripts!r}")
        ins, self.out = s.split("->")
        self.ins = ins.split(",")
        for sub in self.ins:
            if len(set(sub)) != len(sub):
                raise OpError(f"einsum: repeated labels inside one operand ({sub!r}) are not supported")
        self.subscripts = s

    def forward(self, *xs):
        if len(xs) != len(self.ins):
            raise OpError(f"einsum: subscripts {self.subscripts!r} name {len(self.ins)} operands, got {len(xs)}")
        self.xs = xs
        return xp.einsum(self.subscripts, *xs, optimize=len(xs) > 2)

    def backward(self, gy):
        grads = []
        for i, sub in enumerate(self.ins):
            if not self.needs_grad[i]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(self.ins) if j != i]
            present = set(self.out).union(*others) if others else set(self.out)
            kept = "".join(c for c in sub if c in present)
            expr = ",".join([self.out] + others) + "->" + kept
            g = xp.einsum(expr, gy, *[x for j, x in enumerate(self.xs) if j != i], optimize=len(others) > 1)
            if kept != sub:  # broadcast over labels summed away only from this operand
                idx = [k for k, c in enumerate(sub) if c in present]
                g = xp.broadcast_to(g.reshape([g.shape[idx.index(k)] if k in idx else 1 for k in range(len(sub))]),
                                    self.xs[i].shape)
            grads.append(g)
        return tuple(grads)
