"""Image decoders for ``tf.image``: ``decode_png`` (our own, zlib-based), ``decode_jpeg`` / ``decode_gif`` /
``decode_bmp`` (through Pillow when it is installed) and ``decode_image`` (sniffs the format).

PNG, as the format describes it: an 8-byte signature, then chunks ``length (4, big-endian) | type
(4) | data | CRC-32 of type+data``. ``IHDR`` gives width, height, bit depth, colour type (0 gray,
2 RGB, 3 palette, 4 gray+alpha, 6 RGBA) and interlacing; the ``IDAT`` chunks together are one zlib
stream of scanlines, each a filter-type byte (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) followed
by the filtered bytes of the row; ``PLTE`` / ``tRNS`` hold a palette and its alpha. Supported:
bit depths 8 and 16 (and 1/2/4 for gray and palette images), non-interlaced; Adam7-interlaced
files raise a clear error.
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy

from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.errors import InvalidArgumentError
from ...graph.variables import stateful_node

__all__ = ["decode_png", "decode_jpeg", "decode_gif", "decode_bmp", "decode_image", "decode_png_bytes"]

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_NATIVE_CHANNELS = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}


# ------------------------------------------------------------------------- PNG
def _png_chunks(data):
    """Yield (type, body) of each chunk, checking lengths and CRCs."""
    if data[:8] != _PNG_SIG:
        raise InvalidArgumentError("decode_png: the data is not a PNG image (bad signature)")
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise InvalidArgumentError(f"decode_png: truncated {ctype!r} chunk")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise InvalidArgumentError(f"decode_png: CRC mismatch in the {ctype!r} chunk")
        yield ctype, body
        pos += 12 + length
        if ctype == b"IEND":
            return
    raise InvalidArgumentError("decode_png: truncated PNG (no IEND chunk)")


def _unfilter_avg(f, prev, bpp):
    out = bytearray(len(f))
    for i in range(len(f)):
        a = out[i - bpp] if i >= bpp else 0
        out[i] = (f[i] + ((a + prev[i]) >> 1)) & 255
    return out


def _unfilter_paeth(f, prev, bpp):
    out = bytearray(len(f))
    for i in range(len(f)):
        if i >= bpp:
            a, c = out[i - bpp], prev[i - bpp]
        else:
            a = c = 0
        b = prev[i]
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (f[i] + pred) & 255
    return out


def _unfilter(raw, height, stride, bpp):
    """The scanlines' bytes (height, stride) with the five PNG filters undone."""
    if len(raw) < height * (stride + 1):
        raise InvalidArgumentError(f"decode_png: image data too short ({len(raw)} bytes for {height} rows of "
                                   f"{stride} bytes)")
    rows = numpy.frombuffer(raw, dtype=numpy.uint8, count=height * (stride + 1)).reshape(height, stride + 1)
    out = numpy.zeros((height, stride), dtype=numpy.uint8)
    prev = numpy.zeros(stride, dtype=numpy.uint8)
    for y in range(height):
        ft, f = int(rows[y, 0]), rows[y, 1:]
        if ft == 0:
            cur = f
        elif ft == 1:
            cur = (numpy.cumsum(f.reshape(-1, bpp).astype(numpy.int64), axis=0) & 255).astype(numpy.uint8).ravel()
        elif ft == 2:
            cur = f + prev   # uint8 arithmetic wraps mod 256
        elif ft == 3:
            cur = numpy.frombuffer(_unfilter_avg(f.tobytes(), prev.tobytes(), bpp), dtype=numpy.uint8)
        elif ft == 4:
            cur = numpy.frombuffer(_unfilter_paeth(f.tobytes(), prev.tobytes(), bpp), dtype=numpy.uint8)
        else:
            raise InvalidArgumentError(f"decode_png: unknown filter type {ft} in row {y}")
        out[y] = cur
        prev = out[y]
    return out


def _samples(rows, width, channels, depth):
    """Scanline bytes as an array (height, width, channels) of uint8 / uint16 samples."""
    h = rows.shape[0]
    if depth == 8:
        return rows[:, :width * channels].reshape(h, width, channels)
    if depth == 16:
        return rows[:, :width * channels * 2].reshape(h, width * channels, 2).astype(numpy.uint16) \
            .dot(numpy.array([256, 1], dtype=numpy.uint16)).reshape(h, width, channels).astype(numpy.uint16)
    bits = numpy.unpackbits(rows, axis=1)[:, :width * depth].reshape(h, width, depth)
    weights = (1 << numpy.arange(depth - 1, -1, -1)).astype(numpy.uint8)
    return (bits * weights).sum(axis=2, dtype=numpy.uint8).reshape(h, width, 1)


