"""Max pooling's compiled kernels (numba) against the pure-NumPy path, on windows that tile the input.

The values are rounded to one decimal, so most windows hold ties (as conv outputs over an image's
constant background do): the first maximum in row-major window order must win on both paths.
Also NaN windows, the fused ReLU, channels-last and channels-first memory, float32 and float64.
"""
import numpy as np
import pytest

from tensorflux.ops import _kernels
from tensorflux.ops.pool import MaxPool2d

from .kernel_paths import needs_kernels

pytest.importorskip("numba")
pytestmark = needs_kernels


def _run(x, kernel, relu, gy):
    op = MaxPool2d(kernel, relu=relu)
    op.needs_grad = (True,)
    y = op.forward(x)
    return np.array(y), np.array(op.backward(gy)[0]), op.tiled_idx is not None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel", [(2, 2), (3, 3), (2, 3), (1, 2)])
@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("channels_last_memory", [False, True])
def test_compiled_matches_numpy_path_with_ties(dtype, kernel, relu, channels_last_memory):
    rng = np.random.default_rng(0)
    n, c, ho, wo = 3, 5, 4, 3
    shape = (n, c, ho * kernel[0], wo * kernel[1])
    x = np.round(rng.standard_normal(shape), 1).astype(dtype)
    if channels_last_memory:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    x[0, 0, :kernel[0], :kernel[1]] = 0.5                       # one window all ties
    gy = rng.standard_normal((n, c, ho, wo)).astype(dtype)
    y_c, gx_c, compiled = _run(x, kernel, relu, gy)
    with _kernels.disabled():
        y_n, gx_n, used = _run(x, kernel, relu, gy)
    assert compiled and not used
    np.testing.assert_array_equal(y_c, y_n)
    np.testing.assert_array_equal(gx_c, gx_n)
    assert gx_c[0, 0, 0, 0] == (gy[0, 0, 0, 0] if not relu or 0.5 > 0 else 0)   # the tie's first element


def test_nan_windows_match_numpy_path():
    x = np.arange(2 * 1 * 4 * 4, dtype=np.float32).reshape(2, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan                                      # NaN after the first element
    x[0, 0, 2, 2] = np.nan                                      # NaN first in its window
    x[1, 0, 3, 3] = np.nan                                      # NaN last, after the window's maximum
    gy = np.arange(1, 9, dtype=np.float32).reshape(2, 1, 2, 2)
    y_c, gx_c, _ = _run(x, (2, 2), False, gy)
    with _kernels.disabled():
        y_n, gx_n, _ = _run(x, (2, 2), False, gy)
    np.testing.assert_array_equal(y_c, y_n)                     # NaN where the window has one
    assert np.isnan(y_c[0, 0, 0, 0]) and np.isnan(y_c[0, 0, 1, 1]) and np.isnan(y_c[1, 0, 1, 1])
    np.testing.assert_array_equal(gx_c, gx_n)


def test_known_values_by_hand():
    x = np.array([[[[1., 3., 2., 2.],
                    [3., 0., 2., 1.]]]], dtype=np.float32)      # windows [[1,3],[3,0]] and [[2,2],[2,1]]
    op = MaxPool2d((2, 2))
    op.needs_grad = (True,)
    np.testing.assert_array_equal(op.forward(x), [[[[3., 2.]]]])
    assert op.tiled_idx is not None                             # the compiled path ran
    gx = op.backward(np.array([[[[10., 20.]]]], dtype=np.float32))[0]
    np.testing.assert_array_equal(gx, [[[[0., 10., 20., 0.],      # the first maximum of each window only
                                          [0., 0., 0., 0.]]]])
