"""Convolution and pooling layers (NHWC, TF's 'SAME'/'VALID'): ``conv_2d``, ``max_pool_2d``, ``avg_pool_2d``...

``conv_2d`` weights are HWIO (filter_size, filter_size, in_channels, nb_filter), initialised
with TFLearn's default 'uniform_scaling'; pooling strides default to the kernel size. The
transposed, grouped and highway convolutions and the residual blocks follow TFLearn 0.3's
``tflearn/layers/conv.py`` argument for argument (including its quirks, noted where they are).
"""
from __future__ import annotations

from ...compat import v1 as tf
from .. import collections as _keys
from .. import variables as vs
from ..utils import (autoformat_filter_conv2d, autoformat_kernel_2d, autoformat_padding, get_incoming_shape,
                     layer_output, set_attrs)
from .core import _activate, _regularizer, _track, _weights_init
from .core import activation as _activation_layer
from .core import dropout as _dropout_layer
from .normalization import batch_normalization

__all__ = ["conv_2d", "conv_2d_transpose", "grouped_conv_2d", "max_pool_2d", "avg_pool_2d", "conv_1d", "max_pool_1d",
           "avg_pool_1d", "global_avg_pool", "global_max_pool", "upsample_2d", "deconv_2d", "highway_conv_2d",
           "highway_conv_1d", "residual_block", "residual_bottleneck", "resnext_block", "shallow_residual_block",
           "densenet_block"]


def _check_rank(incoming, rank, layer):
    shape = get_incoming_shape(incoming)
    if len(shape) != rank:
        raise ValueError(f"{layer}: the incoming tensor must be {rank}-D, got shape {shape}")
    return shape


def conv_2d(incoming, nb_filter, filter_size, strides=1, padding="same", activation="linear", bias=True,
            weights_init="uniform_scaling", bias_init="zeros", regularizer=None, weight_decay=0.001, trainable=True,
            restore=True, reuse=False, scope=None, name="Conv2D", normalizer_fn=None, normalizer_params=None):
    """act(conv2d(x, W) + b): x (batch, height, width, in_channels) -> (batch, h', w', nb_filter)."""
    input_shape = _check_rank(incoming, 4, "conv_2d")
    filter_size = autoformat_filter_conv2d(filter_size, input_shape[-1], nb_filter)
    strides = autoformat_kernel_2d(strides)
    padding = autoformat_padding(padding)
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W = _filter_variable(name, filter_size, weights_init, regularizer, weight_decay, trainable, restore)
        inference = tf.nn.conv2d(incoming, W, strides, padding)
        if normalizer_fn is not None:
            inference = normalizer_fn(inference, **(normalizer_params or {}))
        inference, b = _bias_activation(inference, name, nb_filter, bias and normalizer_fn is None, bias_init,
                                        trainable, restore, activation)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def _filter_variable(name, shape, weights_init, regularizer, weight_decay, trainable, restore):
    """The filter variable ``W`` of a conv layer (regularised, in the layer's variable collection)."""
    W = vs.variable("W", shape=shape, regularizer=_regularizer(regularizer, weight_decay),
                    initializer=_weights_init(weights_init), trainable=trainable, restore=restore)
    tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, W)
    return W


def _bias_activation(inference, name, nb_filter, bias, bias_init, trainable, restore, activation):
    """The shared tail of the conv layers: optional bias variable, activation, output bookkeeping."""
    b = None
    if bias:
        b = vs.variable("b", shape=[nb_filter], initializer=_weights_init(bias_init), trainable=trainable,
                        restore=restore)
        tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, b)
        inference = tf.nn.bias_add(inference, b)
    if activation:
        inference = _activate(inference, activation)
    inference = layer_output(inference)
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    return inference, b


