"""Parsing ops on string tensors: ``tf.parse_single_example``, ``tf.parse_example``, ``tf.decode_raw``.

    features = tf.parse_single_example(serialized, {
        "image_raw": tf.FixedLenFeature([], tf.string),
        "label": tf.FixedLenFeature([], tf.int64)})
    image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), [28, 28, 1])

Each parse is ONE graph node with one output per dense feature (three per sparse one), its
kernel reading serialized ``tf.train.Example`` messages with ``example_pb``'s wire-format reader.
Feature specs (TF 1.x):

- ``FixedLenFeature(shape, dtype, default_value=None)``: exactly prod(shape) values (output
  ``shape``; batched ``[B] + shape``); a missing feature takes ``default_value`` (same number
  of values, or a scalar repeated) or is an error when there is none.
- ``VarLenFeature(dtype)``: any number of values, returned as a ``tf.SparseTensor`` (indices
  int64 ``[N, rank]``, values ``[N]``, dense_shape int64 ``[rank]``): ``[n]`` for one example,
  ``[B, max n]`` for a batch. ``tf.sparse.to_dense`` / ``tf.sparse_tensor_to_dense`` make it dense.
- ``FixedLenSequenceFeature(shape, dtype, allow_missing=False, default_value=None)``: a
  multiple of prod(shape) values as ``[n] + shape`` (``[B, max n] + shape`` padded with
  ``default_value`` or 0 / b"" in a batch).

dtypes are ``tf.float32`` (float_list), ``tf.int64`` (int64_list) and ``tf.string`` (bytes_list).
Run-time errors (missing feature, wrong type or count, bad bytes) raise
``tf.errors.InvalidArgumentError`` naming the key and the example's index.

``decode_raw(bytes, out_type, little_endian=True)`` reinterprets each string's bytes as numbers:
output shape = input shape + ``[len(bytes) / itemsize]``; all strings must have the same length.
"""
from __future__ import annotations

import builtins
import collections
import math
import types as _types

import numpy

from ...graph import dtypes as D
from ...graph import functions as F
from ...graph import kernels as K
from ...graph.errors import InvalidArgumentError
from ...graph.shapes import Out
from ...graph.tensor_shape import TensorShape
from .example_pb import BytesList, DecodeError, FloatList, Int64List, _read_fields

__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "parse_single_example", "parse_example",
           "decode_raw", "SparseTensor", "SparseTensorValue", "sparse_tensor_to_dense", "sparse"]


# ----------------------------------------------------------------------------- feature specs
class FixedLenFeature(collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])):
    """A feature with a fixed number of values: ``tf.FixedLenFeature(shape, dtype, default_value=None)``."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature with any number of values, parsed to a ``SparseTensor``: ``tf.VarLenFeature(dtype)``."""


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """``[n] + shape`` values (n varies): ``tf.FixedLenSequenceFeature(shape, dtype, allow_missing, default_value)``."""

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


_KIND_OF = {"string": 1, "float32": 2, "int64": 3}          # Feature's field number per dtype
_KIND_NAME = {1: "string", 2: "float", 3: "int64"}
_LIST = {1: BytesList, 2: FloatList, 3: Int64List}


def _spec(key, feat, op):
    """(key, mode, kind, numpy dtype, shape, default array or None) of one feature spec, checked."""
    if not isinstance(key, str):
        raise TypeError(f"{op}: feature keys must be str, got {key!r}")
    dt = D.as_dtype(feat.dtype)
    if dt.name not in _KIND_OF:
        raise ValueError(f"{op}: feature {key!r} has dtype {dt.name}; Example features are float32, int64 or "
                         "string")
    kind, npdt = _KIND_OF[dt.name], dt.dtype
    if isinstance(feat, VarLenFeature):
        return key, "var", kind, npdt, (), None
    if isinstance(feat, (FixedLenFeature, FixedLenSequenceFeature)):
        shape = tuple(TensorShape(feat.shape).as_list())
        if any(s is None for s in shape):
            raise ValueError(f"{op}: feature {key!r} needs a fully defined shape, got {feat.shape}")
        default = None
        if feat.default_value is not None:
            default = F._np_value(feat.default_value, dt)
            n = math.prod(shape)
            if default.size == 1 and n != 1:
                default = numpy.full(shape, default.reshape(()), dtype=npdt)
            elif isinstance(feat, FixedLenSequenceFeature):
                default = default.reshape(())
            elif default.size != n:
                raise ValueError(f"{op}: feature {key!r}: default_value has {default.size} values, shape "
                                 f"{list(shape)} needs {n}")
            else:
                default = default.reshape(shape)
        if isinstance(feat, FixedLenSequenceFeature):
            if not feat.allow_missing:
                raise ValueError(f"{op}: FixedLenSequenceFeature {key!r} requires allow_missing=True in "
                                 "tf.parse_example / tf.parse_single_example (as in TF)")
            return key, "seq", kind, npdt, shape, default
        return key, "fixed", kind, npdt, shape, default
    raise TypeError(f"{op}: feature {key!r} must be a FixedLenFeature, VarLenFeature or FixedLenSequenceFeature, "
                    f"got {type(feat).__name__}")


