"""TFRecord files: CRC32C, record framing, a reader generator and a writer (``tf.python_io``).

Written from the format's description, NumPy and the standard library only.

**Record framing** (all integers little-endian)::

    uint64  length                      # len(data)
    uint32  masked_crc32c(length bytes) # the 8 bytes above
    bytes   data[length]
    uint32  masked_crc32c(data)

**CRC32C** is the Castagnoli CRC: reflected polynomial 0x82F63B78, register starting at
0xFFFFFFFF, final XOR 0xFFFFFFFF (``crc32c(b"123456789") == 0xE3069283``). Byte by byte::

    crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)

**Masking** (so that a CRC stored inside CRC'd data does not look like a CRC of itself)::

    masked = (((crc >> 15) | (crc << 17)) + 0xA282EAD8) mod 2**32

Files may be compressed as a whole: ``'GZIP'`` (gzip format) or ``'ZLIB'`` (a zlib stream).

Speed. The table step is inherently sequential over the bytes of one message, so NumPy is used
across messages instead: ``crc32c_many`` runs the step on a column of many messages at once
(messages right-aligned in a matrix; leading zero bytes leave a register at 0 unchanged, and the
initial 0xFFFFFFFF register is the same as XOR-ing the first 4 bytes with 0xFF). A single long
message is cut into lanes that are run the same way and combined with CRC's linearity
(``crc(A || B) = shift_len(B)(crc(A)) ^ crc(B)`` for registers starting at 0). The reader
collects a block of records and checks their data CRCs together; the writer buffers records and
computes their CRCs together when it flushes.
"""
from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy

from ...graph.errors import DataLossError, NotFoundError

__all__ = ["crc32c", "crc32c_many", "masked_crc32c", "unmask_crc32c", "iter_tfrecords", "TFRecordWriter",
           "TFRecordOptions", "TFRecordCompressionType", "tf_record_iterator", "compression_of"]

_POLY = 0x82F63B78
_MASK_DELTA = 0xA282EAD8
_M32 = 0xFFFFFFFF


def _make_table():
    """The 256-entry byte table of the reflected Castagnoli CRC (8 shift/XOR steps per entry)."""
    t = numpy.arange(256, dtype=numpy.uint32)
    for _ in range(8):
        t = numpy.where(t & 1, (t >> 1) ^ numpy.uint32(_POLY), t >> 1).astype(numpy.uint32)
    return t


_TABLE = _make_table()
_TABLE_LIST = [int(v) for v in _TABLE]


# ----------------------------------------------------------------------------- CRC32C
def _crc_python(data, crc=_M32):
    """The table step over ``data`` in pure Python (short messages); returns the raw register."""
    table = _TABLE_LIST
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def _crc_columns(matrix):
    """Registers (starting at 0) after running the table step over each row of a uint8 matrix."""
    cols = numpy.ascontiguousarray(matrix.T)
    reg = numpy.zeros(matrix.shape[0], dtype=numpy.uint32)
    for col in cols:
        reg = _TABLE[(reg ^ col) & 0xFF] ^ (reg >> 8)
    return reg


def _aligned(messages, width):
    """``messages`` right-aligned in a (n, width) uint8 matrix, first 4 bytes of each XOR 0xFF."""
    out = numpy.zeros((len(messages), width), dtype=numpy.uint8)
    for i, m in enumerate(messages):
        n = len(m)
        if n:
            out[i, width - n:] = numpy.frombuffer(m, dtype=numpy.uint8)
            out[i, width - n:width - n + 4] ^= 0xFF
    return out


_SHIFT_TABLES = {}


def _shift_tables(nbytes):
    """Tables T (4, 256) with shift(reg) = T0[b0] ^ T1[b1] ^ T2[b2] ^ T3[b3]: reg run over nbytes zeros."""
    t = _SHIFT_TABLES.get(nbytes)
    if t is None:
        basis = (numpy.uint32(1) << numpy.arange(32, dtype=numpy.uint32)).astype(numpy.uint32)
        for _ in range(nbytes):
            basis = _TABLE[basis & 0xFF] ^ (basis >> 8)
        bits = (numpy.arange(256)[:, None] >> numpy.arange(8)[None, :]) & 1      # (256, 8)
        t = numpy.zeros((4, 256), dtype=numpy.uint32)
        for k in range(4):
            sel = numpy.where(bits.astype(bool), basis[None, 8 * k:8 * k + 8], numpy.uint32(0))
            t[k] = numpy.bitwise_xor.reduce(sel, axis=1)
        t = [[int(v) for v in row] for row in t]
        _SHIFT_TABLES[nbytes] = t
    return t


