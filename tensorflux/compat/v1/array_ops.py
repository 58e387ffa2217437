"""TF 1.x array ops: creation, shapes, slicing, joining (``tf.reshape``, ``tf.concat`` ...)."""
from __future__ import annotations

import builtins

import numpy

from ...graph import dtypes as D
from ...graph import functions as F
from ...graph import kernels as K
from ...graph import shapes as _shapes
from ...graph.shapes import Out

__all__ = [
    "constant", "zeros", "ones", "zeros_like", "ones_like", "fill", "eye", "range", "linspace", "lin_space",
    "shape", "shape_n", "size", "rank", "reshape", "transpose", "squeeze", "expand_dims", "concat", "stack",
    "pack", "unstack", "unpack", "split", "tile", "pad", "gather", "one_hot", "where", "identity",
    "stop_gradient", "boolean_mask", "reverse", "reverse_v2", "slice", "strided_slice", "sequence_mask",
    "unique", "broadcast_to", "newaxis", "gather_nd", "reverse_sequence", "convert_to_tensor", "diag",
    "matrix_diag", "meshgrid",
]

newaxis = None


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor (TF: Python floats are float32, ints int32; a scalar fills ``shape``)."""
    if verify_shape and shape is not None and tuple(numpy.shape(value)) != tuple(shape):
        raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {numpy.shape(value)}.")
    return F.constant(value, dtype=dtype, shape=shape, name=name)


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """``value`` as a graph tensor."""
    return F.as_tensor(value, dtype=dtype, name=name)


def _static_shape(shape):
    if F.is_tensor(shape):
        v = F.constant_value(shape)
        return None if v is None else [int(s) for s in numpy.ravel(v)]
    if isinstance(shape, (list, tuple)) and F._holds_tensor(shape):
        v = F.constant_value(F.as_tensor(shape))
        return None if v is None else [int(s) for s in numpy.ravel(v)]
    if isinstance(shape, int) or hasattr(shape, "__index__") and not isinstance(shape, (list, tuple)):
        return [int(shape)]
    return [int(s) for s in shape]


def zeros(shape, dtype=D.float32, name=None):
    """A tensor of zeros."""
    dt = D.as_dtype(dtype)
    dims = _static_shape(shape)
    if dims is None:
        return F.fill(shape, F.constant(0, dtype=dt), name=name or "zeros")
    return F.constant(numpy.zeros(dims, dtype=dt.dtype), name=name or "zeros")


def ones(shape, dtype=D.float32, name=None):
    """A tensor of ones."""
    dt = D.as_dtype(dtype)
    dims = _static_shape(shape)
    if dims is None:
        return F.fill(shape, F.constant(1, dtype=dt), name=name or "ones")
    return F.constant(numpy.ones(dims, dtype=dt.dtype), name=name or "ones")


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros with ``tensor``'s shape."""
    return F.zeros_like(tensor, dtype=dtype, name=name)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones with ``tensor``'s shape."""
    return F.ones_like(tensor, dtype=dtype, name=name)


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value``."""
    static = _static_shape(dims)
    if static is not None and not F.is_tensor(value):
        arr = F._np_value(value)
        return F.constant(numpy.full(static, arr, dtype=arr.dtype), name=name or "Fill")
    return F.fill(dims, value, name=name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=D.float32, name=None):
    """The identity matrix."""
    m = numpy.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=D.as_dtype(dtype).dtype)
    if batch_shape is not None:
        m = numpy.broadcast_to(m, tuple(batch_shape) + m.shape)
    return F.constant(m, name=name or "eye")


def diag(diagonal, name=None):
    """A square matrix with ``diagonal`` on its main diagonal."""
    d = F.as_tensor(diagonal)
    n = d.shape[0].value
    if n is None:
        raise ValueError("diag: the diagonal's length must be static")
    return F.mul(F.expand_dims(d, 0), numpy.eye(n, dtype=d.dtype.dtype), name=name or "Diag")


matrix_diag = diag


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """[start, start + delta, ...) below limit (int32 for Python ints)."""
    return F.range(start, limit, delta, dtype=dtype, name=name)


def linspace(start, stop, num, name=None):
    """``num`` evenly spaced values from start to stop inclusive."""
    vals = [F.constant_value(v) if F.is_tensor(v) else v for v in (start, stop, num)]
    if any(v is None for v in vals):
        raise ValueError("linspace: start, stop and num must be known when the graph is built")
    dt = F.as_tensor(start).dtype if F.is_tensor(start) else D.float32
    return F.constant(numpy.linspace(float(vals[0]), float(vals[1]), int(vals[2])).astype(dt.dtype),
                      name=name or "LinSpace")


lin_space = linspace


def shape(input, name=None, out_type=D.int32):  # noqa: A002
    """The run-time shape of ``input`` (1-D int32)."""
    return F.shape(input, out_type=out_type, name=name)


def shape_n(input, out_type=D.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors."""
    return [F.shape(t, out_type=out_type) for t in input]