# ----------------------------------------------------------------------------- reading Examples
def _example_features(buf):
    """{key: (kind field number, list bytes)} of a serialized Example, read straight off the wire.

    Example.features = 1 -> Features.feature = 1 (map entries: key = 1, value = 2) ->
    Feature: bytes_list = 1 | float_list = 2 | int64_list = 3 (the last one wins, a oneof).
    """
    out = {}
    for num, wt, features in _read_fields(buf):
        if num != 1 or wt != 2:
            continue
        for n2, w2, entry in _read_fields(features):
            if n2 != 1 or w2 != 2:
                continue
            key, feature = "", b""
            for n3, w3, v in _read_fields(entry):
                if n3 == 1 and w3 == 2:
                    key = v.decode("utf-8")
                elif n3 == 2 and w3 == 2:
                    feature = v
            kind, payload = 0, b""
            for n4, w4, v in _read_fields(feature):
                if n4 in (1, 2, 3) and w4 == 2:
                    kind, payload = n4, v
            out[key] = (kind, payload)
    return out


def _values(kind, payload, npdt):
    """The feature's values as a 1-D array of ``npdt``."""
    if kind == 2 and payload[:1] == b"\x0a":  # fast path: one packed float field
        n, pos = _len_prefix(payload)
        if pos + n == len(payload) and n % 4 == 0:
            return numpy.frombuffer(payload, dtype="<f4", offset=pos, count=n // 4).astype(npdt)
    vals = _LIST[kind].FromString(payload).value
    return numpy.array(vals, dtype=npdt) if kind != 1 else _object_array(vals)


def _len_prefix(payload):
    from .example_pb import decode_varint
    return decode_varint(payload, 1)


def _object_array(vals):
    arr = numpy.empty(len(vals), dtype=object)
    arr[:] = vals
    return arr


class _ParseExample(K._Kernel):
    """Parse serialized Examples (a scalar, or a vector when ``batched``) into the specs' outputs."""

    def __init__(self, specs, batched, op_name):
        self.specs, self.batched, self.op_name = specs, batched, op_name

    def forward(self, serialized):
        ser = numpy.asarray(serialized, dtype=object)
        if self.batched and ser.ndim != 1 or not self.batched and ser.ndim != 0:
            raise InvalidArgumentError(f"{self.op_name}: serialized must be a {'vector' if self.batched else 'scalar'}"
                                       f", got shape {list(ser.shape)}")
        rows = [self._parse_one(s, i) for i, s in enumerate(ser.reshape(-1))]
        outs = []
        for j, (key, mode, kind, npdt, shape, default) in enumerate(self.specs):
            col = [r[j] for r in rows]
            if mode == "fixed":
                outs.append(self._stack(col, shape, npdt) if self.batched else col[0])
            elif mode == "seq":
                outs.append(self._pad(col, shape, npdt, default) if self.batched else col[0])
            else:
                outs.extend(self._sparse(col, npdt))
        return tuple(outs)

    def _parse_one(self, s, index):
        where = f"{self.op_name}: example {index}"
        if not isinstance(s, (bytes, numpy.bytes_)):
            raise InvalidArgumentError(f"{where}: expected serialized bytes, got {type(s).__name__}")
        try:
            feats = _example_features(bytes(s))
        except (DecodeError, UnicodeDecodeError) as exc:
            raise InvalidArgumentError(f"{where}: could not parse a serialized tf.train.Example: {exc}") from None
        return [self._feature(feats, spec, where) for spec in self.specs]

    @staticmethod
    def _feature(feats, spec, where):
        key, mode, kind, npdt, shape, default = spec
        got = feats.get(key)
        if got is None or got[0] == 0:
            if mode == "fixed":
                if default is None:
                    raise InvalidArgumentError(f"{where}: feature {key!r} (data type: {_KIND_NAME[kind]}) is "
                                               "required but could not be found")
                return default
            return numpy.zeros((0,) + shape, dtype=npdt)
        if got[0] != kind:
            raise InvalidArgumentError(f"{where}, key {key!r}: data types don't match: the Example holds "
                                       f"{_KIND_NAME[got[0]]} values, the spec expects {_KIND_NAME[kind]}")
        try:
            vals = _values(got[0], got[1], npdt)
        except DecodeError as exc:
            raise InvalidArgumentError(f"{where}, key {key!r}: bad feature bytes: {exc}") from None
        n = math.prod(shape)
        if mode == "fixed":
            if vals.size != n:
                raise InvalidArgumentError(f"{where}, key {key!r}: number of {_KIND_NAME[kind]} values != expected: "
                                           f"got {vals.size} values, shape {list(shape)} needs {n}")
            return vals.reshape(shape)
        if mode == "seq":
            if n == 0 or vals.size % n:
                raise InvalidArgumentError(f"{where}, key {key!r}: {vals.size} values are not a multiple of the "
                                           f"{n} values of shape {list(shape)}")
            return vals.reshape((vals.size // n,) + shape)
        return vals

    @staticmethod
    def _stack(col, shape, npdt):
        out = numpy.empty((len(col),) + shape, dtype=npdt)
        for i, v in enumerate(col):
            out[i] = v
        return out

    @staticmethod
    def _pad(col, shape, npdt, default):
        rows = max((len(v) for v in col), default=0)
        fill = default if default is not None else (b"" if npdt == object else 0)
        out = numpy.empty((len(col), rows) + shape, dtype=npdt)
        out[...] = fill
        for i, v in enumerate(col):
            out[i, :len(v)] = v
        return out

    def _sparse(self, col, npdt):
        """(indices, values, dense_shape): [[j]] / [[b, j]] positions of the values, row by row."""
        values = numpy.concatenate(col).astype(npdt) if col else numpy.zeros(0, npdt)
        if not self.batched:
            n = len(values)
            return numpy.arange(n, dtype=numpy.int64)[:, None], values, numpy.asarray([n], dtype=numpy.int64)
        lens = numpy.asarray([len(v) for v in col], dtype=numpy.int64)
        rows = numpy.repeat(numpy.arange(len(col), dtype=numpy.int64), lens)
        starts = numpy.repeat(numpy.cumsum(lens) - lens, lens)
        cols = numpy.arange(len(values), dtype=numpy.int64) - starts
        width = int(lens.max()) if len(lens) else 0
        return numpy.stack([rows, cols], axis=1), values, numpy.asarray([len(col), width], dtype=numpy.int64)

    def infer_static(self, dims, dtypes):
        batch = ()
        if self.batched:
            batch = (None,) if dims[0] is None or len(dims[0]) != 1 else (dims[0][0],)
        outs = []
        for key, mode, kind, npdt, shape, default in self.specs:
            if mode == "fixed":
                outs.append(Out(batch + shape, npdt))
            elif mode == "seq":
                outs.append(Out(batch + (None,) + shape, npdt))
            else:
                r = 1 + len(batch)
                outs += [Out((None, r), numpy.dtype(numpy.int64)), Out((None,), npdt),
                         Out((r,), numpy.dtype(numpy.int64))]
        return outs


def _parse(serialized, features, batched, name, op):
    if not isinstance(features, dict) or not features:
        raise ValueError(f"{op}: features must be a non-empty dict of feature specs, got {features!r}")
    specs = tuple(_spec(k, features[k], op) for k in sorted(features))
    ser = F.as_tensor(serialized, dtype=D.string) if not F.is_tensor(serialized) else F.as_tensor(serialized)
    if ser.dtype is not D.string:
        raise TypeError(f"{op}: serialized must be a string tensor, got dtype {ser.dtype.name}")
    want = 1 if batched else 0
    if ser._dims is not None and len(ser._dims) != want:
        raise ValueError(f"{op}: serialized must be a {'vector' if batched else 'scalar'}, got shape "
                         f"{list(ser._dims)}")
    proto = _ParseExample(specs, batched, op)
    outs = F.op_node(_ParseExample, [ser], args=(specs, batched, op), static=proto.infer_static([ser._dims], [None]),
                     name=name or ("ParseExample" if batched else "ParseSingleExample"))
    result, i = {}, 0
    for key, mode, *_ in specs:
        if mode == "var":
            result[key] = SparseTensor(outs[i], outs[i + 1], outs[i + 2])
            i += 3
        else:
            result[key] = outs[i]
            i += 1
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """``tf.parse_single_example``: a dict key -> tensor for one serialized ``tf.train.Example`` (a scalar)."""
    return _parse(serialized, features, False, name, "parse_single_example")


def parse_example(serialized, features, name=None, example_names=None):
    """``tf.parse_example``: a dict key -> batched tensor for a vector of serialized Examples."""
    return _parse(serialized, features, True, name, "parse_example")


# ----------------------------------------------------------------------------- decode_raw
class _DecodeRaw(K._Kernel):
    """Each string's bytes as a vector of ``dtype`` numbers (little- or big-endian)."""

    def __init__(self, dtype, little_endian=True):
        self.dtype = numpy.dtype(dtype)
        self.wire = self.dtype.newbyteorder("<" if little_endian else ">") if self.dtype.itemsize > 1 else self.dtype

    def forward(self, x):
        x = numpy.asarray(x, dtype=object)
        flat = [bytes(v) if not isinstance(v, str) else v.encode("utf-8") for v in x.reshape(-1)]
        size = self.dtype.itemsize
        lengths = {len(v) for v in flat}
        if len(lengths) > 1:
            first = len(flat[0])
            bad = next(i for i, v in enumerate(flat) if len(v) != first)
            raise InvalidArgumentError(f"DecodeRaw requires input strings to all be the same size, but element {bad} "
                                       f"has size {len(flat[bad])} != {first}")
        n = lengths.pop() if lengths else 0
        if n % size:
            raise InvalidArgumentError(f"Input to DecodeRaw has length {n} that is not a multiple of {size}, the size "
                                       f"of {self.dtype.name}")
        data = numpy.frombuffer(b"".join(flat), dtype=self.wire).astype(self.dtype)
        return data.reshape(x.shape + (n // size,))

    def infer_static(self, dims, dtypes):
        return Out(None if dims[0] is None else tuple(dims[0]) + (None,), self.dtype)


_RAW_TYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
              "uint64", "complex64", "complex128", "bool")


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """``tf.decode_raw(bytes, out_type, little_endian=True)``: string tensor -> numbers, one more dimension."""
    x = input_bytes if input_bytes is not None else bytes
    if x is None or out_type is None:
        raise TypeError("decode_raw: needs the string tensor and out_type")
    dt = D.as_dtype(out_type)
    if dt.name not in _RAW_TYPES:
        raise TypeError(f"decode_raw: out_type {dt.name} is not a numeric type")
    t = F.as_tensor(x) if F.is_tensor(x) else F.as_tensor(x, dtype=D.string)
    if t.dtype is not D.string:
        raise TypeError(f"decode_raw: input must be a string tensor, got dtype {t.dtype.name}")
    return F.op_node(_DecodeRaw, [t], args=(dt.dtype, builtins.bool(little_endian)), name=name or "DecodeRaw")


# ----------------------------------------------------------------------------- sparse tensors
class SparseTensor(collections.namedtuple("SparseTensor", ["indices", "values", "dense_shape"])):
    """``tf.SparseTensor(indices, values, dense_shape)``: three tensors (a minimal version).

    ``sess.run`` of one returns the same triple of arrays (TF's ``SparseTensorValue``).
    Only ``tf.sparse.to_dense`` / ``tf.sparse_tensor_to_dense`` and the attributes are provided.
    """

    def __new__(cls, indices, values, dense_shape):
        if F.is_tensor(indices) or F.is_tensor(values) or F.is_tensor(dense_shape) or \
                isinstance(indices, (list, tuple)):
            indices = F.as_tensor(indices, dtype=D.int64) if not F.is_tensor(indices) else indices
            values = F.as_tensor(values) if not F.is_tensor(values) else values
            dense_shape = F.as_tensor(dense_shape, dtype=D.int64) if not F.is_tensor(dense_shape) else dense_shape
        return super().__new__(cls, indices, values, dense_shape)

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def shape(self):
        if not F.is_tensor(self.dense_shape):
            return TensorShape(list(numpy.asarray(self.dense_shape)))
        v = F.partial_shape_value(F.as_tensor(self.dense_shape))
        return TensorShape(None if v is None else list(v))

    def get_shape(self):
        return self.shape


SparseTensorValue = SparseTensor


class _SparseToDense(K._Kernel):
    """A dense array of shape ``dense_shape`` holding ``values`` at ``indices``, ``default`` elsewhere."""

    def forward(self, indices, values, dense_shape, default):
        out = numpy.full(tuple(int(d) for d in dense_shape), default, dtype=values.dtype)
        if len(values):
            out[tuple(numpy.asarray(indices, dtype=numpy.int64).T)] = values
        return out


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """``tf.sparse_tensor_to_dense`` / ``tf.sparse.to_dense``: fill the missing entries with ``default_value``."""
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"sparse_tensor_to_dense: expected a SparseTensor, got {type(sp_input).__name__}")
    values = F.as_tensor(sp_input.values)
    if default_value is None:
        default_value = b"" if values.dtype is D.string else 0
    default = F.as_tensor(default_value, dtype=values.dtype) if not F.is_tensor(default_value) else default_value
    dims = sp_input.shape
    static = Out(None if dims.dims is None else tuple(dims.as_list()), values.dtype.dtype)
    return F.op_node(_SparseToDense, [sp_input.indices, values, sp_input.dense_shape, default], static=static,
                     name=name or "SparseToDense")


#: ``tf.sparse`` (the parts provided)
sparse = _types.SimpleNamespace(SparseTensor=SparseTensor, to_dense=sparse_tensor_to_dense)
