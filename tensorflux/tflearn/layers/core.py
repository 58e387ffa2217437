"""Core layers: ``input_data``, ``fully_connected``, ``dropout``, ``flatten``, ``reshape``, ``activation``...

Each layer adds graph nodes (``tensorflux.compat.v1``) to the default graph and returns its
output tensor, which carries TFLearn's attributes (``net.W``, ``net.b``, ``net.scope``).
Variables are created in a variable scope named after the layer (``FullyConnected``,
``FullyConnected_1``... or ``name=``), so ``get_layer_variables_by_name`` finds them.
"""
from __future__ import annotations

import numpy as np

from ...compat import v1 as tf
from .. import activations, config, initializations, losses
from .. import collections as _keys
from .. import variables as va
from ..utils import get_incoming_shape, layer_output, set_attrs

__all__ = ["input_data", "fully_connected", "dropout", "custom_layer", "reshape", "flatten", "activation",
           "single_unit", "highway", "one_hot_encoding", "time_distributed", "multi_target_data"]


def _track(output, name):
    """Add a layer's output to its LAYER_TENSOR collection; return it."""
    tf.add_to_collection(_keys.LAYER_TENSOR + "/" + name, output)
    return output


def _activate(x, act):
    if isinstance(act, str) or act is None:
        return activations.get(act)(x)
    if callable(act):
        return act(x)
    raise ValueError(f"Invalid activation: {act!r} (a name such as 'relu' or a function)")


def _weights_init(init):
    return initializations.get(init)() if isinstance(init, str) else init


def _regularizer(regularizer, weight_decay):
    if not regularizer:
        return None
    return lambda x: losses.get(regularizer)(x, weight_decay)


def input_data(shape=None, placeholder=None, dtype=tf.float32, data_preprocessing=None, data_augmentation=None,
               name="InputData"):
    """The input layer: a placeholder ``name/X`` of ``shape`` (None prepended when the batch axis is missing).

    The placeholder joins the INPUTS collection, in creation order: ``DNN.fit(X)`` feeds lists of
    arrays in that order, and dicts by this layer's ``name``.
    """
    if placeholder is None:
        if shape is None:
            raise ValueError("input_data: either a `shape` or a `placeholder` argument is required")
        shape = list(shape)
        if len(shape) > 1 and shape[0] is not None:
            shape = [None] + shape
        with tf.name_scope(name):
            placeholder = tf.placeholder(shape=shape, dtype=dtype, name="X")
    tf.add_to_collection(_keys.INPUTS, placeholder)
    tf.add_to_collection(_keys.LAYER_TENSOR + "/" + name, placeholder)
    tf.add_to_collection(_keys.DATA_PREP, data_preprocessing)
    tf.add_to_collection(_keys.DATA_AUG, data_augmentation)
    return placeholder


def fully_connected(incoming, n_units, activation="linear", bias=True, weights_init="truncated_normal",
                    bias_init="zeros", regularizer=None, weight_decay=0.001, trainable=True, restore=True,
                    reuse=False, scope=None, name="FullyConnected"):
    """act(x·W + b) with W (n_inputs, n_units); an input of rank > 2 is flattened first."""
    input_shape = get_incoming_shape(incoming)
    if len(input_shape) < 2:
        raise ValueError(f"fully_connected: the incoming tensor must be at least 2-D, got shape {input_shape}")
    if any(d is None for d in input_shape[1:]):
        raise ValueError(f"fully_connected: the incoming shape {input_shape} must be known except the batch axis")
    n_inputs = int(np.prod(input_shape[1:]))
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W = va.variable("W", shape=[n_inputs, n_units], regularizer=_regularizer(regularizer, weight_decay),
                        initializer=_weights_init(weights_init), trainable=trainable, restore=restore)
        tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, W)
        b = None
        if bias:
            b = va.variable("b", shape=[n_units], initializer=_weights_init(bias_init), trainable=trainable,
                            restore=restore)
            tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, b)
        inference = incoming
        if len(input_shape) > 2:
            inference = tf.reshape(inference, [-1, n_inputs])
        inference = tf.matmul(inference, W)
        if b is not None:
            inference = tf.nn.bias_add(inference, b)
        inference = layer_output(_activate(inference, activation))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def dropout(incoming, keep_prob, noise_shape=None, name="Dropout"):
    """Inverted dropout kept with probability ``keep_prob``, active only in training mode (``DNN.fit``).

    At prediction and validation the training flag is False and the layer passes its input through.
    A list of tensors (the steps of an RNN layer's ``return_seq=True``) comes back as a list of the
    same tensors, undropped: TFLearn's ``apply_dropout`` rebinds its loop variable
    (``for x in inference: x = tf.nn.dropout(x, ...)``) and returns the list unchanged.
    """
    if isinstance(incoming, (list, tuple)):
        return _dropout_steps(incoming, name)
    with tf.name_scope(name) as scope:
        if not tf.is_tensor(keep_prob) and float(keep_prob) >= 1.0:
            inference = incoming
        else:
            # TFLearn: tf.cond(is_training, apply_dropout, identity); only the taken branch runs
            inference = tf.cond(config._flag_tensor(),
                                lambda: tf.nn.dropout(incoming, keep_prob, noise_shape=noise_shape),
                                lambda: tf.identity(incoming))
        inference = layer_output(inference)
    set_attrs(inference, scope=scope)
    return _track(inference, name)


