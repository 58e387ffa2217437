"""Experiment: where the LSTM op's time goes, call by call, inside its own loops — and why a
kernel costs more there than when it runs alone.

Part 1 times the op's forward and backward (the lstm benchmark's shapes, the compiled path when
numba is there) with every array call of ``tensorflux.ops.recurrent`` timed where it happens:
the module's ``xp`` (NumPy) and ``_jit`` (the kernels) are swapped for proxies that time the
calls named in ``TIMED`` and pass everything else through, so the op runs its own code, on its
own buffers. Printed: ms per pass for each call, and what is left (set-up, Python, the
weight-gradient bookkeeping).

Part 2 runs the backward's cell kernel over one sequence's steps, the per-step GEMM between the
calls as in the op, twice in a row: first after reading 16 MiB of other data (its inputs — the
forward's gate activations, c and tanh c, 192 KiB per step — come from memory, as they do in a
training step, where the whole forward ran in between), then again at once (they come from the
caches); then a third time with no GEMM between the calls.

    python -m benchmarks.experiments.lstm_step_costs [rounds]
"""
import sys
import time

import numpy as np

from tensorflux.ops import _kernels
from tensorflux.ops import recurrent as R

from .lstm_kernels import op_once as run_op  # one forward and backward: (results, forward s, backward s)

T, N, I, H = 28, 64, 28, 128
TIMED = {"xp": ("matmul", "tanh", "copyto", "multiply", "subtract", "add"),
         "_jit": ("cell_forward", "hidden_forward", "cell_backward")}


class _Timing:
    """Stands in for a module: the named functions are timed into ``totals``, the rest pass through."""

    def __init__(self, module, names, totals):
        self._module, self._names, self._totals = module, names, totals

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if name not in self._names:
            return attr
        totals = self._totals

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - t0
        return timed


def inputs(seed=0):
    """The lstm benchmark's shapes: x (T, N, I), PyTorch-layout weights and biases, an h_n gradient."""
    rng = np.random.default_rng(seed)
    f = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    args = (f(T, N, I), f(4 * H, I, scale=0.1), f(4 * H, H, scale=0.1), f(4 * H, scale=0.1), f(4 * H, scale=0.1))
    return args, f(N, H)


def timed_op(args, gh):
    """``run_op`` (the lstm_kernels experiment's ``op_once``) with the calls of ``TIMED`` timed: (results, forward s, backward s, {pass: {call: s}})."""
    xp, jit = R.xp, R._jit
    parts = {"forward": {}, "backward": {}}
    try:
        R.xp, R._jit = _Timing(xp, TIMED["xp"], parts["forward"]), _Timing(jit, TIMED["_jit"], parts["forward"])
        op = R.LSTMSequence()
        op.needs_grad = [False, True, True, True, True]
        t0 = time.perf_counter()
        out = op.forward(*args)
        t1 = time.perf_counter()
        R.xp, R._jit = _Timing(xp, TIMED["xp"], parts["backward"]), _Timing(jit, TIMED["_jit"], parts["backward"])
        grads = op.backward(None, gh, None)
        t2 = time.perf_counter()
    finally:
        R.xp, R._jit = xp, jit
    return [np.array(o) for o in out] + [g for g in grads if g is not None], t1 - t0, t2 - t1, parts


def cell_backward_costs(rounds):
    """µs per call of ``cell_backward`` over one sequence's steps: with the per-step GEMM between calls
    as in the op, after 16 MiB of other reads ("cold": its inputs come from memory, as in a training
    step) and right after the same round ("warm": from the caches); then warm with no GEMM between."""
    rng = np.random.default_rng(1)
    f = lambda *s: (rng.standard_normal(s) * 0.5).astype(np.float32)  # noqa: E731
    A, C, gys = f(T, 4, H, N), f(T + 1, H, N), f(T, H, N)
    TC = np.tanh(C[1:])
    D = np.zeros((4, H, T, N), np.float32)
    whhT = (f(4 * H, H) * 0.05).T
    dh, dc, dh_next = f(H, N) * 0.01, f(H, N) * 0.01, np.empty((H, N), np.float32)
    evict = f(4 << 20)

    def one_round(gemm):
        spent = 0.0
        for s in range(T - 1, -1, -1):
            t0 = time.perf_counter()
            _kernels.cell_backward(s, N, A, C, TC, dh, dc, gys, False, D, 3, 0, 1, 2)
            spent += time.perf_counter() - t0
            if gemm:
                np.matmul(whhT, D.reshape(4 * H, T, N)[:, s], out=dh_next)
        return spent / T

    out = {"cold, GEMMs between": [], "warm, GEMMs between": [], "warm, back to back": []}
    for _ in range(rounds):
        evict.sum()
        out["cold, GEMMs between"].append(one_round(True))
        out["warm, GEMMs between"].append(one_round(True))
        out["warm, back to back"].append(one_round(False))
    return {k: 1e6 * float(np.median(v)) for k, v in out.items()}


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    args, gh = inputs()
    compiled = _kernels.enabled(args[0])
    print(f"LSTMSequence T={T}, N={N}, I={I}, H={H}, float32, "
          f"{'compiled kernels (numba)' if compiled else 'pure-NumPy path (numba absent or off)'}")
    plain = run_op(args, gh)[0]
    timed = timed_op(args, gh)[0]
    same = all(np.array_equal(a, b) for a, b in zip(plain, timed))
    print(f"timed run gives the same outputs and gradients, bit for bit: {same}")

    totals, calls = {"forward": [], "backward": []}, {"forward": {}, "backward": {}}
    untimed = {"forward": [], "backward": []}
    for r in range(rounds + 5):
        _, tf, tb, parts = timed_op(args, gh)
        _, uf, ub = run_op(args, gh)
        if r < 5:
            continue
        for p, t, u in (("forward", tf, uf), ("backward", tb, ub)):
            totals[p].append(t)
            untimed[p].append(u)
            for k, v in parts[p].items():
                calls[p].setdefault(k, []).append(v)
    print(f"\nms per pass, median of {rounds} rounds (timed and untimed runs alternate):")
    for p in ("forward", "backward"):
        med = {k: 1e3 * float(np.median(v)) for k, v in calls[p].items()}
        total = 1e3 * float(np.median(totals[p]))
        print(f"  {p}: {total:.2f} timed ({1e3 * float(np.median(untimed[p])):.2f} untimed)")
        for k, v in sorted(med.items(), key=lambda kv: -kv[1]):
            print(f"    {k:<15} {v:6.2f}")
        print(f"    {'the rest':<15} {total - sum(med.values()):6.2f}")

    if compiled:
        print("\ncell_backward, µs per call over one sequence's 28 steps (median of rounds):")
        for k, v in cell_backward_costs(rounds).items():
            print(f"  {k:<14} {v:6.1f}")


if __name__ == "__main__":
    main()
