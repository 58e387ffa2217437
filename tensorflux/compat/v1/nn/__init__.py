"""``tf.nn``: activations, convolution and pooling (NHWC, TF's 'SAME' arithmetic), losses, norms, RNNs.

Every function adds graph nodes running the ops of ``tensorflux.ops`` with TF 1.x's argument
names, order and defaults: ``dropout(x, keep_prob)`` (or ``rate=``), ``leaky_relu`` with
α = 0.2, ``conv2d(input, filter, strides=[1, s, s, 1], padding='SAME')`` with HWIO filters,
``softmax_cross_entropy_with_logits(labels=, logits=)`` giving one loss per example.
"""
from __future__ import annotations

import numpy

from ....graph import dtypes as D
from ....graph import functions as F
from ....graph import kernels as K
from ....graph.shapes import Out
from ....nn.functional.conv import resolve_padding
from ....ops import activation as A
from ....ops import conv as C
from ....ops import dropout as Drop
from ....ops import loss as L
from ....ops import norm as N
from ....ops import pool as P
from ..math_ops import sigmoid, tanh, softplus, softsign, l2_normalize, in_top_k, log_sigmoid
from . import rnn_cell
from .rnn import dynamic_rnn, bidirectional_dynamic_rnn, static_rnn, static_bidirectional_rnn, raw_rnn
from .sampled import (log_uniform_candidate_sampler, uniform_candidate_sampler, fixed_unigram_candidate_sampler,
                      nce_loss, sampled_softmax_loss)

__all__ = ["conv1d", "relu", "relu6", "elu", "selu", "leaky_relu", "crelu", "swish", "softplus", "softsign", "sigmoid",
           "tanh", "log_sigmoid", "softmax", "log_softmax", "dropout", "conv2d", "conv2d_transpose",
           "atrous_conv2d", "depthwise_conv2d", "max_pool", "avg_pool", "max_pool2d", "avg_pool2d", "bias_add",
           "xw_plus_b", "relu_layer", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits", "l2_loss", "moments",
           "batch_normalization", "fused_batch_norm", "embedding_lookup", "local_response_normalization",
           "lrn", "l2_normalize", "in_top_k", "top_k", "zero_fraction", "rnn_cell", "dynamic_rnn",
           "bidirectional_dynamic_rnn", "static_rnn", "static_bidirectional_rnn", "raw_rnn",
           "log_uniform_candidate_sampler", "uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
           "nce_loss", "sampled_softmax_loss"]


# ------------------------------------------------------------------------- activations
def relu(features, name=None):
    """max(x, 0)."""
    return F.unary(A.ReLU, features, name=name or "Relu")


def relu6(features, name=None):
    """min(max(x, 0), 6)."""
    return F.unary(A.ReLU6, features, name=name or "Relu6")


def elu(features, name=None):
    """x if x > 0 else eˣ − 1."""
    return F.unary(A.ELU, features, name=name or "Elu", args=(1.0,))


def selu(features, name=None):
    """Self-normalising ELU."""
    return F.unary(A.SELU, features, name=name or "Selu")


def leaky_relu(features, alpha=0.2, name=None):
    """x if x > 0 else α·x (TF's default α is 0.2)."""
    return F.unary(A.LeakyReLU, features, name=name or "LeakyRelu", args=(float(alpha),))


def crelu(features, name=None, axis=-1):
    """concat(relu(x), relu(−x)) along ``axis``."""
    x = F.as_tensor(features)
    return F.concat([relu(x), relu(F.neg(x))], axis, name=name or "CRelu")


def swish(features, name=None):
    """x·σ(x)."""
    x = F.as_tensor(features)
    return F.mul(x, sigmoid(x), name=name or "swish")


def _axis(axis, dim):
    if dim is not None:
        axis = dim
    return -1 if axis is None else int(axis)


def softmax(logits, axis=None, name=None, dim=None):
    """softmax along ``axis`` (last by default), stable for large logits."""
    return F.unary(A.Softmax, logits, name=name or "Softmax", args=(_axis(axis, dim),))


def log_softmax(logits, axis=None, name=None, dim=None):
    """log softmax along ``axis`` (last by default)."""
    return F.unary(A.LogSoftmax, logits, name=name or "LogSoftmax", args=(_axis(axis, dim),))