def conv_2d_transpose(incoming, nb_filter, filter_size, output_shape, strides=1, padding="same",
                      activation="linear", bias=True, weights_init="uniform_scaling", bias_init="zeros",
                      regularizer=None, weight_decay=0.001, trainable=True, restore=True, reuse=False, scope=None,
                      name="Conv2DTranspose"):
    """act(conv2d_transpose(x, W) + b): (batch, h, w, in_channels) -> (batch, *output_shape[:2], nb_filter).

    The gradient of ``conv_2d`` with respect to its input, used as a layer ("deconvolution"):
    W is (filter_h, filter_w, nb_filter, in_channels), as ``tf.nn.conv2d_transpose`` takes it, and
    ``output_shape`` is [new_height, new_width] or [new_height, new_width, nb_filter]; a ``conv_2d``
    with the same filter size, strides and padding maps that shape back to the input's.
    """
    input_shape = _check_rank(incoming, 4, "conv_2d_transpose")
    if input_shape[-1] is None:
        raise ValueError(f"conv_2d_transpose: the channel axis of the incoming shape {input_shape} must be known")
    output_shape = list(output_shape) if isinstance(output_shape, (list, tuple)) else output_shape
    if not isinstance(output_shape, list) or len(output_shape) not in (2, 3):
        raise ValueError(f"conv_2d_transpose: output_shape must be [new_height, new_width] or [new_height, "
                         f"new_width, nb_filter], got {output_shape!r}")
    if len(output_shape) == 2:
        output_shape = output_shape + [nb_filter]
    if int(output_shape[2]) != nb_filter:
        raise ValueError(f"conv_2d_transpose: output_shape {output_shape} ends with {output_shape[2]} channels, "
                         f"but nb_filter is {nb_filter}")
    output_shape = [int(d) for d in output_shape]
    filter_size = autoformat_filter_conv2d(filter_size, nb_filter, input_shape[-1])   # (h, w, out, in)
    strides = autoformat_kernel_2d(strides)
    padding = autoformat_padding(padding)
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W = _filter_variable(name, filter_size, weights_init, regularizer, weight_decay, trainable, restore)
        # the batch size is only known when the graph runs: [batch, h, w, c] as a stacked shape tensor
        full_shape = tf.stack([tf.shape(incoming)[0]] + output_shape)
        inference = tf.nn.conv2d_transpose(incoming, W, full_shape, strides, padding)
        inference.set_shape([None] + output_shape)
        inference, b = _bias_activation(inference, name, nb_filter, bias, bias_init, trainable, restore, activation)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def grouped_conv_2d(incoming, channel_multiplier, filter_size, strides=1, padding="same", activation="linear",
                    bias=False, weights_init="uniform_scaling", bias_init="zeros", regularizer=None,
                    weight_decay=0.001, trainable=True, restore=True, reuse=False, scope=None, name="GroupedConv2D"):
    """Depthwise convolution: each input channel gets ``channel_multiplier`` filters of its own.

    (batch, h, w, c) -> (batch, h', w', c·channel_multiplier); W is (filter_h, filter_w, c,
    channel_multiplier) and output channel k·channel_multiplier + q comes from input channel k.
    """
    input_shape = _check_rank(incoming, 4, "grouped_conv_2d")
    nb_filter = channel_multiplier * input_shape[-1]
    filter_size = autoformat_filter_conv2d(filter_size, input_shape[-1], channel_multiplier)
    strides = autoformat_kernel_2d(strides)
    padding = autoformat_padding(padding)
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W = _filter_variable(name, filter_size, weights_init, regularizer, weight_decay, trainable, restore)
        inference = tf.nn.depthwise_conv2d(incoming, W, strides, padding)
        inference, b = _bias_activation(inference, name, nb_filter, bias, bias_init, trainable, restore, activation)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def _pool_2d(kind, incoming, kernel_size, strides, padding, name):
    _check_rank(incoming, 4, f"{kind}_pool_2d")
    kernel = autoformat_kernel_2d(kernel_size)
    strides = autoformat_kernel_2d(strides) if strides else kernel
    padding = autoformat_padding(padding)
    pool = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    with tf.name_scope(name) as scope:
        inference = layer_output(pool(incoming, kernel, strides, padding))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=scope)
    return _track(inference, name)


def max_pool_2d(incoming, kernel_size, strides=None, padding="same", name="MaxPool2D"):
    """Max over kernel_size windows (strides default to kernel_size): (batch, h, w, c) -> (batch, h', w', c)."""
    return _pool_2d("max", incoming, kernel_size, strides, padding, name)


