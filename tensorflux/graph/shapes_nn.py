"""Static shape rules of the layer op families: convolution, pooling, norms, losses, recurrent ops.

The arithmetic is the ops' own (``conv_output_size``, ``pool_output_size``); unknown input
dimensions give unknown output dimensions. Families another module does not ship are skipped.
"""
from __future__ import annotations

from ..ops import OpError
from .shapes import Out, _fail, rule

__all__ = []


def _known(*ds):
    return all(d is not None for d in ds)


try:
    from ..ops.conv import Conv2d, ConvTranspose2d, conv_output_size
except ImportError:  # pragma: no cover - family not shipped
    Conv2d = None

if Conv2d is not None:
    @rule(Conv2d)
    def _conv(op, dims, dtypes):
        x, w = dims[0], dims[1]
        dt = dtypes[0]
        if x is None or w is None:
            return Out(None, dt)
        if len(x) != 4 or len(w) != 4:
            _fail("conv2d", "input and filter must be 4-D", x, w)
        nhwc = op.data_format == "NHWC"
        n, h, wd, c = x if nhwc else (x[0], x[2], x[3], x[1])
        kh, kw, cg, o = w if nhwc else (w[2], w[3], w[1], w[0])
        if _known(c, cg) and cg * op.groups != c:
            _fail("conv2d", f"the input has {c} channels but the filter expects {cg * op.groups}", x, w)
        out = []
        for size, k, s, p, d in zip((h, wd), (kh, kw), op.stride, op.padding, op.dilation):
            if not _known(size, k):
                out.append(None)
                continue
            m = conv_output_size(size, k, s, p[0], p[1], d)
            if m <= 0:
                _fail("conv2d", f"the output would be empty (the filter {k} is larger than the padded input)", x, w)
            out.append(m)
        return Out((n, out[0], out[1], o) if nhwc else (n, o, out[0], out[1]), dt)

    @rule(ConvTranspose2d)
    def _conv_t(op, dims, dtypes):
        x, w = dims[0], dims[1]
        dt = dtypes[0]
        if x is None or w is None:
            return Out(None, dt)
        nhwc = op.data_format == "NHWC"
        n, h, wd, c = x if nhwc else (x[0], x[2], x[3], x[1])
        kh, kw, cg, o = w if nhwc else (w[2], w[3], w[1], w[0])
        if _known(c, o) and c != o:
            _fail("conv2d_transpose", f"the input has {c} channels but the filter expects {o}", x, w)
        if op.output_size is not None:
            hw = op.output_size
        else:
            hw = tuple(None if not _known(size, k) else (size - 1) * s - p[0] - p[1] + d * (k - 1) + 1
                       for size, k, s, p, d in zip((h, wd), (kh, kw), op.stride, op.padding, op.dilation))
        co = None if cg is None else cg * op.groups
        return Out((n, hw[0], hw[1], co) if nhwc else (n, co, hw[0], hw[1]), dt)


try:
    from ..ops.pool import MaxPool2d, AvgPool2d, pool_output_size
except ImportError:  # pragma: no cover
    MaxPool2d = None

if MaxPool2d is not None:
    @rule(MaxPool2d, AvgPool2d)
    def _pool(op, dims, dtypes):
        x = dims[0]
        dt = dtypes[0]
        if x is None:
            return Out(None, dt)
        if len(x) != 4:
            _fail(op.op_name, "input must be 4-D", x)
        nhwc = op.data_format == "NHWC"
        n, h, wd, c = x if nhwc else (x[0], x[2], x[3], x[1])
        out = []
        for size, k, s, p in zip((h, wd), op.kernel, op.stride, op.padding):
            if size is None:
                out.append(None)
                continue
            m = pool_output_size(size, k, s, p[0], p[1], op.ceil_mode)
            if m <= 0:
                _fail(op.op_name, f"the output would be empty (window {k} larger than the input)", x)
            out.append(m)
        return Out((n, out[0], out[1], c) if nhwc else (n, c, out[0], out[1]), dt)