# ------------------------------------------------------------------------- dropout
def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Inverted dropout: keep each unit with probability keep_prob (or 1 − rate) and scale by 1/keep_prob.

    ``keep_prob`` may be a tensor fed at run time (1.0 at test time), as in TF 1.x code.
    """
    if keep_prob is not None and rate is not None:
        raise ValueError("dropout: give keep_prob or rate, not both")
    if keep_prob is None and rate is None:
        raise ValueError("dropout: keep_prob (or rate) is required")
    x = F.as_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"dropout: x must be a floating tensor, got {x.dtype.name}")
    drop = rate if keep_prob is None else None
    kp = keep_prob
    ns = None
    if noise_shape is not None:
        ns = noise_shape if not F.is_tensor(noise_shape) else F.constant_value(noise_shape)
        ns = tuple(int(n) for n in ns)
    name = name or "dropout"
    value = kp if drop is None else drop
    if F.is_tensor(value):
        known = F.constant_value(value)
        if known is None:
            v = F.cast(F.as_tensor(value), D.float64)
            p_t = F.sub(F.constant(1.0, dtype=D.float64), v) if drop is None else v
            return F.op_node(Drop.Dropout, (x,), kwargs={"noise_shape": ns}, dyn={"p": p_t},
                             static=Out(x._dims, x.dtype.dtype), name=name, type_name="Dropout")
        value = float(known)
    p = 1.0 - float(value) if drop is None else float(value)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout: keep_prob must be in (0, 1] (rate in [0, 1)), got "
                         f"{'keep_prob' if drop is None else 'rate'}={value}")
    if p == 0.0:
        return F.identity(x, name=name)
    return F.op_node(Drop.Dropout, (x,), args=(p, ns), name=name, type_name="Dropout")


# ------------------------------------------------------------------------- convolution and pooling
def _hw(value, what, name):
    """TF's [1, h, w, 1] / [h, w] / int -> (h, w)."""
    if isinstance(value, int):
        return (value, value)
    v = [int(a) for a in value]
    if len(v) == 4:
        if v[0] != 1 or v[3] != 1:
            raise ValueError(f"{name}: {what} {v} must be 1 on the batch and channel axes (NHWC)")
        return (v[1], v[2])
    if len(v) == 2:
        return tuple(v)
    if len(v) == 1:
        return (v[0], v[0])
    raise ValueError(f"{name}: {what} must have 1, 2 or 4 entries, got {v}")


def _padding(name, padding, kernel, stride, dilation, in_hw):
    """((top, bottom), (left, right)) for 'SAME' / 'VALID' / explicit [[0,0],[t,b],[l,r],[0,0]]."""
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise ValueError(f"{name}: padding must be 'SAME' or 'VALID', got {padding!r}")
        if padding.upper() == "VALID":
            return ((0, 0), (0, 0))
        return resolve_padding(name, "same", kernel, stride, dilation, in_hw, tf_style=True)
    pads = [tuple(int(v) for v in p) for p in padding]
    if len(pads) != 4 or pads[0] != (0, 0) or pads[3] != (0, 0):
        raise ValueError(f"{name}: explicit padding must be [[0, 0], [top, bottom], [left, right], [0, 0]], "
                         f"got {padding!r}")
    return (pads[1], pads[2])