def avg_pool_2d(incoming, kernel_size, strides=None, padding="same", name="AvgPool2D"):
    """Mean over kernel_size windows (strides default to kernel_size); 'same' averages real elements only."""
    return _pool_2d("avg", incoming, kernel_size, strides, padding, name)


def conv_1d(incoming, nb_filter, filter_size, strides=1, padding="same", activation="linear", bias=True,
            weights_init="uniform_scaling", bias_init="zeros", regularizer=None, weight_decay=0.001, trainable=True,
            restore=True, reuse=False, scope=None, name="Conv1D"):
    """act(conv1d(x, W) + b): x (batch, steps, in_channels) -> (batch, steps', nb_filter), as a 2-D conv of width 1."""
    input_shape = _check_rank(incoming, 3, "conv_1d")
    padding = autoformat_padding(padding)
    stride = strides if isinstance(strides, int) else int(list(strides)[-2 if len(strides) == 4 else 0])
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        # TFLearn's layout: W (filter_size, 1, in_channels, nb_filter) over (batch, steps, 1, channels)
        W = _filter_variable(name, [autoformat_filter_conv2d(filter_size, input_shape[-1], nb_filter)[0], 1,
                                    input_shape[-1], nb_filter], weights_init, regularizer, weight_decay, trainable,
                             restore)
        inference = tf.expand_dims(incoming, 2)                          # (batch, steps, 1, channels)
        inference = tf.squeeze(tf.nn.conv2d(inference, W, [1, stride, 1, 1], padding), [2])
        inference, b = _bias_activation(inference, name, nb_filter, bias, bias_init, trainable, restore, activation)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def _pool_1d(kind, incoming, kernel_size, strides, padding, name):
    _check_rank(incoming, 3, f"{kind}_pool_1d")
    k = int(kernel_size)
    s = int(strides) if strides else k
    padding = autoformat_padding(padding)
    pool = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    with tf.name_scope(name) as scope:
        x = tf.expand_dims(incoming, 1)
        inference = layer_output(tf.squeeze(pool(x, [1, 1, k, 1], [1, 1, s, 1], padding), [1]))
    set_attrs(inference, scope=scope)
    return _track(inference, name)


def max_pool_1d(incoming, kernel_size, strides=None, padding="same", name="MaxPool1D"):
    """Max over windows of ``kernel_size`` steps: (batch, steps, c) -> (batch, steps', c)."""
    return _pool_1d("max", incoming, kernel_size, strides, padding, name)


def avg_pool_1d(incoming, kernel_size, strides=None, padding="same", name="AvgPool1D"):
    """Mean over windows of ``kernel_size`` steps: (batch, steps, c) -> (batch, steps', c)."""
    return _pool_1d("avg", incoming, kernel_size, strides, padding, name)


def _global_pool(reduce, incoming, name):
    shape = get_incoming_shape(incoming)
    if len(shape) not in (3, 4):
        raise ValueError(f"global pooling: the incoming tensor must be 3-D or 4-D, got shape {shape}")
    with tf.name_scope(name):
        inference = layer_output(reduce(incoming, list(range(1, len(shape) - 1))))
    return _track(inference, name)


def global_avg_pool(incoming, name="GlobalAvgPool"):
    """Mean over every spatial (or time) axis: (batch, ..., c) -> (batch, c)."""
    return _global_pool(tf.reduce_mean, incoming, name)


def global_max_pool(incoming, name="GlobalMaxPool"):
    """Max over every spatial (or time) axis: (batch, ..., c) -> (batch, c)."""
    return _global_pool(tf.reduce_max, incoming, name)


def upsample_2d(incoming, kernel_size, name="UpSample2D"):
    """Nearest-neighbour upsampling by ``kernel_size``: (batch, h, w, c) -> (batch, h·k, w·k, c)."""
    shape = _check_rank(incoming, 4, "upsample_2d")
    k = autoformat_kernel_2d(kernel_size)
    with tf.name_scope(name) as scope:
        inference = tf.image.resize_nearest_neighbor(incoming, [shape[1] * k[1], shape[2] * k[2]])
        inference = layer_output(inference)
    set_attrs(inference, scope=scope)
    return _track(inference, name)