def _crc_long(data):
    """CRC32C of one long message: lanes of L bytes run together, combined by Horner's rule."""
    n = len(data)
    lane = max(64, int(n ** 0.5))
    k = -(-n // lane)
    padded = numpy.zeros(k * lane, dtype=numpy.uint8)
    padded[k * lane - n:] = numpy.frombuffer(bytes(data), dtype=numpy.uint8)
    padded[k * lane - n:k * lane - n + 4] ^= 0xFF
    regs = _crc_columns(padded.reshape(k, lane)).tolist()
    t0, t1, t2, t3 = _shift_tables(lane)
    crc = 0
    for r in regs:
        crc = (t0[crc & 0xFF] ^ t1[(crc >> 8) & 0xFF] ^ t2[(crc >> 16) & 0xFF] ^ t3[crc >> 24]) ^ r
    return crc ^ _M32


_LONG = 4096


def crc32c(data):
    """CRC32C (Castagnoli) of ``data`` (bytes-like) as an int; ``crc32c(b"123456789") == 0xE3069283``."""
    data = memoryview(data).cast("B")
    if len(data) >= _LONG:
        return _crc_long(data)
    return _crc_python(data) ^ _M32


def crc32c_many(messages):
    """CRC32C of each of ``messages`` (a list of bytes), as a list of ints, vectorised across messages.

    Messages shorter than 4 bytes or of 4096 bytes and more are done one by one; the others are
    sorted by length and run in groups whose padding is at most about a third of their bytes.
    """
    out = [0] * len(messages)
    order = []
    for i, m in enumerate(messages):
        n = len(m)
        if n < 4 or n >= _LONG:
            out[i] = crc32c(m)
        else:
            order.append((n, i))
    order.sort()
    start = 0
    while start < len(order):
        lo = order[start][0]
        stop = start
        while stop < len(order) and order[stop][0] <= lo + lo // 2 + 8 and stop - start < 65536:
            stop += 1
        idx = [i for _, i in order[start:stop]]
        regs = _crc_columns(_aligned([messages[i] for i in idx], order[stop - 1][0]))
        for i, r in zip(idx, (regs ^ numpy.uint32(_M32)).tolist()):
            out[i] = r
        start = stop
    return out


def masked_crc32c(data):
    """The masked CRC stored in TFRecord files: ((crc >> 15) | (crc << 17)) + 0xA282EAD8 mod 2**32."""
    return _mask(crc32c(data))


def _mask(crc):
    return ((((crc >> 15) | (crc << 17)) & _M32) + _MASK_DELTA) & _M32


def unmask_crc32c(masked):
    """The CRC a masked CRC came from (the inverse of the mask)."""
    rot = (masked - _MASK_DELTA) & _M32
    return ((rot >> 17) | (rot << 15)) & _M32


# ----------------------------------------------------------------------------- compression
class TFRecordCompressionType:
    """``tf.python_io.TFRecordCompressionType``: NONE, ZLIB, GZIP."""
    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {TFRecordCompressionType.NONE: "", TFRecordCompressionType.ZLIB: "ZLIB",
          TFRecordCompressionType.GZIP: "GZIP"}


class TFRecordOptions:
    """``tf.python_io.TFRecordOptions(compression_type)``: a ``TFRecordCompressionType`` or ''/'ZLIB'/'GZIP'.

    ``compression_level`` is passed to zlib/gzip; the other TF tuning arguments are accepted and
    ignored (they change speed, not the bytes a reader sees).
    """
    compression_type_map = {"": TFRecordCompressionType.NONE, "ZLIB": TFRecordCompressionType.ZLIB,
                            "GZIP": TFRecordCompressionType.GZIP}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None, output_buffer_size=None,
                 window_bits=None, compression_level=None, compression_method=None, mem_level=None,
                 compression_strategy=None):
        self.compression_type = compression_type
        self.compression_level = compression_level

    @classmethod
    def get_compression_type_string(cls, options):
        """'' / 'ZLIB' / 'GZIP' for ``options`` (a TFRecordOptions, a compression type, a string or None)."""
        return compression_of(options)

    def __repr__(self):
        return f"TFRecordOptions(compression_type={compression_of(self)!r})"