def _dropout_steps(steps, name):
    """TFLearn's dropout of a list of steps: the same steps (identities), tracked as the layer's output."""
    with tf.name_scope(name):
        inference = [tf.identity(x) for x in steps]
    return _track(inference, name)


def custom_layer(incoming, custom_fn, **kwargs):
    """``custom_fn(incoming, **kwargs)`` inside a name scope (``name=`` in kwargs, default 'CustomLayer')."""
    name = kwargs.get("name", "CustomLayer")
    with tf.name_scope(name):
        return custom_fn(incoming, **kwargs)


def reshape(incoming, new_shape, name="Reshape"):
    """``incoming`` reshaped to ``new_shape`` (a list of tensors is concatenated first)."""
    with tf.name_scope(name) as scope:
        inference = incoming
        if isinstance(inference, list):
            inference = tf.cast(tf.concat(inference, 0), tf.float32)
        inference = layer_output(tf.reshape(inference, shape=new_shape))
    set_attrs(inference, scope=scope)
    return _track(inference, name)


def flatten(incoming, name="Flatten"):
    """(batch, d1, d2, ...) -> (batch, d1·d2·...)."""
    input_shape = get_incoming_shape(incoming)
    if len(input_shape) < 2:
        raise ValueError(f"flatten: the incoming tensor must be at least 2-D, got shape {input_shape}")
    dims = int(np.prod(input_shape[1:]))
    return reshape(incoming, [-1, dims], name)


def activation(incoming, activation="linear", name="activation"):
    """``activation`` (a name or a function) applied to ``incoming``."""
    with tf.name_scope(name):
        x = layer_output(_activate(incoming, activation))
    return _track(x, name)


def single_unit(incoming, activation="linear", bias=True, trainable=True, restore=True, reuse=False, scope=None,
                name="Linear"):
    """act(x·W + b) with one scalar weight and bias per input feature: y = W·x + b for 1-D inputs."""
    input_shape = get_incoming_shape(incoming)
    n_inputs = int(np.prod(input_shape[1:]))
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        W = va.variable("W", shape=[n_inputs], initializer=tf.constant_initializer(np.random.randn()),
                        trainable=trainable, restore=restore)
        tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, W)
        b = None
        if bias:
            b = va.variable("b", shape=[n_inputs], initializer=tf.constant_initializer(np.random.randn()),
                            trainable=trainable, restore=restore)
            tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, b)
        inference = incoming
        if len(input_shape) > 1:
            inference = tf.reshape(inference, [-1])
        inference = tf.multiply(inference, W)
        if b is not None:
            inference = tf.add(inference, b)
        inference = layer_output(_activate(inference, activation))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=vscope, W=W, b=b)
    return _track(inference, name)


