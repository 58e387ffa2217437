"""``tf.layers``: dense, conv2d, conv2d_transpose, pooling, dropout, batch_normalization, flatten.

Each call opens a variable scope named ``name`` (default: the layer's kind, made unique —
``dense``, ``dense_1`` ...) holding TF's variables (``kernel``, ``bias``; batch norm's
``gamma``, ``beta``, ``moving_mean``, ``moving_variance``). ``training`` may be a Python bool
or a bool tensor fed at run time. Batch normalization adds its moving-average updates to
``tf.GraphKeys.UPDATE_OPS``; as in TF, run them, e.g. with
``tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``.
"""
from __future__ import annotations

import math

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.shapes import Out
from ...graph.variables import assign_sub
from ...ops import norm as N
from . import initializers as init
from . import nn
from .control_flow import cond
from .variable_scope import get_variable, variable_scope

__all__ = ["dense", "conv1d", "max_pooling1d", "average_pooling1d", "conv2d", "conv2d_transpose", "max_pooling2d",
           "average_pooling2d", "dropout",
           "batch_normalization", "flatten", "Dense", "Conv2D", "Conv2DTranspose", "MaxPooling2D",
           "AveragePooling2D", "Dropout", "BatchNormalization", "Flatten", "Layer"]


def _pair(v, what):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(a) for a in v)
    if len(v) != 2:
        raise ValueError(f"{what} must be an int or a pair, got {v}")
    return v


def _padding(padding):
    p = str(padding).lower()
    if p not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return p.upper()


def _channels_last(data_format):
    if data_format not in ("channels_last", "channels_first", None):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return data_format != "channels_first"


def _regularize(var, regularizer):
    if regularizer is not None:
        loss = regularizer(var)
        if loss is not None:
            core.get_default_graph().add_to_collection(core.GraphKeys.REGULARIZATION_LOSSES, loss)


def _activate(y, activation):
    return activation(y) if activation is not None else y


def _bias_and_activate(y, n, use_bias, initializer, regularizer, trainable, activation, data_format=None):
    """The common tail of the dense/conv layers: + a 'bias' variable of n entries (when use_bias), then the activation."""
    if use_bias:
        bias = get_variable("bias", [n], dtype=y.dtype, initializer=initializer, trainable=trainable)
        _regularize(bias, regularizer)
        y = nn.bias_add(y, bias, data_format=data_format)
    return _activate(y, activation)


# ------------------------------------------------------------------------- functional layers
def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
          reuse=None):
    """activation(inputs @ kernel + bias); kernel (in, units) in variable scope ``name`` (default 'dense')."""
    with variable_scope(name, default_name="dense", reuse=reuse):
        return _dense_here(inputs, units, activation, use_bias, kernel_initializer, bias_initializer,
                           kernel_regularizer, bias_regularizer, trainable)


def _dense_here(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
                bias_initializer=init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                trainable=True, **_unused):
    """The dense layer's variables and ops in the current variable scope."""
    x = F.as_tensor(inputs)
    depth = x.shape[-1].value if x.ndim else None
    if depth is None:
        raise ValueError(f"The last dimension of the inputs to `Dense` should be defined. Found `None` "
                         f"(inputs '{x.name}' of shape {x.shape}).")
    kernel = get_variable("kernel", [depth, int(units)], dtype=x.dtype, initializer=kernel_initializer,
                          trainable=trainable)
    _regularize(kernel, kernel_regularizer)
    y = F.matmul(x, kernel, name="MatMul" if x.ndim == 2 else "Tensordot")
    return _bias_and_activate(y, int(units), use_bias, bias_initializer, bias_regularizer, trainable, activation)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """2-D convolution layer: kernel (kh, kw, in, filters), 'valid'/'same' padding, NHWC by default."""
    with variable_scope(name, default_name="conv2d", reuse=reuse):
        return _conv2d_here(inputs, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                            use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                            trainable)