# TFLearn's shortcut name (in TFLearn 0.3 ``deconv_2d`` is ``upsample_2d``, not a transposed convolution)
deconv_2d = upsample_2d


# ------------------------------------------------------------------------- highway convolutions
def _highway_conv_vars(name, filter_shape, nb_filter, weights_init, bias_init, regularizer, weight_decay, trainable,
                       restore):
    """W, b of the convolution and W_T (one scale per filter), b_T (starts at -3) of the transform gate."""
    w_init = _weights_init(weights_init)
    W = vs.variable("W", shape=filter_shape, regularizer=_regularizer(regularizer, weight_decay),
                    initializer=w_init, trainable=trainable, restore=restore)
    b = vs.variable("b", shape=[nb_filter], initializer=_weights_init(bias_init), trainable=trainable,
                    restore=restore)
    W_T = vs.variable("W_T", shape=[nb_filter], initializer=w_init, trainable=trainable, restore=restore)
    b_T = vs.variable("b_T", shape=[nb_filter], initializer=tf.constant_initializer(-3.0), trainable=trainable,
                      restore=restore)
    for v in (W, b, W_T, b_T):
        tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, v)
    return W, b, W_T, b_T


def _highway_gate(convolved, b, W_T, b_T, activation):
    # TFLearn: H = act(conv + b), T = σ(conv·W_T + b_T), y = H·T + conv·(1 − T): the carry is the convolution
    H = _activate(convolved + b, activation)
    T = tf.sigmoid(tf.multiply(convolved, W_T) + b_T)
    return tf.add(tf.multiply(H, T), tf.multiply(convolved, tf.subtract(1.0, T)))


def highway_conv_2d(incoming, nb_filter, filter_size, strides=1, padding="same", activation="linear",
                    weights_init="uniform_scaling", bias_init="zeros", regularizer=None, weight_decay=0.001,
                    trainable=True, restore=True, reuse=False, scope=None, name="HighwayConv2D"):
    """Highway convolution: y = act(c + b)·T + c·(1 − T), c = conv2d(x, W), T = σ(c·W_T + b_T).

    TFLearn's gate shares the convolution: W_T and b_T hold one value per filter (b_T starts at
    −3, so the layer starts close to the plain convolution c). Attributes W, b, W_T, b_T.
    """
    input_shape = _check_rank(incoming, 4, "highway_conv_2d")
    filter_size = autoformat_filter_conv2d(filter_size, input_shape[-1], nb_filter)
    strides = autoformat_kernel_2d(strides)
    padding = autoformat_padding(padding)
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W, b, W_T, b_T = _highway_conv_vars(name, filter_size, nb_filter, weights_init, bias_init, regularizer,
                                            weight_decay, trainable, restore)
        inference = layer_output(_highway_gate(tf.nn.conv2d(incoming, W, strides, padding), b, W_T, b_T, activation))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=vscope, W=W, W_T=W_T, b=b, b_T=b_T)
    return _track(inference, name)


def highway_conv_1d(incoming, nb_filter, filter_size, strides=1, padding="same", activation="linear",
                    weights_init="uniform_scaling", bias_init="zeros", regularizer=None, weight_decay=0.001,
                    trainable=True, restore=True, reuse=False, scope=None, name="HighwayConv1D"):
    """Highway convolution over time steps: (batch, steps, c) -> (batch, steps', nb_filter), gate as highway_conv_2d.

    NOTE: as in TFLearn 0.3, ``strides`` lands on the dummy width axis of the (batch, steps, 1, c)
    view, so the steps are never strided (steps' = steps with 'same').
    """
    input_shape = _check_rank(incoming, 3, "highway_conv_1d")
    filter_size = autoformat_filter_conv2d(filter_size, input_shape[-1], nb_filter)
    filter_size[1] = 1
    strides = autoformat_kernel_2d(strides)
    strides[1] = 1
    padding = autoformat_padding(padding)
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W, b, W_T, b_T = _highway_conv_vars(name, filter_size, nb_filter, weights_init, bias_init, regularizer,
                                            weight_decay, trainable, restore)
        convolved = tf.squeeze(tf.nn.conv2d(tf.expand_dims(incoming, 2), W, strides, padding), [2])
        inference = layer_output(_highway_gate(convolved, b, W_T, b_T, activation))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=vscope, W=W, W_T=W_T, b=b, b_T=b_T)
    return _track(inference, name)