def size(input, name=None, out_type=D.int32):  # noqa: A002
    """The number of elements (0-d int32)."""
    return F.size(input, out_type=out_type, name=name)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions (0-d int32)."""
    return F.rank(input, name=name)


def reshape(tensor, shape, name=None):
    """``tensor`` with a new shape (list or shape tensor; one -1 allowed)."""
    return F.reshape(tensor, shape, name=name)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """``a`` with axes permuted by ``perm`` (reversed when None)."""
    if F.is_tensor(perm):
        perm = [int(p) for p in F.constant_value(perm)]
    return F.transpose(a, perm, name=name)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Remove size-1 dimensions (all, or those in ``axis``)."""
    if squeeze_dims is not None:
        axis = squeeze_dims
    return F.squeeze(input, axis, name=name)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Insert a size-1 dimension at ``axis``."""
    if dim is not None:
        axis = dim
    if axis is None:
        raise ValueError("expand_dims: axis is required")
    if F.is_tensor(axis):
        axis = int(F.constant_value(axis))
    return F.expand_dims(input, int(axis), name=name)


def concat(values, axis, name="concat"):
    """Join tensors along an existing ``axis``."""
    if F.is_tensor(axis):
        axis = int(F.constant_value(axis))
    return F.concat(values, axis, name=name)


def stack(values, axis=0, name="stack"):
    """Join tensors along a new ``axis``."""
    return F.stack(values, axis, name=name)


pack = stack


def unstack(value, num=None, axis=0, name="unstack"):
    """Split ``value`` into its slices along ``axis`` (the size must be static or ``num``)."""
    value = F.as_tensor(value)
    n = value.shape[axis].value if value.ndim is not None else None
    if n is None:
        n = num
    if n is None:
        raise ValueError(f"Cannot infer num from shape {value.shape}")
    if n == 1:
        return [F.squeeze(value, axis, name=name)]
    return [F.squeeze(p, axis) for p in F.split(value, int(n), axis, name=name)]


unpack = unstack


def _ps():
    from ...ops import shape as S
    return S


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split into ``num_or_size_splits`` equal parts (int) or parts of the given sizes (list)."""
    if F.is_tensor(num_or_size_splits):
        num_or_size_splits = [int(v) for v in F.constant_value(num_or_size_splits)]
    if F.is_tensor(axis):
        axis = int(F.constant_value(axis))
    return F.split(value, num_or_size_splits, axis, name=name)


def tile(input, multiples, name=None):  # noqa: A002
    """``input`` repeated ``multiples[i]`` times along axis i."""
    return F.tile(input, multiples, name=name)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad with ``paddings`` [[before, after], ...] (CONSTANT mode)."""
    if mode.upper() != "CONSTANT":
        raise NotImplementedError(f"pad: mode {mode!r} is not supported (only CONSTANT)")
    if F.is_tensor(paddings):
        paddings = F.constant_value(paddings).tolist()
    return F.pad(tensor, paddings, constant_values, name=name)


def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """Slices of ``params`` along ``axis`` at ``indices``."""
    return F.gather(params, indices, axis=axis, name=name)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors (float32 1/0 by default)."""
    return F.one_hot(indices, depth, on_value, off_value, -1 if axis is None else axis, dtype, name=name)