def highway(incoming, n_units, activation="linear", transform_dropout=None, weights_init="truncated_normal",
            bias_init="zeros", regularizer=None, weight_decay=0.001, trainable=True, restore=True, reuse=False,
            scope=None, name="FullyConnectedHighway"):
    """Dense highway layer: y = act(x·W + b)·T + x·(1 − T), T = σ(x·W_T + b_T) (Srivastava et al. 2015).

    The carry adds x itself, so ``n_units`` must equal the (flattened) input size. b_T starts at
    −1 (a bias toward carrying x); ``transform_dropout`` is a keep probability applied to T in
    training mode. Attributes W, b, W_t, b_t (TFLearn's spelling).
    """
    input_shape = get_incoming_shape(incoming)
    if len(input_shape) < 2:
        raise ValueError(f"highway: the incoming tensor must be at least 2-D, got shape {input_shape}")
    if any(d is None for d in input_shape[1:]):
        raise ValueError(f"highway: the incoming shape {input_shape} must be known except the batch axis")
    n_inputs = int(np.prod(input_shape[1:]))
    if n_inputs != n_units:
        raise ValueError(f"highway: the carry adds the input to the output, so n_units must equal the input size "
                         f"{n_inputs} (incoming shape {input_shape}); got n_units={n_units}")
    with tf.variable_scope(scope, default_name=name, values=[incoming], reuse=reuse or None) as vscope:
        name = vscope.name
        w_init = _weights_init(weights_init)
        W = va.variable("W", shape=[n_inputs, n_units], regularizer=_regularizer(regularizer, weight_decay),
                        initializer=w_init, trainable=trainable, restore=restore)
        b = va.variable("b", shape=[n_units], initializer=_weights_init(bias_init), trainable=trainable,
                        restore=restore)
        W_T = va.variable("W_T", shape=[n_inputs, n_units], initializer=w_init, trainable=trainable, restore=restore)
        b_T = va.variable("b_T", shape=[n_units], initializer=tf.constant_initializer(-1.0), trainable=trainable,
                          restore=restore)
        for v in (W, b, W_T, b_T):
            tf.add_to_collection(_keys.LAYER_VARIABLES + "/" + name, v)
        x = tf.reshape(incoming, [-1, n_inputs]) if len(input_shape) > 2 else incoming
        H = _activate(tf.matmul(x, W) + b, activation)
        T = tf.sigmoid(tf.matmul(x, W_T) + b_T)
        if transform_dropout:
            T = dropout(T, transform_dropout)
        inference = layer_output(tf.add(tf.multiply(H, T), tf.multiply(x, tf.subtract(1.0, T))))
        tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, inference)
    set_attrs(inference, scope=vscope, W=W, W_t=W_T, b=b, b_t=b_T)
    return _track(inference, name)


def one_hot_encoding(target, n_classes, on_value=1.0, off_value=0.0, name="OneHotEncoding"):
    """Integer class labels -> one-hot float vectors of length ``n_classes``."""
    with tf.name_scope(name):
        if target.dtype != tf.int32:
            target = tf.cast(target, tf.int32)
        return layer_output(tf.one_hot(target, n_classes, on_value=on_value, off_value=off_value))


def time_distributed(incoming, fn, args=None, scope=None):
    """``fn(x_t, *args)`` applied at every time step of (batch, time, ...) with shared variables."""
    if not args:
        args = []
    timestep = get_incoming_shape(incoming)[1]
    if timestep is None:
        raise ValueError("time_distributed: the number of time steps must be static")
    with tf.variable_scope(scope, default_name="TimeDistributed", values=[incoming]) as vscope:
        x = tf.unstack(incoming, axis=1)
        outs = []
        for i, xt in enumerate(x):
            if i > 0:
                vscope.reuse_variables()
            outs.append(fn(xt, *args, scope=vscope) if "scope" in _params(fn) else fn(xt, *args))
        return layer_output(tf.stack(outs, axis=1))


def _params(fn):
    import inspect
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def multi_target_data(name_list, shape, dtype=tf.float32):
    """One targets placeholder ``name/Y`` per name (each joins TARGETS), concatenated along the batch axis.

    For a ``regression`` whose output stacks several sources (a GAN discriminator fed fake then
    real images): ``fit`` feeds each placeholder by its name.
    """
    placeholders = []
    for name in name_list:
        with tf.name_scope(name):
            p = tf.placeholder(shape=shape, dtype=dtype, name="Y")
        if not any(p is t for t in tf.get_collection(_keys.TARGETS)):
            tf.add_to_collection(_keys.TARGETS, p)
        placeholders.append(p)
    return tf.concat(placeholders, axis=0)