def _conv2d_here(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                 trainable=True, **_unused):
    x = F.as_tensor(inputs)
    last = _channels_last(data_format)
    depth = (x.shape[-1] if last else x.shape[1]).value
    if depth is None:
        raise ValueError(f"conv2d: the channel dimension of the inputs must be defined, got {x.shape}")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(strides, "strides")
    dh, dw = _pair(dilation_rate, "dilation_rate")
    kernel = get_variable("kernel", [kh, kw, depth, int(filters)], dtype=x.dtype, initializer=kernel_initializer,
                          trainable=trainable)
    _regularize(kernel, kernel_regularizer)
    fmt = "NHWC" if last else "NCHW"
    y = nn.conv2d(x, kernel, [1, sh, sw, 1] if last else [1, 1, sh, sw], _padding(padding), data_format=fmt,
                  dilations=[1, dh, dw, 1] if last else [1, 1, dh, dw], name="Conv2D")
    return _bias_and_activate(y, int(filters), use_bias, bias_initializer, bias_regularizer, trainable, activation,
                              data_format=fmt)


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid", data_format="channels_last", dilation_rate=1,
           activation=None, use_bias=True, kernel_initializer=None, bias_initializer=init.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """1-D convolution layer over (N, W, C): kernel (k, in, filters), 'valid'/'same' padding."""
    if not _channels_last(data_format):
        raise NotImplementedError("conv1d: only channels_last is supported")
    with variable_scope(name, default_name="conv1d", reuse=reuse):
        x = F.as_tensor(inputs)
        depth = x.shape[-1].value
        if depth is None:
            raise ValueError(f"conv1d: the channel dimension of the inputs must be defined, got {x.shape}")
        k = _one(kernel_size, "kernel_size")
        kernel = get_variable("kernel", [k, depth, int(filters)], dtype=x.dtype, initializer=kernel_initializer,
                              trainable=trainable)
        _regularize(kernel, kernel_regularizer)
        y = nn.conv1d(x, kernel, _one(strides, "strides"), _padding(padding), dilations=_one(dilation_rate, "d"))
        return _bias_and_activate(y, int(filters), use_bias, bias_initializer, bias_regularizer, trainable,
                                  activation)


def _one(v, what):
    v = list(v) if isinstance(v, (list, tuple)) else [v]
    if len(v) != 1:
        raise ValueError(f"conv1d: {what} must be one int, got {v}")
    return int(v[0])


def _pool1d(kind, inputs, pool_size, strides, padding, data_format, name):
    if not _channels_last(data_format):
        raise NotImplementedError(f"{kind}_pooling1d: only channels_last is supported")
    x = F.as_tensor(inputs)
    g = x.graph
    with g.name_scope(name or ("max_pooling1d" if kind == "max" else "average_pooling1d")):
        p, s = _one(pool_size, "pool_size"), _one(strides, "strides")
        fn = nn.max_pool if kind == "max" else nn.avg_pool
        return F.squeeze(fn(F.expand_dims(x, 1), [1, 1, p, 1], [1, 1, s, 1], _padding(padding)), [1])


def max_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    """Max pooling over (N, W, C) windows of ``pool_size``."""
    return _pool1d("max", inputs, pool_size, strides, padding, data_format, name)


def average_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    """Average pooling over (N, W, C) windows of ``pool_size``."""
    return _pool1d("avg", inputs, pool_size, strides, padding, data_format, name)


def _deconv_length(n, k, s, padding):
    """Keras' deconv_output_length: 'valid' (n − 1)·s + k, 'same' n·s."""
    if n is None:
        return None
    return n * s if padding == "SAME" else (n - 1) * s + k


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None, bias_initializer=init.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None, reuse=None):
    """Transposed convolution: kernel (kh, kw, filters, in); output size (n − 1)·s + k ('valid') or n·s ('same')."""
    with variable_scope(name, default_name="conv2d_transpose", reuse=reuse):
        return _conv2d_transpose_here(inputs, filters, kernel_size, strides, padding, data_format, activation,
                                      use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                                      bias_regularizer, trainable)