def decode_png_bytes(data, channels=0, dtype=numpy.uint8):
    """Decode PNG ``data`` (bytes) to an array (height, width, channels) of ``dtype`` (uint8 or uint16)."""
    header, idat, palette, trns = None, [], None, None
    for ctype, body in _png_chunks(bytes(data)):
        if ctype == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"PLTE":
            palette = numpy.frombuffer(body, dtype=numpy.uint8).reshape(-1, 3)
        elif ctype == b"tRNS":
            trns = body
    if header is None:
        raise InvalidArgumentError("decode_png: no IHDR chunk")
    width, height, depth, ctype, _, _, interlace = header
    if ctype not in _NATIVE_CHANNELS:
        raise InvalidArgumentError(f"decode_png: unknown colour type {ctype}")
    if interlace:
        raise InvalidArgumentError("decode_png: interlaced (Adam7) PNGs are not supported by tensorflux; save the "
                                   "image without interlacing")
    ok_depths = (1, 2, 4, 8, 16) if ctype == 0 else (1, 2, 4, 8) if ctype == 3 else (8, 16)
    if depth not in ok_depths:
        raise InvalidArgumentError(f"decode_png: bit depth {depth} is invalid for colour type {ctype}")
    n_stored = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    stride = (width * n_stored * depth + 7) // 8
    bpp = max(1, n_stored * depth // 8)
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as exc:
        raise InvalidArgumentError(f"decode_png: corrupt image data ({exc})") from None
    img = _samples(_unfilter(raw, height, stride, bpp), width, n_stored, depth)
    if ctype == 3:
        if palette is None:
            raise InvalidArgumentError("decode_png: palette image without a PLTE chunk")
        idx = img[..., 0]
        if idx.size and int(idx.max()) >= len(palette):
            raise InvalidArgumentError("decode_png: palette index out of range")
        img = palette[idx]
        if trns is not None:
            alpha = numpy.full(len(palette), 255, dtype=numpy.uint8)
            alpha[:len(trns)] = numpy.frombuffer(trns, dtype=numpy.uint8)[:len(palette)]
            img = numpy.concatenate([img, alpha[idx][..., None]], axis=2)
    elif depth < 8:   # gray 1/2/4-bit: scaled to 0..255 as libpng expands it
        img = (img.astype(numpy.uint16) * (255 // ((1 << depth) - 1))).astype(numpy.uint8)
    return _convert(img, channels, depth, dtype)


def _to_gray(rgb):
    """ITU-R 601 luma in fixed point (0.299, 0.587, 0.114 as 9798/19235/3735 over 2^15), rounded."""
    w = numpy.array([9798, 19235, 3735], dtype=numpy.int64)
    return ((rgb.astype(numpy.int64) * w).sum(axis=-1, keepdims=True) + 16384) >> 15


def _convert(img, channels, depth, dtype):
    """Convert to ``channels`` (0: keep) and to the requested sample type."""
    dtype = numpy.dtype(dtype)
    if depth == 16 and dtype == numpy.uint8:
        img = (img >> 8).astype(numpy.uint8)
    elif depth != 16 and dtype == numpy.uint16:
        img = img.astype(numpy.uint16) * 257
    img = _set_channels(img, channels, 65535 if dtype == numpy.uint16 else 255)
    return img.astype(dtype)


def _set_channels(img, channels, opaque):
    have = img.shape[-1]
    if not channels or channels == have:
        return img
    color, alpha = (img[..., :3], img[..., 3:]) if have in (3, 4) else (img[..., :1], img[..., 1:])
    if channels in (1, 2):
        color = _to_gray(color).astype(img.dtype) if color.shape[-1] == 3 else color
    elif color.shape[-1] == 1:
        color = numpy.repeat(color, 3, axis=-1)
    if channels in (2, 4):
        if alpha.shape[-1] == 0:
            alpha = numpy.full(img.shape[:-1] + (1,), opaque, dtype=img.dtype)
        return numpy.concatenate([color, alpha], axis=-1)
    return color


# ------------------------------------------------------------------------- Pillow formats
def _pillow(what):
    try:
        from PIL import Image
    except ImportError:
        raise InvalidArgumentError(f"{what} needs Pillow, which is not installed: pip install pillow") from None
    return Image


def _pil_decode(data, channels, what):
    """A JPEG/BMP/other still image through Pillow, as uint8 (height, width, channels)."""
    Image = _pillow(what)
    try:
        im = Image.open(io.BytesIO(bytes(data)))
        im.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise InvalidArgumentError(f"{what}: cannot decode the image ({exc})") from None
    if not channels:
        mode = {"L": "L", "1": "L", "LA": "LA", "RGBA": "RGBA"}.get(im.mode, "RGB")
    else:
        mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels]
    arr = numpy.asarray(im.convert(mode), dtype=numpy.uint8)
    return arr[..., None] if arr.ndim == 2 else arr


def _gif_decode(data, what):
    """Every frame of a GIF as uint8 (frames, height, width, 3)."""
    Image = _pillow(what)
    try:
        im = Image.open(io.BytesIO(bytes(data)))
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(numpy.asarray(im.convert("RGB"), dtype=numpy.uint8))
    except Exception as exc:  # noqa: BLE001
        raise InvalidArgumentError(f"{what}: cannot decode the GIF ({exc})") from None
    return numpy.stack(frames)


# ------------------------------------------------------------------------- graph ops
def _check_channels(channels, allowed, what):
    c = 0 if channels is None else int(channels)
    if c not in allowed:
        raise ValueError(f"{what}: channels must be one of {sorted(allowed)}, got {channels}")
    return c


def _image_op(type_name, contents, fn, dims, dtype, name):
    t = F.as_tensor(contents, dtype=D.string) if not F.is_tensor(contents) else F.as_tensor(contents)
    if t.dtype is not D.string:
        raise TypeError(f"{type_name}: contents must be a string tensor, got {t.dtype.name} ('{t.name}')")

    def run(store, data):
        a = numpy.asarray(data, dtype=object)
        if a.ndim != 0:
            raise InvalidArgumentError(f"{type_name}: contents must be a scalar string, got shape {list(a.shape)}")
        return fn(a.item())
    return stateful_node(type_name, run, [t], [(dims, dtype)], name=name or type_name, graph=t.graph).outputs[0]


def decode_png(contents, channels=0, dtype=D.uint8, name=None):
    """A PNG image as a (height, width, channels) uint8 or uint16 tensor (``tf.image.decode_png``).

    ``channels``: 0 keeps the image's own (gray 1, gray+alpha 2, RGB/palette 3, RGBA or palette with
    transparency 4); 1 / 3 / 4 convert (RGB to gray with 0.299/0.587/0.114 weights)."""
    c = _check_channels(channels, {0, 1, 2, 3, 4}, "decode_png")
    dt = D.as_dtype(dtype)
    if dt not in (D.uint8, D.uint16):
        raise TypeError(f"decode_png: dtype must be uint8 or uint16, got {dt.name}")
    return _image_op("DecodePng", contents, lambda b: decode_png_bytes(b, c, dt.dtype), (None, None, c or None), dt,
                     name)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """A JPEG image as a (height, width, channels) uint8 tensor, decoded by Pillow (``tf.image.decode_jpeg``).

    Pillow's IDCT may differ from TF's libjpeg settings by a unit here and there."""
    c = _check_channels(channels, {0, 1, 3}, "decode_jpeg")
    if ratio != 1:
        raise NotImplementedError("decode_jpeg: ratio other than 1 is not supported by tensorflux")
    return _image_op("DecodeJpeg", contents, lambda b: _pil_decode(b, c, "decode_jpeg"), (None, None, c or None),
                     D.uint8, name)


def decode_bmp(contents, channels=0, name=None):
    """A BMP image as a (height, width, channels) uint8 tensor, decoded by Pillow (``tf.image.decode_bmp``)."""
    c = _check_channels(channels, {0, 3, 4}, "decode_bmp")
    return _image_op("DecodeBmp", contents, lambda b: _pil_decode(b, c, "decode_bmp"), (None, None, c or None),
                     D.uint8, name)


def decode_gif(contents, name=None):
    """All frames of a GIF as a (frames, height, width, 3) uint8 tensor, decoded by Pillow."""
    return _image_op("DecodeGif", contents, lambda b: _gif_decode(b, "decode_gif"), (None, None, None, 3), D.uint8,
                     name)


def _decode_any(data, channels, dtype, expand_animations):
    data = bytes(data)
    if data[:8] == _PNG_SIG:
        img = decode_png_bytes(data, channels)
    elif data[:3] == b"\xff\xd8\xff":
        img = _pil_decode(data, channels, "decode_image")
    elif data[:4] in (b"GIF8",):
        img = _gif_decode(data, "decode_image")
        if not expand_animations:
            img = img[0]
        img = _set_channels(img, channels, 255) if channels else img
    elif data[:2] == b"BM":
        img = _pil_decode(data, channels, "decode_image")
    else:
        raise InvalidArgumentError("Unknown image file format. One of JPEG, PNG, GIF, BMP required.")
    if dtype == numpy.uint8:
        return img
    if numpy.dtype(dtype).kind == "f":
        return (img.astype(numpy.float64) / 255.0).astype(dtype)
    if numpy.dtype(dtype) == numpy.uint16:
        return img.astype(numpy.uint16) * 257
    raise InvalidArgumentError(f"decode_image: unsupported dtype {numpy.dtype(dtype)}")


def decode_image(contents, channels=None, dtype=D.uint8, name=None, expand_animations=True):
    """A PNG, JPEG, GIF or BMP image, by its first bytes (``tf.image.decode_image``); static shape unknown, as
    in TF 1.x. Floating ``dtype`` scales to [0, 1]. GIFs give (frames, height, width, 3)."""
    c = _check_channels(channels, {0, 1, 3, 4}, "decode_image")
    dt = D.as_dtype(dtype)
    return _image_op("DecodeImage", contents, lambda b: _decode_any(b, c, dt.dtype, expand_animations), None, dt,
                     name)