# ------------------------------------------------------------------------- residual blocks
def _shortcut(identity, in_channels, out_channels, strides, pool_kernel, layer):
    """The identity shortcut: average-pooled when the block downsamples, zero-padded equally on both channel sides."""
    if strides > 1:
        identity = avg_pool_2d(identity, pool_kernel, strides)
    if in_channels != out_channels:
        if out_channels < in_channels or (out_channels - in_channels) % 2:
            raise ValueError(f"{layer}: the identity shortcut zero-pads the {in_channels} input channels equally on "
                             f"both sides, so out_channels - in_channels must be even and >= 0; got "
                             f"out_channels={out_channels}")
        ch = (out_channels - in_channels) // 2
        identity = tf.pad(identity, [[0, 0], [0, 0], [0, 0], [ch, ch]])
    return identity


def _preactivate(x, batch_norm, activation):
    """TFLearn's pre-activation: batch normalization (when asked), then the activation layer."""
    if batch_norm:
        x = batch_normalization(x)
    return _activation_layer(x, activation)


def _residual_setup(incoming, layer, downsample, downsample_strides, **conv_args):
    """(input channels, the first conv's strides, the conv_2d keyword arguments) of a residual layer."""
    in_channels = _check_rank(incoming, 4, layer)[-1]
    return in_channels, downsample_strides if downsample else 1, conv_args


def residual_block(incoming, nb_blocks, out_channels, downsample=False, downsample_strides=2, activation="relu",
                   batch_norm=True, bias=True, weights_init="variance_scaling", bias_init="zeros", regularizer="L2",
                   weight_decay=0.0001, trainable=True, restore=True, reuse=False, scope=None, name="ResidualBlock"):
    """``nb_blocks`` pre-activation residual blocks: y = x' + conv3x3(act(BN(conv3x3(act(BN(x)))))).

    x' is x itself, average-pooled by ``downsample_strides`` when ``downsample`` (every block
    downsamples, as in TFLearn) and zero-padded on the channel axis up to ``out_channels``.
    (batch, h, w, c) -> (batch, h', w', out_channels).
    """
    in_channels, strides, conv_args = _residual_setup(
        incoming, "residual_block", downsample, downsample_strides, bias=bias, weights_init=weights_init,
        bias_init=bias_init, regularizer=regularizer, weight_decay=weight_decay, trainable=trainable, restore=restore)
    resnet = incoming
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None):
        for _ in range(nb_blocks):
            identity = resnet
            resnet = _preactivate(resnet, batch_norm, activation)
            resnet = conv_2d(resnet, out_channels, 3, strides, "same", "linear", **conv_args)
            resnet = _preactivate(resnet, batch_norm, activation)
            resnet = conv_2d(resnet, out_channels, 3, 1, "same", "linear", **conv_args)
            identity = _shortcut(identity, in_channels, out_channels, strides, strides, "residual_block")
            in_channels = out_channels
            resnet = resnet + identity
    return resnet