def _conv_node(name, x, w, strides, padding, dilations, data_format, type_name="Conv2D"):
    x, w = F._pair(name, x, w)
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{name}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    if data_format == "NCHW":  # run as NHWC between two transposes (TF's NCHW is a GPU layout)
        y = _conv_node(name, F.transpose(x, (0, 2, 3, 1)), w, _nchw_to_nhwc(strides), padding,
                       _nchw_to_nhwc(dilations), "NHWC", type_name)
        return F.transpose(y, (0, 3, 1, 2))
    stride = _hw(strides, "strides", name)
    dilation = _hw(dilations if dilations is not None else 1, "dilations", name)
    if w._dims is None or len(w._dims) != 4 or None in w._dims[:2]:
        raise ValueError(f"{name}: the filter must be 4-D (height, width, in, out) with a static size, "
                         f"got {w.shape}")
    if x._dims is not None and len(x._dims) != 4:
        raise ValueError(f"{name}: input must be 4-D NHWC, got shape {x.shape}")
    kernel = w._dims[:2]
    c, cg = (None if x._dims is None else x._dims[3]), w._dims[2]
    if c is not None and cg is not None and (cg == 0 or c % cg):
        raise ValueError(f"{name}: the input has {c} channels (shape {x.shape}) but the filter of shape {w.shape} "
                         f"(height, width, in_channels, out_channels) expects {cg}")
    groups = 1 if c is None or cg is None or cg == 0 else c // cg

    d = x._dims
    if d is not None and None not in (d[1], d[2]) or not (isinstance(padding, str) and padding.upper() == "SAME"):
        pads = _padding(name, padding, kernel, stride, dilation, None if d is None else (d[1], d[2]))
        return F.op_node(C.Conv2d, (x, w), args=(stride, pads, dilation, groups, "NHWC"), name=name,
                         type_name=type_name)

    def factory(in_shape):
        pads = _padding(name, padding, kernel, stride, dilation, (int(in_shape[1]), int(in_shape[2])))
        return C.Conv2d(stride, pads, dilation, groups, "NHWC")
    static = Out((None if d is None else d[0], None, None, w._dims[3]), x.dtype.dtype)
    return F.op_node(factory, (x, w), dyn={"in_shape": F.shape(x)}, static=static, name=name, type_name=type_name)


