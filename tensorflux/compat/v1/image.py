"""``tf.image``: resizing (TF 1.x's legacy bilinear / nearest arithmetic), flips, standardization.

TF 1.x resizes without half-pixel centres: output pixel j samples input coordinate j·(n_in/n_out)
(j·(n_in − 1)/(n_out − 1) with ``align_corners``); bilinear blends the two neighbours, nearest
takes ⌊·⌋ (rounded with ``align_corners``). The weights form two small matrices run by the
``Resample2d`` op (y = R_h·x·R_wᵀ per image and channel), whose gradient is its transpose.
"""
from __future__ import annotations

import numpy

from ...graph import dtypes as D
from ...graph import functions as F
from ...ops.resample import Resample2d

__all__ = ["ResizeMethod", "resize_images", "resize", "resize_bilinear", "resize_nearest_neighbor",
           "flip_left_right", "flip_up_down", "per_image_standardization", "convert_image_dtype"]


class ResizeMethod:
    """Interpolation methods of ``resize_images``."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def _scale(n_in, n_out, align_corners):
    if align_corners and n_out > 1:
        return (n_in - 1) / (n_out - 1)
    return n_in / n_out


def _bilinear_matrix(n_in, n_out, align_corners):
    """Row j: weights (1 − λ, λ) on inputs ⌊s⌋ and ⌊s⌋ + 1 (clamped), s = j·scale."""
    src = numpy.arange(n_out, dtype=numpy.float64) * _scale(n_in, n_out, align_corners)
    i0 = numpy.minimum(numpy.floor(src).astype(numpy.int64), n_in - 1)
    i1 = numpy.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    m = numpy.zeros((n_out, n_in))
    rows = numpy.arange(n_out)
    numpy.add.at(m, (rows, i0), 1 - lam)
    numpy.add.at(m, (rows, i1), lam)
    return m.astype(numpy.float32)


def _nearest_matrix(n_in, n_out, align_corners):
    """Row j: a 1 at input ⌊j·scale⌋ (round with align_corners), clamped to the last input."""
    src = numpy.arange(n_out, dtype=numpy.float64) * _scale(n_in, n_out, align_corners)
    idx = numpy.round(src) if align_corners else numpy.floor(src)
    idx = numpy.minimum(idx.astype(numpy.int64), n_in - 1)
    m = numpy.zeros((n_out, n_in), dtype=numpy.float32)
    m[numpy.arange(n_out), idx] = 1
    return m


def _size(size):
    if F.is_tensor(size):
        v = F.constant_value(size)
        if v is None:
            raise ValueError("resize_images: size must be known when the graph is built")
        size = v
    h, w = (int(s) for s in size)
    return h, w


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False, preserve_aspect_ratio=False,
                  name=None):
    """Resize NHWC (or HWC) images to ``size`` = (new_height, new_width)."""
    x = F.as_tensor(images)
    single = x.ndim == 3
    if single:
        x = F.expand_dims(x, 0)
    if x.ndim != 4:
        raise ValueError(f"resize_images: images must be 3-D or 4-D, got shape {x.shape}")
    h_in, w_in = x.shape[1].value, x.shape[2].value
    if h_in is None or w_in is None:
        raise ValueError(f"resize_images: the input's height and width must be known, got {x.shape}")
    h, w = _size(size)
    if method in (ResizeMethod.BILINEAR, "bilinear"):
        mats = (_bilinear_matrix(h_in, h, align_corners), _bilinear_matrix(w_in, w, align_corners))
        if not x.dtype.is_floating:
            x = F.cast(x, D.float32)
    elif method in (ResizeMethod.NEAREST_NEIGHBOR, "nearest"):
        mats = (_nearest_matrix(h_in, h, align_corners), _nearest_matrix(w_in, w, align_corners))
    else:
        raise NotImplementedError(f"resize_images: method {method!r} is not supported (bilinear and nearest are)")
    dt = x.dtype
    cast_back = None
    if not dt.is_floating:
        cast_back, x = dt, F.cast(x, D.float32)
    mats = tuple(m.astype(x.dtype.dtype) for m in mats)
    nchw = F.transpose(x, (0, 3, 1, 2))
    y = F.transpose(F.op_node(Resample2d, (nchw,), args=(mats[0], mats[1], "resize_images"),
                              type_name="ResizeBilinear" if method in (0, "bilinear") else "ResizeNearestNeighbor"),
                    (0, 2, 3, 1), name=name)
    if cast_back is not None:
        y = F.cast(y, cast_back)
    return F.squeeze(y, 0) if single else y


def resize(images, size, method=ResizeMethod.BILINEAR, align_corners=False, preserve_aspect_ratio=False, name=None):
    """``resize_images``."""
    return resize_images(images, size, method, align_corners, preserve_aspect_ratio, name)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bilinear resize (TF 1.x arithmetic)."""
    if half_pixel_centers:
        raise NotImplementedError("resize_bilinear: half_pixel_centers=True is not supported")
    return resize_images(images, size, ResizeMethod.BILINEAR, align_corners, name=name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Nearest-neighbour resize (TF 1.x arithmetic)."""
    if half_pixel_centers:
        raise NotImplementedError("resize_nearest_neighbor: half_pixel_centers=True is not supported")
    return resize_images(images, size, ResizeMethod.NEAREST_NEIGHBOR, align_corners, name=name)


def flip_left_right(image):
    """Mirror the width axis."""
    x = F.as_tensor(image)
    idx = [slice(None)] * x.ndim
    idx[-2] = slice(None, None, -1)
    return F.getitem(x, tuple(idx))


def flip_up_down(image):
    """Mirror the height axis."""
    x = F.as_tensor(image)
    idx = [slice(None)] * x.ndim
    idx[-3] = slice(None, None, -1)
    return F.getitem(x, tuple(idx))


def per_image_standardization(image):
    """(x − mean) / max(std, 1/√n) over each image."""
    x = F.cast(F.as_tensor(image), D.float32)
    axes = [-1, -2, -3]
    n = x.shape[-1].value * x.shape[-2].value * x.shape[-3].value
    mean = F.reduce("mean", x, axes, keepdims=True)
    std = F.sqrt(F.reduce("var", x, axes, keepdims=True))
    return F.truediv(F.sub(x, mean), F.maximum(std, 1.0 / numpy.sqrt(n)))


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """uint8 [0, 255] <-> float [0, 1] (other conversions are plain casts)."""
    x = F.as_tensor(image)
    dt = D.as_dtype(dtype)
    if x.dtype == dt:
        return x
    if x.dtype.is_integer and dt.is_floating:
        return F.mul(F.cast(x, dt), 1.0 / float(x.dtype.max), name=name)
    if x.dtype.is_floating and dt.is_integer:
        return F.cast(F.mul(x, float(dt.max) + 0.5), dt, name=name)
    return F.cast(x, dt, name=name)


from .decode import decode_png, decode_jpeg, decode_gif, decode_bmp, decode_image  # noqa: E402
__all__ += ["decode_png", "decode_jpeg", "decode_gif", "decode_bmp", "decode_image"]
