"""The two paths of ops with optional compiled kernels (numba): helpers the tests share."""
import numpy as np
import pytest

from tensorflux.ops import _kernels

#: skip a test that needs the compiled path when numba is missing or TENSORFLUX_NUMBA=0
needs_kernels = pytest.mark.skipif(not _kernels.enabled(np.zeros(1, np.float32)),
                                   reason="the compiled kernels are off (numba missing or TENSORFLUX_NUMBA=0)")


def numpy_path(fn):
    """fn run with the compiled kernels switched off: gradcheck cases built with it check the
    pure-NumPy path (the plain cases run the kernels when numba is installed); backward follows
    the path its forward took."""
    def run(*xs):
        with _kernels.disabled():
            return fn(*xs)
    return run