def where(condition, x=None, y=None, name=None):
    """Element-wise select (x, y given; TF 1.x broadcasts a vector condition over rows) or true indices."""
    c = F.as_tensor(condition)
    if x is None and y is None:
        return F.op_node(_Where, (c,), name=name or "Where")
    if x is None or y is None:
        raise ValueError("where: x and y must both be given, or neither")
    tx_, ty_ = F._pair("where", x, y)
    if c.ndim == 1 and tx_.ndim is not None and tx_.ndim > 1:  # TF1: a vector picks whole rows
        c = F.reshape(c, [-1] + [1] * (tx_.ndim - 1))
    return F.where(c, tx_, ty_, name=name)


class _Where(K._Kernel):
    """Coordinates of the true entries (n_true × rank, int64)."""

    def forward(self, cond):
        return numpy.argwhere(cond).astype(numpy.int64)

    def infer_static(self, dims, dtypes):
        return _shapes.Out((None, None if dims[0] is None else len(dims[0])), numpy.dtype(numpy.int64))


def identity(input, name=None):  # noqa: A002
    """A new node with ``input``'s value."""
    return F.identity(input, name=name)


def stop_gradient(input, name=None):  # noqa: A002
    """``input``, with no gradient flowing back through it."""
    return F.stop_gradient(input, name=name)


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries (rows) of ``tensor`` where ``mask`` is true; the gradient scatters back (TF's gather)."""
    t = F.as_tensor(tensor)
    m = F.as_tensor(mask, dtype=None if F.is_tensor(mask) else D.bool, graph=t.graph)
    if not m.dtype.is_bool:
        raise TypeError(f"boolean_mask: mask '{m.name}' must be bool, got {m.dtype.name}")
    ax = 0 if axis is None else int(axis) % t.ndim
    if m.ndim is not None and t.ndim is not None and m.ndim + ax > t.ndim:
        raise ValueError(f"boolean_mask: mask of shape {m.shape} does not fit tensor of shape {t.shape}")
    lead = (builtins.slice(None),) * ax

    def factory(index):
        return _ps().GetItem(lead + (numpy.asarray(index, dtype=bool),))
    static = K.BooleanMask().infer_static([None if t._dims is None else t._dims[ax:], m._dims], [t.dtype.dtype, None])
    dims = None if static.dims is None or t._dims is None else tuple(t._dims[:ax]) + tuple(static.dims)
    return F.op_node(factory, (t,), dyn={"index": m}, static=Out(dims, t.dtype.dtype), name=name,
                     type_name="BooleanMask")


def gather_nd(params, indices, name=None, batch_dims=0):
    """params[indices[..., 0], indices[..., 1], ...]: slices picked by index tuples in the last axis of
    ``indices`` (the gradient scatter-adds into ``params``)."""
    if batch_dims:
        raise NotImplementedError("gather_nd: batch_dims is not supported")
    p = F.as_tensor(params)
    idx = F.as_tensor(indices, dtype=None if F.is_tensor(indices) else D.int64, graph=p.graph)
    if not idx.dtype.is_integer:
        raise TypeError(f"gather_nd: indices '{idx.name}' must be integers, got {idx.dtype.name}")
    if idx._dims is None or idx._dims[-1] is None:
        raise ValueError(f"gather_nd: the last dimension of indices must be known, got {idx.shape}")
    depth = idx._dims[-1]

    def factory(index):
        index = numpy.asarray(index)
        return _ps().GetItem(tuple(index[..., i] for i in builtins.range(depth)))
    dims = None if p._dims is None else tuple(idx._dims[:-1]) + tuple(p._dims[depth:])
    return F.op_node(factory, (p,), dyn={"index": idx}, static=Out(dims, p.dtype.dtype), name=name or "GatherNd",
                     type_name="GatherNd")


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None, seq_dim=None,  # noqa: A002
                     batch_dim=None):
    """Reverse the first ``seq_lengths[b]`` steps along ``seq_axis`` of each batch entry b (the rest stays)."""
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim if batch_dim is not None else 0)
    if seq_axis is None:
        raise ValueError("reverse_sequence: seq_axis is required")
    x = F.as_tensor(input)
    nd = x.ndim
    s_ax, b_ax = int(seq_axis) % nd, int(batch_axis) % nd
    perm = [b_ax, s_ax] + [i for i in builtins.range(nd) if i not in (b_ax, s_ax)]
    inverse = [perm.index(i) for i in builtins.range(nd)]
    xt = F.transpose(x, perm)                                     # (batch, time, ...)
    lengths = F.cast(F.as_tensor(seq_lengths, dtype=None if F.is_tensor(seq_lengths) else D.int64, graph=x.graph),
                     D.int64)

    def factory(lengths, shape):
        n, t = int(shape[0]), int(shape[1])
        lens = numpy.asarray(lengths).reshape(-1)
        pos = numpy.arange(t)[None, :]
        src = numpy.where(pos < lens[:, None], lens[:, None] - 1 - pos, pos)     # the step each output reads
        return _ps().GetItem((numpy.arange(n)[:, None], src))
    y = F.op_node(factory, (xt,), dyn={"lengths": lengths, "shape": F.shape(xt)}, static=Out(xt._dims, x.dtype.dtype),
                  name=name or "ReverseSequence", type_name="ReverseSequence")
    return F.transpose(y, inverse)