def _nchw_to_nhwc(v):
    if v is None or isinstance(v, int):
        return v
    v = list(v)
    return [v[0], v[2], v[3], v[1]] if len(v) == 4 else v


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format="NHWC",  # noqa: A002
           dilations=None, name=None, filters=None):
    """2-D cross-correlation of an NHWC input with HWIO filters; strides [1, sh, sw, 1]; 'SAME'/'VALID'."""
    if filter is None:
        filter = filters
    if filter is None or strides is None or padding is None:
        raise TypeError("conv2d: input, filter, strides and padding are required")
    return _conv_node(name or "Conv2D", input, filter, strides, padding, dilations, data_format)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None, data_format=None,
           name=None, input=None, dilations=None):  # noqa: A002
    """1-D convolution of (N, W, C) with filters (k, C, out), as TF computes it: a conv2d over a height of 1."""
    value = value if value is not None else input
    if value is None or filters is None or stride is None or padding is None:
        raise TypeError("conv1d: value, filters, stride and padding are required")
    if data_format not in (None, "NWC", "NHWC"):
        raise ValueError(f"conv1d: only the NWC layout is supported, got data_format={data_format!r}")
    s = stride if isinstance(stride, int) else int(list(stride)[-2 if len(list(stride)) == 3 else 0])
    d = 1 if dilations is None else (dilations if isinstance(dilations, int) else int(list(dilations)[-2]))
    g = F.as_tensor(value).graph
    with g.as_default(), g.name_scope(name or "conv1d"):
        x = F.expand_dims(F.as_tensor(value), 1)                                  # (N, 1, W, C)
        w = F.expand_dims(F.as_tensor(filters), 0)                                # (1, k, C, out)
        y = _conv_node("Conv2D", x, w, [1, 1, s, 1], padding, [1, 1, d, 1], "NHWC")
        return F.squeeze(y, [1])


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Dilated ('atrous') convolution with stride 1."""
    return conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, rate, rate, 1], name=name or "atrous_conv2d")


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None, data_format=None,  # noqa: A002
                     dilations=None):
    """Per-channel convolution: filter (kh, kw, C, M) gives C·M output channels (a grouped conv)."""
    x, w = F._pair("depthwise_conv2d", input, filter)
    kh, kw, c, m = w.shape.as_list()
    # TF's output channel c·M + j comes from input channel c: group c of a grouped conv, filter (kh, kw, 1, C·M)
    w_g = F.reshape(w, [kh, kw, 1, c * m])
    dil = dilations if dilations is not None else ([1, rate[0], rate[1], 1] if rate is not None else None)
    return _conv_node(name or "depthwise", x, w_g, strides, padding, dil, data_format or "NHWC", "DepthwiseConv2dNative")


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",  # noqa: A002
                     data_format="NHWC", name=None, input=None, filters=None, dilations=None):
    """The gradient of conv2d as a layer: filter (kh, kw, C_out, C_in), explicit ``output_shape``."""
    value = value if value is not None else input
    filter = filter if filter is not None else filters
    name = name or "conv2d_transpose"
    x, w = F._pair(name, value, filter)
    if data_format != "NHWC":
        raise ValueError(f"{name}: only NHWC is supported, got {data_format!r}")
    dims = F.partial_shape_value(F.as_tensor(output_shape, dtype=None if F.is_tensor(output_shape) else D.int32)) \
        if not isinstance(output_shape, (list, tuple)) or F._holds_tensor(output_shape) else \
        tuple(int(s) for s in output_shape)
    if dims is None or len(dims) != 4 or dims[1] is None or dims[2] is None:
        raise ValueError(f"{name}: output_shape must give the output's height and width when the graph is "
                         f"built, got {output_shape!r}")
    kernel = tuple(w.shape.as_list()[:2])
    stride = _hw(strides, "strides", name)
    dilation = _hw(dilations if dilations is not None else 1, "dilations", name)
    pads = _padding(name, padding, kernel, stride, dilation, (dims[1], dims[2]))
    if x._dims is not None and x._dims[1] is not None:
        expect = tuple(C.conv_output_size(n, k, s, p[0], p[1], d) for n, k, s, p, d in
                       zip(dims[1:3], kernel, stride, pads, dilation))
        if expect != tuple(x._dims[1:3]):
            raise ValueError(f"{name}: a {padding!r} convolution with strides {list(stride)} maps output_shape "
                             f"{list(dims)} to spatial size {expect}, but the input has shape {x.shape}")
    return F.op_node(C.ConvTranspose2d, (x, w), args=(stride, pads, dilation, 1, (dims[1], dims[2]), "NHWC"),
                     name=name, type_name="Conv2DBackpropInput")


def _pool(kind, value, ksize, strides, padding, data_format, name):
    x = F.as_tensor(value)
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{kind}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    if data_format == "NCHW":
        y = _pool(kind, F.transpose(x, (0, 2, 3, 1)), _nchw_to_nhwc(ksize), _nchw_to_nhwc(strides), padding,
                  "NHWC", name)
        return F.transpose(y, (0, 3, 1, 2))
    kernel = _hw(ksize, "ksize", kind)
    stride = _hw(strides, "strides", kind)
    cls = P.MaxPool2d if kind == "max_pool" else P.AvgPool2d
    extra = {} if cls is P.MaxPool2d else {"count_include_pad": False}  # TF's 'SAME' averages real elements
    if cls is P.MaxPool2d and _is_relu(x):
        # max_pool(relu(h)) as one node on h: the ReLU runs on the pooled array (they commute). The relu
        # node stays in the graph; plans skip it unless something else reads it.
        x, extra = x.op.inputs[0], {"relu": True}
    type_name = "MaxPool" if cls is P.MaxPool2d else "AvgPool"
    d = x._dims
    if d is not None and None not in (d[1], d[2]) or str(padding).upper() != "SAME":
        pads = _padding(kind, padding, kernel, stride, (1, 1), None if d is None else (d[1], d[2]))
        return F.op_node(cls, (x,), args=(kernel, stride, pads), kwargs=dict(extra, data_format="NHWC"),
                         name=name or type_name, type_name=type_name)

    def factory(in_shape):
        pads = _padding(kind, padding, kernel, stride, (1, 1), (int(in_shape[1]), int(in_shape[2])))
        return cls(kernel, stride, pads, data_format="NHWC", **extra)
    static = Out((None if d is None else d[0], None, None, None if d is None else d[3]), x.dtype.dtype)
    return F.op_node(factory, (x,), dyn={"in_shape": F.shape(x)}, static=static, name=name or type_name,
                     type_name=type_name)


def _is_relu(t):
    """True when graph tensor t is the output of a plain tf.nn.relu node."""
    op = t.op
    return op.kind == "op" and op.attrs.get("cls") is A.ReLU and not op.attrs.get("dyn")


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """Max over ksize windows ([1, h, w, 1]) with strides; 'SAME' / 'VALID' (NHWC)."""
    return _pool("max_pool", value if value is not None else input, ksize, strides, padding, data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """Mean over windows; 'SAME' divides by the number of real (unpadded) elements, as TF does."""
    return _pool("avg_pool", value if value is not None else input, ksize, strides, padding, data_format, name)


max_pool2d, avg_pool2d = max_pool, avg_pool


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis (last for NHWC)."""
    x, b = F._pair("bias_add", value, bias)
    if b.ndim is not None and b.ndim != 1:
        raise ValueError(f"bias_add: bias must be 1-D, got shape {b.shape}")
    if x._dims is not None and b._dims is not None and x._dims[-1] is not None and b._dims[0] is not None and \
            data_format != "NCHW" and x._dims[-1] != b._dims[0]:
        raise ValueError(f"bias_add: the bias has {b._dims[0]} entries but the input's last dimension is "
                         f"{x._dims[-1]} (shapes {x.shape} and {b.shape})")
    if data_format == "NCHW":
        b = F.reshape(b, [-1] + [1] * (x.ndim - 2))
        return F.add(x, b, name=name or "BiasAdd")
    return F.add(x, b, name=name or "BiasAdd")   # conv2d(...) or matmul(...) + b: one fused node