def _conv2d_transpose_here(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                           data_format="channels_last", activation=None, use_bias=True, kernel_initializer=None,
                           bias_initializer=init.zeros_initializer(), kernel_regularizer=None,
                           bias_regularizer=None, trainable=True, **_unused):
    x = F.as_tensor(inputs)
    if not _channels_last(data_format):
        raise NotImplementedError("conv2d_transpose: only channels_last is supported")
    depth = x.shape[-1].value
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(strides, "strides")
    pad = _padding(padding)
    kernel = get_variable("kernel", [kh, kw, int(filters), depth], dtype=x.dtype,
                          initializer=kernel_initializer, trainable=trainable)
    _regularize(kernel, kernel_regularizer)
    h, w = x.shape[1].value, x.shape[2].value
    out_h, out_w = _deconv_length(h, kh, sh, pad), _deconv_length(w, kw, sw, pad)
    if out_h is None or out_w is None:
        raise ValueError(f"conv2d_transpose: the input's height and width must be known, got {x.shape}")
    n = x.shape[0].value
    batch = n if n is not None else F.getitem(F.shape(x), 0)
    out_shape = [batch, out_h, out_w, int(filters)] if n is not None else \
        F.stack([batch, F.constant(out_h), F.constant(out_w), F.constant(int(filters))])
    y = nn.conv2d_transpose(x, kernel, out_shape, [1, sh, sw, 1], pad, name="conv2d_transpose")
    if n is None:
        y.set_shape([None, out_h, out_w, int(filters)])
    return _bias_and_activate(y, int(filters), use_bias, bias_initializer, bias_regularizer, trainable, activation)