def compression_of(options, who="TFRecord"):
    """Normalise ``options`` (None, '', 'GZIP', 'ZLIB', a TFRecordCompressionType or TFRecordOptions)."""
    if isinstance(options, TFRecordOptions):
        options = options.compression_type
    if options is None:
        return ""
    if isinstance(options, bytes):
        options = options.decode()
    if isinstance(options, str):
        name = options.upper()
        if name in ("", "ZLIB", "GZIP"):
            return name
    elif isinstance(options, int) and options in _NAMES:
        return _NAMES[options]
    raise ValueError(f"{who}: compression_type must be None, '', 'ZLIB', 'GZIP' or a TFRecordCompressionType, "
                     f"got {options!r}")


class _ZlibReader:
    """A read-only file over a zlib stream (``read(n)`` returns fewer bytes only at the end)."""

    def __init__(self, raw):
        self.raw, self.z, self.buf = raw, zlib.decompressobj(), b""

    def read(self, n):
        while len(self.buf) < n and not self.z.eof:
            chunk = self.raw.read(1 << 16)
            if not chunk:
                self.buf += self.z.flush()
                break
            self.buf += self.z.decompress(chunk)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def close(self):
        self.raw.close()


class _ZlibWriter:
    """A write-only file that zlib-compresses into ``raw``."""

    def __init__(self, raw, level):
        self.raw, self.z = raw, zlib.compressobj(-1 if level is None else level)

    def write(self, data):
        self.raw.write(self.z.compress(data))

    def flush(self):
        self.raw.write(self.z.flush(zlib.Z_SYNC_FLUSH))
        self.raw.flush()

    def close(self):
        self.raw.write(self.z.flush())
        self.raw.close()


def _path(path):
    path = os.fspath(path)
    return path.decode() if isinstance(path, bytes) else path


def _open_read(path, comp):
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    if comp == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    if comp == "ZLIB":
        return _ZlibReader(raw), raw
    return raw, raw


# ----------------------------------------------------------------------------- reading
_BLOCK_RECORDS = 4096
_BLOCK_BYTES = 16 << 20


def _read_exact(f, n, path, index, what):
    try:
        data = f.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataLossError(f"{path}: cannot read record {index} ({what}): {exc}") from None
    return data


def _read_block(f, path, first):
    """(records, done, error): up to a block of (data, stored data CRC) pairs, length CRCs checked.

    A framing error (bad length CRC, truncation) ends the block and is returned, so the records
    before it are still given out first, as TF's reader does.
    """
    block, size = [], 0
    while len(block) < _BLOCK_RECORDS and size < _BLOCK_BYTES:
        index = first + len(block)
        header = _read_exact(f, 12, path, index, "header")
        if not header:
            return block, True, None
        if len(header) < 12:
            return block, True, DataLossError(f"{path}: truncated record at index {index}: the header has "
                                              f"{len(header)} of 12 bytes")
        length, length_crc = struct.unpack("<QI", header)
        if _mask(_crc_python(header[:8]) ^ _M32) != length_crc:
            return block, True, DataLossError(f"{path}: corrupted record at index {index}: the length's CRC does "
                                              f"not match (stored {length_crc:#010x})")
        body = _read_exact(f, length + 4, path, index, "data")
        if len(body) < length + 4:
            return block, True, DataLossError(f"{path}: truncated record at index {index}: expected {length} data "
                                              f"bytes and a 4-byte CRC, got {len(body)} bytes")
        block.append((body[:length], struct.unpack("<I", body[length:])[0]))
        size += length
    return block, False, None