def reverse(tensor, axis, name=None):
    """``tensor`` reversed along the given axes."""
    t = F.as_tensor(tensor)
    axes = [axis] if isinstance(axis, int) else list(axis)
    idx = [builtins.slice(None)] * t.ndim
    for a in axes:
        idx[a % t.ndim] = builtins.slice(None, None, -1)
    return F.op_node(_ps().GetItem, (t,), args=(tuple(idx),), name=name or "ReverseV2", type_name="ReverseV2")


reverse_v2 = reverse


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """The block starting at ``begin`` with ``size`` (-1: to the end) in each dimension."""
    begin = [int(b) for b in (F.constant_value(begin) if F.is_tensor(begin) else begin)]
    size = [int(s) for s in (F.constant_value(size) if F.is_tensor(size) else size)]
    idx = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    out = F.op_node(_ps().GetItem, (F.as_tensor(input_),), args=(idx,), name=name or "Slice", type_name="Slice")
    if out._dims is not None and len(out._dims) >= len(size):  # TF: an explicit size is the static size
        out._dims = tuple(d if s == -1 else s for d, s in zip(out._dims, size)) + tuple(out._dims[len(size):])
    return out


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """input_[begin:end:strides] per dimension, with TF's bit masks."""
    n = len(begin)
    strides = strides or [1] * n
    idx = []
    for i in builtins.range(n):
        if ellipsis_mask & (1 << i):
            idx.append(Ellipsis)
        elif new_axis_mask & (1 << i):
            idx.append(None)
        elif shrink_axis_mask & (1 << i):
            idx.append(int(begin[i]))
        else:
            b = None if begin_mask & (1 << i) else int(begin[i])
            e = None if end_mask & (1 << i) else int(end[i])
            idx.append(builtins.slice(b, e, int(strides[i])))
    return F.op_node(_ps().GetItem, (F.as_tensor(input_),), args=(tuple(idx),), name=name or "StridedSlice",
                     type_name="StridedSlice")


def sequence_mask(lengths, maxlen=None, dtype=D.bool, name=None):
    """mask[i, j] = j < lengths[i]."""
    lengths = F.as_tensor(lengths)
    if maxlen is None:
        maxlen = F.reduce("max", lengths)
    r = F.range(0, maxlen, 1, dtype=lengths.dtype) if F.is_tensor(maxlen) else \
        F.constant(numpy.arange(int(maxlen)), dtype=lengths.dtype)
    mask = F.less(F.expand_dims(r, 0), F.expand_dims(lengths, -1))
    return mask if D.as_dtype(dtype) == D.bool else F.cast(mask, dtype, name=name)


def unique(x, out_idx=D.int32, name=None):
    """(unique values in first-seen order, index of each element into them)."""
    return tuple(F.op_node(K.Unique, (x,), name=name))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``input`` broadcast to ``shape``."""
    return F.broadcast_to(input, _static_shape(shape), name=name)


def meshgrid(*args, **kwargs):
    """Coordinate grids (constant inputs only)."""
    vals = [F.constant_value(a) if F.is_tensor(a) else numpy.asarray(a) for a in args]
    if any(v is None for v in vals):
        raise ValueError("meshgrid: inputs must be known when the graph is built")
    return [F.constant(g) for g in numpy.meshgrid(*vals, indexing=kwargs.get("indexing", "xy"))]
