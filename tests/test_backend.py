"""The backend seam: dtype policy, RNG snapshots and the allocator tuning switch."""
import platform

import numpy as np
import pytest

from tensorflux import backend


def test_as_dtype_aliases_and_tf_style_objects():
    assert backend.as_dtype("float") == np.float32 and backend.as_dtype(float) == np.float32
    assert backend.as_dtype("double") == np.float64 and backend.as_dtype(int) == np.int64

    class TFLike:
        as_numpy_dtype = np.int32
    assert backend.as_dtype(TFLike()) == np.int32
    with pytest.raises(TypeError, match="unknown dtype"):
        backend.as_dtype(object())


def test_default_dtype_must_be_floating():
    with pytest.raises(TypeError, match="floating"):
        backend.set_default_dtype("int64")


def test_rng_state_round_trip():
    backend.manual_seed(5)
    state = backend.rng_state()
    a = backend.get_rng().standard_normal(4)
    backend.set_rng_state(state)
    assert np.array_equal(a, backend.get_rng().standard_normal(4))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_allocator_tuning_applies_and_can_be_switched_off(monkeypatch):
    assert backend.allocator_tuned is True
    assert backend.tune_allocator() is True
    monkeypatch.setenv("TENSORFLUX_TUNE_MALLOC", "0")
    assert backend.tune_allocator() is False


_BLAS_PROBE = """
import json, os, sys, time
order = sys.argv[1]
if order == "numpy-first":
    import numpy
import tensorflux.backend as b
import numpy
import ctypes
path = b._loaded_openblas()
exponent = ctypes.CDLL(path).openblas_thread_timeout() if path else None
a = numpy.random.rand(768, 768).astype(numpy.float32)
ref = a.astype(numpy.float64) @ a
ok = bool(numpy.allclose(a @ a, ref, rtol=1e-4))          # BLAS still computes after a restart
a @ a
c = time.process_time()
time.sleep(0.2)                                            # idle: a spinning worker would burn CPU here
print(json.dumps({"tuned": b.blas_spin_tuned, "exponent": exponent, "idle_cpu": time.process_time() - c,
                  "gemm_ok": ok, "path": path}))
"""


def _blas_probe(order, **env):
    import json
    import os
    import subprocess
    import sys
    full = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_THREAD_TIMEOUT", "TENSORFLUX_TUNE_BLAS")}
    full.update(env)
    out = subprocess.run([sys.executable, "-c", _BLAS_PROBE, order], env=full, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("order", ["tensorflux-first", "numpy-first"])
def test_openblas_idle_workers_stop_spinning_whatever_the_import_order(order):
    got = _blas_probe(order)
    if got["path"] is None:
        pytest.skip("NumPy is not linked against OpenBLAS here")
    assert got["gemm_ok"]
    assert got["tuned"] is True and got["exponent"] == backend.BLAS_SPIN_EXPONENT
    assert got["idle_cpu"] < 0.05   # OpenBLAS's default spin burns ~0.1 s here with 2 threads


def test_a_users_openblas_thread_timeout_and_the_opt_out_are_respected():
    got = _blas_probe("numpy-first", OPENBLAS_THREAD_TIMEOUT="20")
    if got["path"] is None:
        pytest.skip("NumPy is not linked against OpenBLAS here")
    assert got["tuned"] is False and got["exponent"] == 20
    off = _blas_probe("numpy-first", TENSORFLUX_TUNE_BLAS="0")
    assert off["tuned"] is False and off["exponent"] in (0, 28)   # OpenBLAS's own default