def xw_plus_b(x, weights, biases, name=None):
    """x @ weights + biases."""
    return bias_add(F.matmul(x, weights), biases, name=name or "xw_plus_b")


def relu_layer(x, weights, biases, name=None):
    """relu(x @ weights + biases)."""
    return relu(xw_plus_b(x, weights, biases), name=name or "relu_layer")


# ------------------------------------------------------------------------- losses
def _named_only(fn_name, sentinel):
    if sentinel is not None:
        raise ValueError(f"Only call `{fn_name}` with named arguments (labels=..., logits=..., ...)")


def _class_axis_first(logits, labels, axis):
    """Move the class axis to position 1 (the op's layout) for logits of rank > 2."""
    nd = logits.ndim
    ax = axis % nd
    if nd <= 2 and ax == nd - 1:
        return logits, labels
    perm = [0, ax] + [i for i in range(1, nd) if i != ax] if ax != 0 else None
    if perm is None:
        raise ValueError("softmax_cross_entropy_with_logits: the class axis cannot be the batch axis")
    return F.transpose(logits, perm), (None if labels is None else F.transpose(labels, perm))


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
    """−Σ labels·log softmax(logits) per example (labels are class probabilities; they get a gradient)."""
    _named_only("softmax_cross_entropy_with_logits_v2", _sentinel)
    if labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits: labels and logits are required")
    logits_t, labels_t = F._pair("softmax_cross_entropy_with_logits", logits, labels)
    if logits_t._dims is not None and labels_t._dims is not None and not logits_t.shape.is_compatible_with(
            labels_t._dims):
        raise ValueError(f"softmax_cross_entropy_with_logits: logits and labels must have the same shape, got "
                         f"logits {logits_t.shape} and labels {labels_t.shape}")
    ax = axis if axis is not None else dim
    if logits_t.ndim is None:
        return _unknown_rank_xent("softmax_cross_entropy_with_logits", logits_t, labels_t, ax, sparse=False,
                                  name=name or "softmax_cross_entropy")
    lg, lb = _class_axis_first(logits_t, labels_t, ax)
    return F.op_node(L.CrossEntropy, (lg, lb), kwargs={"reduction": "none"}, name=name or "softmax_cross_entropy",
                     type_name="SoftmaxCrossEntropyWithLogits")


