"""Experiment: a workload's training step with the optional compiled kernels (numba) and without
(``_kernels.disabled()``), alternating in one process; ms per step (median and best).

    python -m benchmarks.experiments.kernels_ab cnn [eager|graph] [rounds]
"""
import sys
import time
from contextlib import nullcontext

import numpy as np

from benchmarks import _tx
from benchmarks._common import WORKLOADS, median
from tensorflux.ops import _kernels


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "cnn"
    mode = sys.argv[2] if len(sys.argv) > 2 else "eager"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    if not _kernels.enabled(np.zeros(1, np.float32)):
        sys.exit("numba is not installed (or TENSORFLUX_NUMBA=0): nothing to compare")
    wl = WORKLOADS[name]
    step = _tx.build(wl, mode, wl.batch)[0]
    for _ in range(5):
        step()
    times = {"compiled": [], "numpy": []}
    for _ in range(rounds):
        for path in times:
            with _kernels.disabled() if path == "numpy" else nullcontext():
                t0 = time.perf_counter()
                for _ in range(4):
                    step()
                times[path].append((time.perf_counter() - t0) / 4)
    for path, ts in times.items():
        print(f"{name} {mode} {path:<9} median {1e3 * median(ts):7.2f} ms   best {1e3 * min(ts):7.2f} ms")


if __name__ == "__main__":
    main()
