"""Experiment: the LSTM op with its compiled kernels (numba) against its pure-NumPy path, alternating
in one process — the op alone (forward, backward) and the lstm benchmark's whole training step; ms
(median). Also checks that both paths give the same outputs and gradients.

    python -m benchmarks.experiments.lstm_kernels [rounds]
"""
import sys
import time
from contextlib import nullcontext

import numpy as np

import tensorflux as tx
from benchmarks import _tx
from benchmarks._common import LR, WORKLOADS, median, synthetic_batches
from tensorflux.ops import _kernels
from tensorflux.ops import recurrent as R


def op_once(args, gh):
    """Forward and backward of one LSTMSequence: (outputs + gradients, forward s, backward s)."""
    op = R.LSTMSequence()
    op.needs_grad = [False, True, True, True, True]
    t0 = time.perf_counter()
    out = op.forward(*args)
    t1 = time.perf_counter()
    grads = op.backward(None, gh, None)
    t2 = time.perf_counter()
    return [np.array(o) for o in out] + [g for g in grads if g is not None], t1 - t0, t2 - t1


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    if not _kernels.enabled(np.zeros(1, np.float32)):
        sys.exit("numba is not installed (or TENSORFLUX_NUMBA=0): nothing to compare")
    T, N, I, H = 28, 64, 28, 128
    rng = np.random.default_rng(0)
    f = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    args = (f(T, N, I), f(4 * H, I, scale=0.1), f(4 * H, H, scale=0.1), f(4 * H, scale=0.1), f(4 * H, scale=0.1))
    gh = f(N, H)

    compiled, _, _ = op_once(args, gh)
    with _kernels.disabled():
        plain, _, _ = op_once(args, gh)
    worst = max(float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30)) for a, b in zip(compiled, plain))
    print(f"largest difference between the paths, relative to each output's scale: {worst:.2e}")

    wl = WORKLOADS["lstm"]
    model, _ = _tx.build_model(wl)
    opt = tx.optim.Adam(model.parameters(), lr=LR)
    data = [(tx.tensor(x), tx.tensor(y)) for x, y in synthetic_batches(wl, wl.batch, 4)]

    def train_step(i):
        x, y = data[i % 4]
        t0 = time.perf_counter()
        loss = tx.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return time.perf_counter() - t0

    times = {k: {"forward": [], "backward": [], "step": []} for k in ("compiled", "numpy")}
    for r in range(rounds):
        for name in ("compiled", "numpy"):
            with _kernels.disabled() if name == "numpy" else nullcontext():
                _, tf, tb = op_once(args, gh)
                steps = [train_step(r * 3 + i) for i in range(3)]
            if r:  # the first round compiles and warms up
                times[name]["forward"].append(tf)
                times[name]["backward"].append(tb)
                times[name]["step"].extend(steps)
    print(f"ms, median of {rounds - 1} alternating rounds (op alone: T={T}, N={N}, I={I}, H={H}):")
    for k in ("forward", "backward", "step"):
        a, b = (1e3 * median(times[p][k]) for p in ("compiled", "numpy"))
        label = "training step" if k == "step" else f"op {k}"
        print(f"  {label:<14} compiled {a:7.2f}   numpy {b:7.2f}   compiled/numpy {a / b:5.2f}")


if __name__ == "__main__":
    main()