def _unknown_rank_xent(fn_name, logits, labels, axis, sparse, name):
    """Logits of unknown rank, as TF does it: flatten the outer dims at run time to [-1, classes],
    take the per-row loss, and reshape it to the logits' shape minus the class axis."""
    from .. import array_ops as AO
    if axis != -1:
        raise ValueError(f"{fn_name}: logits of unknown rank need the class axis to be -1, got axis={axis}")
    lg_shape = AO.shape(logits)
    lg = AO.reshape(logits, AO.stack([-1, lg_shape[-1]]))
    lb = AO.reshape(labels, [-1] if sparse else AO.stack([-1, AO.shape(labels)[-1]]))
    cost = F.op_node(L.CrossEntropy, (lg, lb), kwargs={"reduction": "none"}, name=name,
                     type_name="SparseSoftmaxCrossEntropyWithLogits" if sparse else "SoftmaxCrossEntropyWithLogits")
    return AO.reshape(cost, lg_shape[:-1])


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
    """TF 1.x's version: like ``_v2`` but no gradient flows into ``labels``."""
    _named_only("softmax_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits: labels and logits are required")
    logits_t = F.as_tensor(logits)
    labels_t = F.stop_gradient(F.as_tensor(labels, dtype=None if F.is_tensor(labels) else logits_t.dtype))
    return softmax_cross_entropy_with_logits_v2(labels=labels_t, logits=logits_t, dim=dim, name=name, axis=axis)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """−log softmax(logits)[label] per example (labels are class indices)."""
    _named_only("sparse_softmax_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: labels and logits are required")
    lg = F.as_tensor(logits)
    lb = F.as_tensor(labels, dtype=None if F.is_tensor(labels) else D.int64)
    if not lb.dtype.is_integer:
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be integers, got {lb.dtype.name}")
    if lg._dims is not None and lb._dims is not None and (len(lb._dims) != len(lg._dims) - 1):
        raise ValueError(f"Rank mismatch: Rank of labels (received {len(lb._dims)}) should equal rank of logits "
                         f"minus 1 (received {len(lg._dims)}).")
    if lg.ndim is None:
        return _unknown_rank_xent("sparse_softmax_cross_entropy_with_logits", lg, lb, -1, sparse=True,
                                  name=name or "SparseSoftmaxCrossEntropyWithLogits")
    if lg.ndim > 2:
        lg = F.transpose(lg, [0, lg.ndim - 1] + list(range(1, lg.ndim - 1)))
    return F.op_node(L.CrossEntropy, (lg, lb), kwargs={"reduction": "none"},
                     name=name or "SparseSoftmaxCrossEntropyWithLogits",
                     type_name="SparseSoftmaxCrossEntropyWithLogits")


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) − x·z + log(1 + e^−|x|) element-wise (stable)."""
    _named_only("sigmoid_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: labels and logits are required")
    lg, lb = F._pair("sigmoid_cross_entropy_with_logits", logits, labels)
    return F.op_node(L.BCEWithLogits, (lg, lb), name=name or "logistic_loss", type_name="SigmoidCrossEntropy")


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None, targets=None):
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight``."""
    labels = labels if labels is not None else targets
    lg, lb = F._pair("weighted_cross_entropy_with_logits", logits, labels)
    pw = F.as_tensor(pos_weight, dtype=None if F.is_tensor(pos_weight) else lg.dtype)
    return F.op_node(L.BCEWithLogits, (lg, lb, pw), name=name or "logistic_loss", type_name="WeightedCrossEntropy")


def l2_loss(t, name=None):
    """Σ t² / 2."""
    t = F.as_tensor(t)
    return F.mul(F.reduce("sum", F.square(t)), F.constant(0.5, dtype=t.dtype), name=name or "L2Loss")