def _pool(kind, inputs, pool_size, strides, padding, data_format, name):
    x = F.as_tensor(inputs)
    ph, pw = _pair(pool_size, "pool_size")
    sh, sw = _pair(strides, "strides")
    last = _channels_last(data_format)
    fn = nn.max_pool if kind == "max" else nn.avg_pool
    g = x.graph
    with g.name_scope(name or ("max_pooling2d" if kind == "max" else "average_pooling2d")):
        if last:
            return fn(x, [1, ph, pw, 1], [1, sh, sw, 1], _padding(padding))
        return fn(x, [1, 1, ph, pw], [1, 1, sh, sw], _padding(padding), data_format="NCHW")


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    """Max pooling over pool_size windows."""
    return _pool("max", inputs, pool_size, strides, padding, data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    """Average pooling over pool_size windows."""
    return _pool("avg", inputs, pool_size, strides, padding, data_format, name)


def _training_flag(training):
    """(python bool or None, bool tensor or None)."""
    if F.is_tensor(training):
        v = F.constant_value(training)
        if v is not None:
            return bool(v), None
        t = F.as_tensor(training)
        if not t.dtype.is_bool:
            raise TypeError(f"training must be a bool tensor, got {t.dtype.name}")
        return None, t
    return bool(training), None


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout of ``rate`` (the drop probability) when ``training`` (bool or bool tensor), else identity."""
    x = F.as_tensor(inputs)
    known, flag = _training_flag(training)
    g = x.graph
    with g.name_scope(name or "dropout"):
        if known is False:
            return F.identity(x)
        if known is True:
            return nn.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed)
        # a run-time flag: TF's smart_cond, so nothing is drawn at inference
        return cond(flag, lambda: nn.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed),
                    lambda: F.identity(x))


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=init.zeros_initializer(), gamma_initializer=init.ones_initializer(),
                        moving_mean_initializer=init.zeros_initializer(),
                        moving_variance_initializer=init.ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, training=False,
                        trainable=True, name=None, reuse=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, fused=None, virtual_batch_size=None, adjustment=None):
    """Batch normalization over every axis but ``axis`` (TF's defaults: momentum 0.99, ε = 1e-3).

    Training: batch statistics, and moving-average updates (moving = moving − (moving − batch)·(1 −
    momentum)) added to UPDATE_OPS. Inference: the moving statistics.
    """
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise NotImplementedError("batch_normalization: renorm, virtual_batch_size and adjustment are not supported")
    with variable_scope(name, default_name="batch_normalization", reuse=reuse):
        return _batch_norm_here(inputs, axis, momentum, epsilon, center, scale, beta_initializer, gamma_initializer,
                                moving_mean_initializer, moving_variance_initializer, beta_regularizer,
                                gamma_regularizer, training, trainable)


def _batch_norm_here(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                     beta_initializer=init.zeros_initializer(), gamma_initializer=init.ones_initializer(),
                     moving_mean_initializer=init.zeros_initializer(),
                     moving_variance_initializer=init.ones_initializer(), beta_regularizer=None,
                     gamma_regularizer=None, training=False, trainable=True,
                     updates_collections=core.GraphKeys.UPDATE_OPS, **_unused):
    x = F.as_tensor(inputs)
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise NotImplementedError("batch_normalization: only one channel axis is supported")
        axis = axis[0]
    nd = x.ndim
    ax = int(axis) % nd
    c = x.shape[ax].value
    if c is None:
        raise ValueError(f"batch_normalization: the channel axis {axis} of {x.shape} must be known")
    known, flag = _training_flag(training)
    dt = x.dtype
    gamma = get_variable("gamma", [c], dtype=dt, initializer=gamma_initializer, trainable=trainable) \
        if scale else None
    beta = get_variable("beta", [c], dtype=dt, initializer=beta_initializer, trainable=trainable) \
        if center else None
    if gamma is not None:
        _regularize(gamma, gamma_regularizer)
    if beta is not None:
        _regularize(beta, beta_regularizer)
    moving_mean = get_variable("moving_mean", [c], dtype=dt, initializer=moving_mean_initializer,
                               trainable=False)
    moving_var = get_variable("moving_variance", [c], dtype=dt, initializer=moving_variance_initializer,
                              trainable=False)
    g = x.graph
    g.add_to_collection(core.GraphKeys.MOVING_AVERAGE_VARIABLES, moving_mean)
    g.add_to_collection(core.GraphKeys.MOVING_AVERAGE_VARIABLES, moving_var)
    ins_opt = [gamma, beta]

    def inference():
        ins = [x, moving_mean, moving_var] + _trailing(ins_opt)
        return F.op_node(N.BatchNormInference, ins, args=(ax, float(epsilon)), name="batchnorm",
                         type_name="FusedBatchNorm")

    if known is False:
        return inference()

    def training_y():
        # TF: a batch of one value per channel normalizes to beta (variance 0), it is not an error
        return F.op_node(N.BatchNorm, [x] + _trailing(ins_opt), args=(ax, float(epsilon)),
                         kwargs={"allow_single": True}, name="batchnorm", type_name="FusedBatchNorm")

    axes = [i for i in range(nd) if i != ax]
    factor = F.constant(1.0 - float(momentum), dtype=dt)

    def update(var, stat, scope):
        # moving −= (moving − batch statistic)·(1 − momentum)
        def do():
            with g.name_scope(scope):
                batch = F.stop_gradient(F.reduce(stat, x, axes))
                return assign_sub(var, F.mul(F.sub(var, batch), factor))
        # a run-time flag: TF's smart_cond, so inference neither computes nor applies the update
        return do() if flag is None else cond(flag, do, lambda: F.identity(var))

    upd_mean = update(moving_mean, "mean", "AssignMovingAvg")
    upd_var = update(moving_var, "var", "AssignMovingAvg_1")
    y = training_y() if flag is None else cond(flag, training_y, inference)
    if updates_collections is None:  # contrib's in-place updates: they run whenever the output is computed
        with g.control_dependencies([upd_mean.op, upd_var.op]):
            return F.identity(y)
    g.add_to_collection(updates_collections, upd_mean.op)
    g.add_to_collection(updates_collections, upd_var.op)
    return y


def _trailing(opt):
    """Optional trailing inputs with absent ones in the middle kept as None, trailing ones dropped."""
    out = list(opt)
    while out and out[-1] is None:
        out.pop()
    return out


def flatten(inputs, name=None, data_format="channels_last"):
    """(N, d1, d2, ...) -> (N, d1·d2·...)."""
    x = F.as_tensor(inputs)
    g = x.graph
    with g.name_scope(name or "flatten"):
        if not _channels_last(data_format) and x.ndim is not None and x.ndim > 2:
            x = F.transpose(x, [0] + list(range(2, x.ndim)) + [1])
        d = x._dims
        if d is None:
            raise ValueError("flatten: the input's rank must be known")
        rest = d[1:]
        if all(r is not None for r in rest):
            return F.reshape(x, [-1 if d[0] is None else d[0], int(math.prod(rest))])
        return F.reshape(x, F.stack([F.getitem(F.shape(x), 0), F.constant(-1)]))


# ------------------------------------------------------------------------- class layers
class Layer:
    """Base of the object layers: variables made in the layer's own scope on the first call, reused after."""

    _here = None
    _default_name = "layer"

    def __init__(self, *args, name=None, **kwargs):
        kwargs.pop("reuse", None)
        self._args, self._kwargs = args, kwargs
        self.name = name
        self._scope = None
        self.built = False

    def __call__(self, inputs, *args, **kwargs):
        kw = dict(self._kwargs, **kwargs)
        if self._scope is None:
            with variable_scope(self.name, default_name=self._default_name) as sc:
                self._scope = sc
                out = type(self)._here(inputs, *self._args, *args, **kw)
        else:
            with variable_scope(self._scope, reuse=True):
                out = type(self)._here(inputs, *self._args, *args, **kw)
        self.built = True
        return out

    apply = __call__

    @property
    def trainable_variables(self):
        prefix = self._scope.name + "/" if self._scope is not None else None
        return [v for v in core.get_default_graph().get_collection(core.GraphKeys.TRAINABLE_VARIABLES)
                if prefix and v.op.name.startswith(prefix)]

    trainable_weights = variables = weights = trainable_variables


class Dense(Layer):
    """``tf.layers.Dense(units, activation=...)``."""
    _here = staticmethod(_dense_here)
    _default_name = "dense"


class Conv2D(Layer):
    """``tf.layers.Conv2D(filters, kernel_size, ...)``."""
    _here = staticmethod(_conv2d_here)
    _default_name = "conv2d"


class Conv2DTranspose(Layer):
    """``tf.layers.Conv2DTranspose(filters, kernel_size, ...)``."""
    _here = staticmethod(_conv2d_transpose_here)
    _default_name = "conv2d_transpose"


class BatchNormalization(Layer):
    """``tf.layers.BatchNormalization(...)``; call with ``training=``."""
    _here = staticmethod(_batch_norm_here)
    _default_name = "batch_normalization"


class MaxPooling2D:
    """``tf.layers.MaxPooling2D(pool_size, strides, padding)``."""

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last", name=None):
        self.args = (pool_size, strides, padding, data_format, name)

    def __call__(self, inputs):
        return max_pooling2d(inputs, *self.args)

    apply = __call__


class AveragePooling2D(MaxPooling2D):
    """``tf.layers.AveragePooling2D(pool_size, strides, padding)``."""

    def __call__(self, inputs):
        return average_pooling2d(inputs, *self.args)

    apply = __call__


class Dropout:
    """``tf.layers.Dropout(rate)``; call with ``training=``."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None):
        self.rate, self.noise_shape, self.seed, self.name = rate, noise_shape, seed, name

    def __call__(self, inputs, training=False):
        return dropout(inputs, self.rate, self.noise_shape, self.seed, training, self.name)

    apply = __call__


class Flatten:
    """``tf.layers.Flatten()``."""

    def __init__(self, data_format="channels_last", name=None):
        self.data_format, self.name = data_format, name

    def __call__(self, inputs):
        return flatten(inputs, self.name, self.data_format)

    apply = __call__

