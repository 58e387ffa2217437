"""Experiment (measured and rejected, docs/benchmarks.md): should the Linear op compute
feature-major — yᵀ = W xᵀ and dxᵀ = Wᵀ gyᵀ, returning column-major views — instead of row-major
(y = x Wᵀ, dx = gy W, the op's path)? Three policies, alternating in one process: always
row-major (the op as it is), always feature-major, and a rule (feature-major when the operand
is column-major already, or the result has at least twice as many features as rows).

    python -m benchmarks.experiments.linear_feature_major [rounds] [workload ...]

Prints, best-of and median:
1. the forward GEMM alone, either way, over a grid of batch sizes and layer shapes, for a
   row-major input (the data) and a column-major one (a feature-major layer's output):
   time feature-major / row-major (below 1: feature-major is faster);
2. the mlp's 8 GEMMs under each policy (GFLOP/s; NumPy's ceiling measured beside them);
3. the training step of each workload (default logreg, mlp, cnn, lstm), eager and graph, ms.
"""
import sys
import time

import numpy as np

from benchmarks import _tx
from benchmarks._common import WORKLOADS, median
from benchmarks.gemm import MLP_LAYERS, gemm_ceiling, mlp_gemm_flops, time_gemm_set
from tensorflux.ops import linalg

OP_PATH = (linalg.Linear.forward, linalg.Linear.backward)


def _column_major(a):
    return a.flags.f_contiguous and not a.flags.c_contiguous


def _rule(operand, n_cols):
    return _column_major(operand) or n_cols >= 2 * operand.shape[0]


POLICIES = {"row-major": lambda operand, cols: False, "feature-major": lambda operand, cols: True, "rule": _rule}


def _variant(feature_major):
    """The Linear op's forward and backward, with 2-D GEMMs oriented by ``feature_major``."""
    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        w_out_in = w.T if self.in_out else w
        if x.ndim == 2 and feature_major(x, w_out_in.shape[0]):
            yt = w_out_in @ x.T
            if b is not None:
                yt += b[:, None]
            return yt.T
        y = x @ w_out_in.T
        if b is not None:
            y += b
        return y

    def backward(self, gy):
        x, w, ng = self.x, self.w, self.needs_grad
        w_out_in = w.T if self.in_out else w
        gx = None
        if ng[0]:
            gx = (w_out_in.T @ gy.T).T if gy.ndim == 2 and feature_major(gy, w_out_in.shape[1]) else gy @ w_out_in
        g2, x2 = gy.reshape(-1, gy.shape[-1]), x.reshape(-1, x.shape[-1])
        gw = (x2.T @ g2 if self.in_out else g2.T @ x2) if ng[1] else None
        gb = g2.sum(axis=0) if len(ng) > 2 and ng[2] else None
        return gx, gw, gb
    return forward, backward


VARIANTS = {name: _variant(policy) for name, policy in POLICIES.items()}


def _use(policy):
    linalg.Linear.forward, linalg.Linear.backward = VARIANTS[policy]


def forward_grid():
    rng = np.random.default_rng(0)
    print("forward GEMM, time feature-major / row-major (x row-major | x column-major), rule's pick")
    for batch in (32, 64, 128, 256, 512):
        for n_in, n_out in ((784, 10), (512, 10), (784, 128), (3136, 128), (784, 512), (512, 512), (1024, 1024)):
            x = rng.random((batch, n_in), dtype=np.float32)
            x_f = np.asfortranarray(x)
            w = rng.random((n_out, n_in), dtype=np.float32)
            ratios = [time_gemm_set(lambda: w @ xi.T, 0, 30) / time_gemm_set(lambda: xi @ w.T, 0, 30)
                      for xi in (x, x_f)]  # best-of times
            picks = ["fm" if _rule(xi, n_out) else "row" for xi in (x, x_f)]
            print(f"  batch {batch:4d}  {n_in:5d} -> {n_out:5d}:  {ratios[0]:5.2f} | {ratios[1]:5.2f}   "
                  f"rule: {picks[0]} | {picks[1]}")


def _mlp_gemm_set(policy, batch=128):
    """The mlp's 8 GEMMs (out × in weights) as the op does them under ``policy``."""
    rng = np.random.default_rng(0)
    fm = POLICIES[policy]
    calls, x = [], rng.random((batch, MLP_LAYERS[0][0]), dtype=np.float32)
    for i, (n_in, n_out) in enumerate(MLP_LAYERS):
        w = rng.random((n_out, n_in), dtype=np.float32)
        y = np.empty((n_out, batch), np.float32).T if fm(x, n_out) else np.empty((batch, n_out), np.float32)
        calls.append((w, x.T, y.T) if fm(x, n_out) else (x, w.T, y))
        gy = y  # the gradient arriving from above has the output's memory order
        calls.append((gy.T, x, np.empty((n_out, n_in), np.float32)))
        if i > 0:
            if fm(gy, n_in):
                calls.append((w.T, gy.T, np.empty((n_in, batch), np.float32)))
            else:
                calls.append((gy, w, np.empty((batch, n_in), np.float32)))
        x = y

    def run():
        for a, b, c in calls:
            np.matmul(a, b, out=c)
    return run


def _alternate(fns, rounds, inner):
    for fn in fns.values():
        fn()
        fn()
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - t0) / inner)
    return times


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    workloads = sys.argv[2:] or ["logreg", "mlp", "cnn", "lstm"]
    forward_grid()
    flops = mlp_gemm_flops(128)
    times = _alternate({p: _mlp_gemm_set(p) for p in POLICIES}, rounds * 5, 1)
    ceiling = max(gemm_ceiling((512, 1024), 0.5).values())
    print(f"NumPy GEMM ceiling {ceiling:.1f} GFLOP/s")
    for name, ts in times.items():
        best, med = flops / min(ts) / 1e9, flops / median(ts) / 1e9
        print(f"mlp GEMMs {name:<14} best {best:6.1f} GFLOP/s ({100 * best / ceiling:3.0f}%)   median {med:6.1f}")
    for workload in workloads:
        wl = WORKLOADS[workload]
        inner = 10 if workload in ("logreg", "mlp") else 3
        for mode in ("eager", "graph"):
            steps = {}
            for policy in POLICIES:
                _use(policy)
                step = _tx.build(wl, mode, wl.batch)[0]
                steps[policy] = (lambda step=step, policy=policy: (_use(policy), step()))
            times = _alternate(steps, rounds, inner)
            for name, ts in times.items():
                print(f"{workload} {mode} {name:<14} median {1e3 * median(ts):7.3f} ms   best {1e3 * min(ts):7.3f} ms")
    linalg.Linear.forward, linalg.Linear.backward = OP_PATH


if __name__ == "__main__":
    main()