# ------------------------------------------------------------------------- normalization
def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) over ``axes`` (population variance, as TF)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    x = F.as_tensor(x)
    axes = [int(a) for a in axes]
    mean = F.reduce("mean", x, axes, keep, name=(name + "/mean") if name else None)
    var = F.reduce("var", x, axes, keep, name=(name + "/variance") if name else None)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x − mean)·scale/√(variance + ε) + offset, every argument broadcasting (TF's formula)."""
    x = F.as_tensor(x)
    inv = F.truediv(F.constant(1.0, dtype=x.dtype), F.sqrt(F.add(variance, variance_epsilon)))
    if scale is not None:
        inv = F.mul(inv, scale)
    shift = F.neg(F.mul(mean, inv)) if offset is None else F.sub(offset, F.mul(mean, inv))
    return F.add(F.mul(x, inv), shift, name=name or "batchnorm")


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001, data_format="NHWC",
                     is_training=True, name=None):
    """(y, mean, variance) with the channel axis last (NHWC) or second (NCHW), as TF's fused kernel.

    Training: y is normalized with the batch mean and biased variance, and the variance returned is
    the unbiased σ²·m/max(m − 1, 1) (m values per channel) that TF's kernel returns for moving
    averages; one value per channel gives y = offset. ε is raised to TF's minimum of 1.001e-5.
    """
    x = F.as_tensor(x)
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"fused_batch_norm: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    if is_training and (mean is not None or variance is not None):
        raise ValueError("fused_batch_norm: both 'mean' and 'variance' must be None if is_training is True.")
    if not is_training and (mean is None or variance is None):
        raise ValueError("fused_batch_norm: 'mean' and 'variance' are required when is_training is False")
    epsilon = max(float(epsilon), 1.001e-5)  # TF's (cuDNN's) minimum
    axes = [0, 1, 2] if data_format == "NHWC" else [0, 2, 3]
    if is_training:
        mean, variance = moments(x, axes)
    if data_format != "NHWC":
        shape = [1, -1, 1, 1]
        y = batch_normalization(x, F.reshape(mean, shape), F.reshape(variance, shape), F.reshape(offset, shape),
                                F.reshape(scale, shape), epsilon, name=name)
    else:
        y = batch_normalization(x, mean, variance, offset, scale, epsilon, name=name)
    if is_training:  # Bessel's correction, as the kernel applies it: m / max(m − 1, 1)
        d = x._dims
        if d is not None and all(d[a] is not None for a in axes):
            m = 1
            for a in axes:
                m *= d[a]
            variance = F.mul(variance, F.constant(m / max(m - 1, 1), dtype=variance.dtype))
        else:
            m = F.cast(F.truediv(F.size(x), F.size(mean)), variance.dtype)
            one = F.constant(1.0, dtype=variance.dtype)
            variance = F.mul(variance, F.truediv(m, F.maximum(F.sub(m, one), one)))
    return y, mean, variance


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):  # noqa: A002
    """b = a / (bias + α·Σ_{|c'−c| ≤ r} a_{c'}²)^β across channels (last axis)."""
    return F.op_node(N.LocalResponseNorm, (F.as_tensor(input),),
                     args=(int(depth_radius), int(depth_radius), float(alpha), float(beta), float(bias), -1),
                     name=name or "LRN", type_name="LRN")


lrn = local_response_normalization


# ------------------------------------------------------------------------- lookup and misc
def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None):
    """Rows of ``params`` at ``ids`` (any shape); the gradient scatters back into the rows."""
    if isinstance(params, (list, tuple)):
        if len(params) == 1:
            params = params[0]
        elif partition_strategy == "div":
            params = F.concat(list(params), 0)
        else:
            raise NotImplementedError("embedding_lookup: several shards with the 'mod' strategy are not supported")
    p = F.as_tensor(params)
    idx = F.as_tensor(ids, dtype=None if F.is_tensor(ids) else D.int64)
    out = F.gather(p, idx, name=name or "embedding_lookup")
    if max_norm is not None:
        out = l2_normalize(out, axis=-1)
        out = F.mul(out, max_norm)
    return out


class _TopK(K._Kernel):
    """The k largest entries of the last axis and their indices (no gradient)."""

    def __init__(self, k):
        self.k = int(k)

    def forward(self, x):
        idx = numpy.argsort(-x, axis=-1, kind="stable")[..., :self.k]
        return numpy.take_along_axis(x, idx, axis=-1), idx.astype(numpy.int32)

    def infer_static(self, dims, dtypes):
        d = None if dims[0] is None else tuple(dims[0][:-1]) + (self.k,)
        return [Out(d, dtypes[0]), Out(d, numpy.dtype(numpy.int32))]


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """(values, indices) of the k largest entries along the last axis."""
    return tuple(F.op_node(_TopK, (F.as_tensor(input),), args=(int(k),), name=name or "TopKV2"))


def zero_fraction(value, name=None):
    """The fraction of entries equal to zero."""
    v = F.as_tensor(value)
    return F.reduce("mean", F.cast(F.equal(v, F.constant(0, dtype=v.dtype)), D.float32), name=name or "zero_fraction")
