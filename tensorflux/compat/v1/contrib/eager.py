"""``tf.contrib.eager`` (``tfe``): TF 1.5–1.x's eager helpers over ``compat.v1``'s eager execution.

``tfe.enable_eager_execution()``, ``tfe.Variable``, ``tfe.implicit_gradients(f)`` /
``implicit_value_and_gradients(f)`` (gradients of ``f``'s result with respect to the trainable
variables it used), ``gradients_function(f)`` (with respect to its arguments), ``tfe.Iterator(dataset)``
(a Python iterator over a ``tf.data.Dataset``) and ``tfe.Network`` (a container of ``tf.layers``).
"""
from __future__ import annotations

from ....graph import core
from ....graph import functions as F
from ....graph.errors import OutOfRangeError
from ....graph.gradients import gradients as _gradients
from ..eager import EagerVariable, enable_eager_execution, executing_eagerly

__all__ = ["enable_eager_execution", "executing_eagerly", "in_eager_mode", "Variable", "implicit_gradients",
           "implicit_value_and_gradients", "gradients_function", "value_and_gradients_function", "Iterator",
           "Network", "num_gpus"]

in_eager_mode = executing_eagerly


def Variable(initial_value=None, trainable=True, name=None, dtype=None, **kwargs):  # noqa: N802 - TF's name
    """A variable (``tfe.Variable``): under eager execution its value is readable with ``.numpy()``."""
    _require_eager("tfe.Variable")
    return EagerVariable(initial_value, trainable=trainable, name=name, dtype=dtype, **kwargs)


def _require_eager(what):
    if not executing_eagerly():
        raise ValueError(f"{what} needs eager execution: call tf.enable_eager_execution() at program start")


def _used_variables(y):
    """The trainable variables ``y`` was computed from, in creation order."""
    trainable = {v.op: v for v in core.get_default_graph().get_collection(core.GraphKeys.TRAINABLE_VARIABLES)}
    seen, found, stack = set(), {}, [F.as_tensor(y).op]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op in trainable:
            found[op._id] = trainable[op]
        stack.extend(t.op for t in op.inputs if t is not None)
    return [found[k] for k in sorted(found)]


def implicit_value_and_gradients(f):
    """``fn(*args) -> (f(*args), [(gradient, variable), ...])`` over the trainable variables ``f`` used."""
    def grad_fn(*args, **kwargs):
        _require_eager("implicit_value_and_gradients")
        value = f(*args, **kwargs)
        variables = _used_variables(value)
        if not variables:
            raise ValueError("implicit_gradients: no trainable variable was used to compute the function's value")
        grads = _gradients(value, variables)
        return value, [(g, v) for g, v in zip(grads, variables) if g is not None]
    return grad_fn


def implicit_gradients(f):
    """``fn(*args) -> [(gradient, variable), ...]`` for ``optimizer.apply_gradients``."""
    value_and_grads = implicit_value_and_gradients(f)

    def grad_fn(*args, **kwargs):
        return value_and_grads(*args, **kwargs)[1]
    return grad_fn


def value_and_gradients_function(f, params=None):
    """``fn(*args) -> (f(*args), [d f / d arg, ...])`` (for the arguments chosen by ``params``, default all)."""
    def grad_fn(*args):
        _require_eager("gradients_function")
        xs = [F.as_tensor(a) for a in args]
        value = f(*xs)
        chosen = range(len(xs)) if params is None else params
        return value, _gradients(value, [xs[i] for i in chosen])
    return grad_fn


def gradients_function(f, params=None):
    """``fn(*args) -> [d f / d arg, ...]``: the gradient of ``f`` with respect to its arguments."""
    value_and_grads = value_and_gradients_function(f, params)

    def grad_fn(*args):
        return value_and_grads(*args)[1]
    return grad_fn


class Iterator:
    """A Python iterator over a ``tf.data.Dataset`` under eager execution (``next()`` gives tensors)."""

    def __init__(self, dataset):
        _require_eager("tfe.Iterator")
        self._iterator = dataset.make_one_shot_iterator()

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return self._iterator.get_next()
        except OutOfRangeError:
            raise StopIteration from None

    next = __next__

    def get_next(self, name=None):
        return self._iterator.get_next(name)


class Network:
    """A container of layers (``tfe.Network``): ``track_layer(layer)``, ``__call__`` runs ``call``."""

    def __init__(self, name=None):
        self._layers = []
        self._name = name

    def track_layer(self, layer):
        """Keep ``layer`` (its variables are the network's) and return it."""
        self._layers.append(layer)
        return layer

    @property
    def layers(self):
        return list(self._layers)

    @property
    def variables(self):
        return [v for layer in self._layers for v in getattr(layer, "variables", [])]

    trainable_variables = variables

    def call(self, inputs, *args, **kwargs):  # pragma: no cover - interface
        raise NotImplementedError("tfe.Network subclasses define call(inputs)")

    def __call__(self, inputs, *args, **kwargs):
        return self.call(inputs, *args, **kwargs)


def num_gpus():
    """0: tensorflux runs on the CPU."""
    return 0
