"""The array-module seam: the one place that imports NumPy for op code paths.

Everything that computes on raw arrays gets its array module from here (``xp``),
so a GPU array module (CuPy) can later plug in behind the same names. The module
also owns the dtype policy (float32 by default) and the framework's random
number generator (``manual_seed`` makes every draw reproducible).
"""
from __future__ import annotations

import os

# OpenBLAS reads this when NumPy loads it, so it is set before `import numpy` (a value the user
# set wins; TENSORFLUX_TUNE_BLAS=0 leaves it alone). See ``tune_blas_spin`` for why.
BLAS_SPIN_EXPONENT = 18
_blas_spin_preset = "OPENBLAS_THREAD_TIMEOUT" in os.environ
_tune_blas = os.environ.get("TENSORFLUX_TUNE_BLAS", "1") != "0"
if _tune_blas:
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", str(BLAS_SPIN_EXPONENT))

import numpy  # noqa: E402  (after the environment above)

__all__ = [
    "xp", "array_module", "float32", "float64", "int64", "int32", "bool_",
    "get_default_dtype", "set_default_dtype", "as_dtype", "manual_seed",
    "get_rng", "rng_state", "set_rng_state", "ndarray",
]

xp = numpy
ndarray = numpy.ndarray

float32 = numpy.dtype("float32")
float64 = numpy.dtype("float64")
float16 = numpy.dtype("float16")
int64 = numpy.dtype("int64")
int32 = numpy.dtype("int32")
uint8 = numpy.dtype("uint8")
bool_ = numpy.dtype("bool")

_default_dtype = float32


def array_module(*arrays):
    """Return the array module (numpy now; cupy later) that holds ``arrays``."""
    return xp


def get_default_dtype():
    """The floating dtype new tensors get when none is given (float32)."""
    return _default_dtype


def set_default_dtype(dtype) -> None:
    """Set the default floating dtype (float32 or float64)."""
    global _default_dtype
    dtype = as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_dtype = dtype


_DTYPE_ALIASES = {
    "float": float32, "float32": float32, "float64": float64, "double": float64,
    "float16": float16, "half": float16, "int": int64, "int64": int64, "long": int64,
    "int32": int32, "uint8": uint8, "bool": bool_, "int8": numpy.dtype("int8"),
    "int16": numpy.dtype("int16"),
}


def as_dtype(dtype):
    """Normalise a dtype given as a string, a NumPy dtype or a Python type."""
    if dtype is None:
        return _default_dtype
    if isinstance(dtype, str):
        key = dtype.lower()
        if key in _DTYPE_ALIASES:
            return _DTYPE_ALIASES[key]
    if dtype is float:
        return _default_dtype
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    # TF-style dtype objects (compat.v1) carry a NumPy dtype in ``as_numpy_dtype``.
    np_dtype = getattr(dtype, "as_numpy_dtype", None)
    if np_dtype is not None:
        return numpy.dtype(np_dtype)
    try:
        return numpy.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"unknown dtype {dtype!r}") from exc


# ---------------------------------------------------------------- random numbers
_rng = numpy.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed tensorflux's random generator: the same seed gives the same numbers."""
    global _rng
    _rng = numpy.random.default_rng(int(seed))


def get_rng():
    """The framework's random generator (a ``numpy.random.Generator``)."""
    return _rng


def rng_state() -> dict:
    """A JSON-serialisable snapshot of the framework RNG (for checkpoints)."""
    return _rng.bit_generator.state


def set_rng_state(state: dict) -> None:
    """Restore the framework RNG from :func:`rng_state`'s snapshot."""
    _rng.bit_generator.state = state


# ---------------------------------------------------------------- allocator tuning
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def tune_allocator(mmap_threshold=32 << 20, trim_threshold=1 << 31) -> bool:
    """Keep glibc from returning large freed buffers to the OS after every step.

    By default glibc serves every allocation above ~128 KiB–32 MiB (adaptive) with a fresh
    mmap and unmaps it on free, so each training step page-faults its activations back in
    (measured: the CNN step's conv/pool stack went from 50–61 ms to 36–42 ms with this on).
    Raising the mmap threshold and the trim threshold lets freed blocks be reused from the
    heap. Peak memory is unchanged; the process keeps its peak after a step. Linux/glibc only;
    set ``TENSORFLUX_TUNE_MALLOC=0`` to opt out. Returns True when the setting was applied.
    """
    import ctypes
    import ctypes.util
    import sys

    if os.environ.get("TENSORFLUX_TUNE_MALLOC", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold)) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, int(trim_threshold)) == 1 and ok
    return ok


allocator_tuned = tune_allocator()


# ---------------------------------------------------------------- BLAS worker spin
def _loaded_openblas():
    """Path of the OpenBLAS library this process has loaded (NumPy's), or None (Linux only)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line}
    except OSError:
        return None
    return min(paths) if paths else None


def tune_blas_spin(exponent=BLAS_SPIN_EXPONENT) -> bool:
    """Let OpenBLAS's idle worker threads sleep after 2^exponent cycles (~0.1 ms) of spinning.

    OpenBLAS's default is 2^28 cycles (~0.1 s): after every multi-threaded GEMM its workers
    spin, so a training step that interleaves GEMMs with NumPy element-wise work keeps every
    core 100% busy. On this project's 2-vCPU VM that pattern fell, for seconds at a time, into a
    mode where the whole step ran ~1.7× slower (the cnn step 23 → 40–47 ms; consistent with the
    host throttling a VM that burns its full CPU allowance); with 2^18 the step stays fast.
    Measured, 35 s per run, two runs each (cnn / mlp / lstm ms per step, wall):
    default 38.2, 32.7 / 6.5, 6.9 / 11.1, 11.4 — 2^18: 25.0, 25.1 / 5.8, 6.1 / 10.1, 11.4, with
    the process's CPU time per step down 25–45%. Shorter spins (2^4–2^12) cost each GEMM a
    wake-up: the cnn step 27–32 ms.

    The environment variable ``OPENBLAS_THREAD_TIMEOUT`` is set before NumPy is imported by
    this module; when NumPy (and so OpenBLAS) was loaded first, the OpenBLAS thread pool is
    restarted once with the new setting through OpenBLAS's exported ``blas_thread_shutdown_``
    / ``blas_thread_init`` (what it runs itself around ``fork``). Nothing happens when the user
    set ``OPENBLAS_THREAD_TIMEOUT``, with ``TENSORFLUX_TUNE_BLAS=0``, or without OpenBLAS.
    Returns True when OpenBLAS runs with ``exponent``.
    """
    import ctypes

    path = _loaded_openblas()
    if path is None:
        return False
    try:
        lib = ctypes.CDLL(path)
        read_env, current = lib.openblas_read_env, lib.openblas_thread_timeout
        shutdown, init = lib.blas_thread_shutdown_, lib.blas_thread_init
    except (OSError, AttributeError):  # another BLAS build: leave it as it is
        return False
    if current() == exponent:
        return True
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(exponent)
    read_env()
    shutdown()
    init()
    return current() == exponent


# NumPy loaded after the variable was set: this only checks it; loaded before: one pool restart
blas_spin_tuned = tune_blas_spin() if _tune_blas and not _blas_spin_preset else False