def residual_bottleneck(incoming, nb_blocks, bottleneck_size, out_channels, downsample=False, downsample_strides=2,
                        activation="relu", batch_norm=True, bias=True, weights_init="variance_scaling",
                        bias_init="zeros", regularizer="L2", weight_decay=0.0001, trainable=True, restore=True,
                        reuse=False, scope=None, name="ResidualBottleneck"):
    """``nb_blocks`` bottleneck blocks: act(conv1x1→out(act(BN(conv3x3(act(BN(conv1x1→bottleneck(act(BN(x)))))))))).

    NOTE: TFLearn 0.3 (and its master; tflearn issue #721) adds the shortcut, and a final
    activation, only in a block whose channel count changes; a block with in_channels ==
    out_channels is a plain stack of the three convolutions. Kept as TFLearn runs it, so programs
    train the network their authors trained.
    """
    in_channels, strides, conv_args = _residual_setup(
        incoming, "residual_bottleneck", downsample, downsample_strides, bias=bias, weights_init=weights_init,
        bias_init=bias_init, regularizer=regularizer, weight_decay=weight_decay, trainable=trainable, restore=restore)
    resnet = incoming
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None):
        for _ in range(nb_blocks):
            identity = resnet
            resnet = _preactivate(resnet, batch_norm, activation)
            resnet = conv_2d(resnet, bottleneck_size, 1, strides, "valid", "linear", **conv_args)
            resnet = _preactivate(resnet, batch_norm, activation)
            resnet = conv_2d(resnet, bottleneck_size, 3, 1, "same", "linear", **conv_args)
            resnet = conv_2d(resnet, out_channels, 1, 1, "valid", activation, **conv_args)
            if in_channels != out_channels:
                identity = _shortcut(identity, in_channels, out_channels, strides, strides, "residual_bottleneck")
                in_channels = out_channels
                resnet = _activation_layer(resnet + identity, activation)
    return resnet


_RESNEXT_BOTTLENECK = {1: 64, 2: 40, 4: 24, 8: 14, 32: 4}   # ResNeXt paper, Table 2: width for a given cardinality


def resnext_block(incoming, nb_blocks, out_channels, cardinality, downsample=False, downsample_strides=2,
                  activation="relu", batch_norm=True, weights_init="variance_scaling", regularizer="L2",
                  weight_decay=0.0001, bias=True, bias_init="zeros", trainable=True, restore=True, reuse=False,
                  scope=None, name="ResNeXtBlock"):
    """``nb_blocks`` ResNeXt blocks (fig. 3c): y = act(x' + BN(act(conv1x1(act(BN(grouped3x3(act(BN(conv1x1(x)))))))))).

    ``cardinality`` ∈ {1, 2, 4, 8, 32} fixes the bottleneck width (64, 40, 24, 14, 4) and the
    grouped 3×3 convolution's channel multiplier; x' as in ``residual_block`` (pooled with a
    1×1 window, as TFLearn does).
    """
    input_shape = _check_rank(incoming, 4, "resnext_block")
    if cardinality not in _RESNEXT_BOTTLENECK:
        raise ValueError(f"resnext_block: cardinality must be one of {sorted(_RESNEXT_BOTTLENECK)}, "
                         f"got {cardinality!r}")
    bottleneck_size = _RESNEXT_BOTTLENECK[cardinality]
    in_channels = input_shape[-1]
    conv_args = dict(weights_init=weights_init, bias_init=bias_init, regularizer=regularizer,
                     weight_decay=weight_decay, trainable=trainable, restore=restore)
    strides = downsample_strides if downsample else 1
    resnext = incoming
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None):
        for _ in range(nb_blocks):
            identity = resnext
            resnext = conv_2d(resnext, bottleneck_size, 1, strides, "valid", "linear", bias, **conv_args)
            if batch_norm:
                resnext = batch_normalization(resnext, trainable=trainable)
            resnext = _activation_layer(resnext, activation)
            resnext = grouped_conv_2d(resnext, cardinality, 3, 1, "same", "linear", False, **conv_args)
            if batch_norm:
                resnext = batch_normalization(resnext, trainable=trainable)
            resnext = _activation_layer(resnext, activation)
            resnext = conv_2d(resnext, out_channels, 1, 1, "valid", activation, bias, **conv_args)
            if batch_norm:
                resnext = batch_normalization(resnext, trainable=trainable)
            identity = _shortcut(identity, in_channels, out_channels, strides, 1, "resnext_block")
            in_channels = out_channels
            resnext = _activation_layer(resnext + identity, activation)
    return resnext


def _post_activation_block(resnet, out_channels, strides, batch_norm, activation, conv_args):
    """conv3x3(strides) → BN → act → conv3x3 → BN: the residual branch of ``shallow_residual_block``."""
    resnet = conv_2d(resnet, out_channels, 3, strides, "same", "linear", **conv_args)
    if batch_norm:
        resnet = batch_normalization(resnet)
    resnet = _activation_layer(resnet, activation)
    resnet = conv_2d(resnet, out_channels, 3, 1, "same", "linear", **conv_args)
    if batch_norm:
        resnet = batch_normalization(resnet)
    return resnet