def iter_tfrecords(path, compression_type=None):
    """Yield the data bytes of each record of the TFRecord file ``path``, checking both CRCs.

    ``compression_type``: None / '' (plain), 'GZIP' or 'ZLIB' (or a TFRecordOptions /
    TFRecordCompressionType). A bad CRC or a truncated record raises ``tf.errors.DataLossError``
    naming the file and the record's index (0-based); a missing file ``tf.errors.NotFoundError``.
    """
    path = _path(path)
    comp = compression_of(compression_type, "iter_tfrecords")
    f, raw = _open_read(path, comp)
    try:
        first, done = 0, False
        while not done:
            block, done, error = _read_block(f, path, first)
            crcs = crc32c_many([d for d, _ in block])
            for k, ((data, stored), crc) in enumerate(zip(block, crcs)):
                if _mask(crc) != stored:
                    raise DataLossError(f"{path}: corrupted record at index {first + k}: the data's CRC does not "
                                        f"match (stored {stored:#010x}, computed {_mask(crc):#010x})")
                yield data
            if error is not None:
                raise error
            first += len(block)
    finally:
        f.close()
        raw.close()


def tf_record_iterator(path, options=None, name=None):
    """``tf.python_io.tf_record_iterator``: an iterator over the records (bytes) of a TFRecord file."""
    return iter_tfrecords(path, compression_of(options, "tf_record_iterator"))


# ----------------------------------------------------------------------------- writing
def _record_bytes(data, crc):
    """One framed record: length, masked CRC of the length, data, masked CRC of the data."""
    head = struct.pack("<Q", len(data))
    return b"".join((head, struct.pack("<I", _mask(_crc_python(head) ^ _M32)), data, struct.pack("<I", _mask(crc))))


class TFRecordWriter:
    """``tf.python_io.TFRecordWriter(path, options=None)`` / ``tf.io.TFRecordWriter``.

    ``write(record)`` appends one record (bytes); records are buffered (their CRCs are computed
    together) and written by ``flush()``, ``close()``, leaving a ``with`` block, or when the
    buffer holds 4096 records / 16 MiB. The file is created (truncated) when the writer is made.
    """

    def __init__(self, path, options=None):
        self.path = _path(path)
        comp = compression_of(options, "TFRecordWriter")
        level = options.compression_level if isinstance(options, TFRecordOptions) else None
        try:
            raw = open(self.path, "wb")
        except FileNotFoundError:
            raise NotFoundError(f"{self.path}; No such file or directory") from None
        if comp == "GZIP":
            self._f = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9 if level is None else level)
        elif comp == "ZLIB":
            self._f = _ZlibWriter(raw, level)
        else:
            self._f = raw
        self._raw = raw
        self._pending, self._size, self._closed = [], 0, False

    def write(self, record):
        """Append one record (``bytes``; ``str`` is written as UTF-8)."""
        if self._closed:
            raise ValueError(f"TFRecordWriter: write to {self.path!r} after close()")
        if isinstance(record, str):
            record = record.encode("utf-8")
        elif isinstance(record, (bytearray, memoryview, numpy.bytes_)):
            record = bytes(record)
        elif not isinstance(record, bytes):
            raise TypeError(f"TFRecordWriter.write: record must be bytes, got {type(record).__name__} "
                            "(serialize an Example with .SerializeToString())")
        self._pending.append(record)
        self._size += len(record)
        if len(self._pending) >= _BLOCK_RECORDS or self._size >= _BLOCK_BYTES:
            self._write_pending()

    def _write_pending(self):
        if self._pending:
            crcs = crc32c_many(self._pending)
            self._f.write(b"".join(_record_bytes(d, c) for d, c in zip(self._pending, crcs)))
            self._pending, self._size = [], 0

    def flush(self):
        """Write the buffered records to the file."""
        if self._closed:
            raise ValueError(f"TFRecordWriter: flush of {self.path!r} after close()")
        self._write_pending()
        self._f.flush()

    def close(self):
        """Write what is buffered and close the file (closing twice is allowed)."""
        if not self._closed:
            self._write_pending()
            self._f.close()
            if self._raw is not self._f:
                self._raw.close()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