def _same_as_input(op, dims, dtypes):
    return Out(dims[0], dtypes[0])


try:
    from ..ops import norm as _norm
    rule(*[c for c in (getattr(_norm, n, None) for n in ("BatchNorm", "BatchNormInference", "LayerNorm",
                                                           "LocalResponseNorm")) if c is not None])(_same_as_input)
except ImportError:  # pragma: no cover
    pass

try:
    from ..ops.dropout import Dropout
    rule(Dropout)(_same_as_input)
except ImportError:  # pragma: no cover
    pass

try:
    from ..ops.embedding import Embedding

    @rule(Embedding)
    def _embedding(op, dims, dtypes):
        idx, w = dims
        if idx is None or w is None:
            return Out(None, dtypes[1])
        if len(w) != 2:
            _fail("embedding", "the weight must be 2-D (num_embeddings, embedding_dim)", idx, w)
        if dtypes[0].kind not in "iu":
            raise OpError(f"embedding: indices must be integers, got {dtypes[0]}")
        return Out(tuple(idx) + (w[1],), dtypes[1])
except ImportError:  # pragma: no cover
    pass

try:
    from ..ops import loss as _loss

    @rule(_loss.CrossEntropy)
    def _cross_entropy(op, dims, dtypes):
        x = dims[0]
        if op.reduction != "none":
            return Out((), dtypes[0])
        if x is None:
            return Out(None, dtypes[0])
        return Out(tuple(d for i, d in enumerate(x) if i != (0 if len(x) == 1 else 1)), dtypes[0])

    @rule(_loss.BCEWithLogits, _loss.BinaryCrossEntropy)
    def _bce(op, dims, dtypes):
        x, z = dims[0], dims[1]
        if x is not None and z is not None and len(x) == len(z) and any(
                a is not None and b is not None and a != b for a, b in zip(x, z)):
            _fail("sigmoid_cross_entropy", "labels and logits must have the same shape", x, z)
        return Out(x if x is not None else z, dtypes[0])
except ImportError:  # pragma: no cover
    pass

try:
    from ..ops import recurrent as _rec

    def _hidden_from_w_hh(dims):   # w_hh (G·H, H)
        return None if dims[2] is None else dims[2][1]

    def _hidden_from_kernel(dims):  # TF's kernel (I + H, 4H)
        return None if dims[1] is None or dims[1][1] is None else dims[1][1] // 4

    def _sequence(op, dims, dtypes, n_states, hidden=_hidden_from_w_hh):
        """(T, N, H) output and n_states (N, H) states; ``hidden`` reads H from the weights' shapes."""
        x = dims[0]
        dt = dtypes[0]
        t = n = h = None
        if x is not None:
            if len(x) != 3:
                _fail(op.label if hasattr(op, "label") else "rnn", "expected an input of shape (T, N, input_size)", x)
            t, n = x[0], x[1]
        h = hidden(dims)
        return [Out((t, n, h), dt)] + [Out((n, h), dt)] * n_states

    rule(_rec.RNNSequence, _rec.GRUSequence)(lambda op, dims, dtypes: _sequence(op, dims, dtypes, 1))
    rule(_rec.LSTMSequence)(lambda op, dims, dtypes: _sequence(op, dims, dtypes, 2))

    rule(_rec.LSTMKernelSequence)(
        lambda op, dims, dtypes: _sequence(op, dims, dtypes, 2, hidden=_hidden_from_kernel))
except ImportError:  # pragma: no cover
    pass

try:
    from ..ops.resample import Resample2d

    @rule(Resample2d)
    def _resample(op, dims, dtypes):
        x = dims[0]
        if x is None:
            return Out(None, dtypes[0])
        return Out((x[0], x[1], op.r_h.shape[0], op.r_w.shape[0]), dtypes[0])
except ImportError:  # pragma: no cover
    pass