def shallow_residual_block(incoming, nb_blocks, out_channels, downsample=False, downsample_strides=2,
                           activation="relu", batch_norm=True, bias=False, weights_init="uniform_scaling",
                           bias_init="zeros", regularizer=None, weight_decay=0.0001, trainable=True, restore=True,
                           name="ShallowResidualBlock"):
    """TFLearn 0.2's post-activation residual blocks (renamed ``residual_block``, and reworked, in 0.2.2).

    Each block: y = act(BN(conv3x3(act(BN(conv3x3_s(x)))))) + x'), s = ``downsample_strides`` when
    ``downsample``. x' is x resized (nearest neighbour) to the branch's height and width when
    downsampling, then projected by a 1×1 convolution when the channel count changes.
    (batch, h, w, c) -> (batch, h', w', out_channels).
    """
    in_channels, strides, conv_args = _residual_setup(
        incoming, "shallow_residual_block", downsample, downsample_strides, bias=bias, weights_init=weights_init,
        bias_init=bias_init, regularizer=regularizer, weight_decay=weight_decay, trainable=trainable, restore=restore)
    resnet = incoming
    with tf.name_scope(name):
        for _ in range(nb_blocks):
            with tf.name_scope("ResidualBlock"):
                identity = resnet
                resnet = _post_activation_block(resnet, out_channels, strides, batch_norm, activation, conv_args)
                if downsample:
                    size = resnet.get_shape().as_list()[1:3]
                    identity = tf.image.resize_nearest_neighbor(identity, size)
                if in_channels != out_channels:
                    in_channels = out_channels
                    identity = conv_2d(identity, out_channels, 1, 1, "same", "linear", **conv_args)
                resnet = _activation_layer(resnet + identity, activation)
    return resnet


def _densenet_conv(x, growth, filter_size, batch_norm, activation, conv_args):
    """BN (when asked) → act → conv (``growth`` filters): one DenseNet composite function."""
    if batch_norm:
        x = batch_normalization(x)
    x = _activation_layer(x, activation)
    return conv_2d(x, growth, filter_size, **conv_args)


def densenet_block(incoming, nb_layers, growth, bottleneck=True, downsample=True, downsample_strides=2,
                   activation="relu", batch_norm=True, dropout=False, dropout_keep_prob=0.5,
                   weights_init="variance_scaling", regularizer="L2", weight_decay=0.0001, bias=True,
                   bias_init="zeros", trainable=True, restore=True, reuse=False, scope=None, name="DenseNetBlock"):
    """A DenseNet block: ``nb_layers`` layers each concatenating ``growth`` new feature maps to its input.

    A layer is [BN-act-conv1x1 (when ``bottleneck``)] BN-act-conv3x3, its output concatenated
    (channels last) in front of its input. Then, as TFLearn: a BN-act-conv1x1 transition down to
    ``growth`` channels, optional dropout, and 2×2 average pooling with ``downsample_strides``
    when ``downsample``. (batch, h, w, c) -> (batch, h', w', growth).
    """
    _check_rank(incoming, 4, "densenet_block")
    conv_args = dict(bias=bias, weights_init=weights_init, bias_init=bias_init, regularizer=regularizer,
                     weight_decay=weight_decay, trainable=trainable, restore=restore)
    densenet = incoming
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None):
        for _ in range(nb_layers):
            conn = densenet
            if bottleneck:
                densenet = _densenet_conv(densenet, growth, 1, batch_norm, activation, conv_args)
            densenet = _densenet_conv(densenet, growth, 3, batch_norm, activation, conv_args)
            densenet = tf.concat([densenet, conn], 3)
        densenet = _densenet_conv(densenet, growth, 1, batch_norm, activation, conv_args)
        if dropout:
            densenet = _dropout_layer(densenet, keep_prob=dropout_keep_prob)
        if downsample:
            densenet = avg_pool_2d(densenet, kernel_size=2, strides=downsample_strides)
    return densenet
