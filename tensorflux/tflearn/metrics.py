"""Metrics by name (``regression(metric=...)``): TFLearn's ``tflearn.metrics``.

A ``Metric`` is built by ``regression`` from (predictions, targets, inputs) into a scalar
tensor; its ``name`` is what the progress line shows (``acc``, ``top5``, ``R2``). ``R2`` is TFLearn
0.5's coefficient of determination; the older input-weighted ratio is ``WeightedR2``.
``Accuracy`` compares argmax of predictions and targets (one-hot), or, for a single output
column, thresholds the predictions at 0 (TFLearn's binary accuracy, meant for logits).
"""
from __future__ import annotations

from ..compat import v1 as tf
from .utils import get_from_module, layer_output, set_attrs

__all__ = ["get", "Metric", "Accuracy", "accuracy", "BinaryAccuracy", "binary_accuracy", "Top_k", "top_k", "R2",
           "r2", "WeightedR2", "weighted_r2", "accuracy_op", "binary_accuracy_op", "top_k_op", "r2_op",
           "weighted_r2_op"]


def get(identifier):
    """The metric class named ``identifier`` (a Metric instance or callable is returned unchanged)."""
    return get_from_module(identifier, globals(), "metric")


class Metric:
    """Base class: ``build(predictions, targets, inputs)`` makes ``self.tensor``; ``get_tensor()`` returns it."""

    def __init__(self, name=None):
        self.name = name
        self.tensor = None
        self.built = False

    def build(self, predictions, targets, inputs=None):  # pragma: no cover - interface
        raise NotImplementedError

    def get_tensor(self):
        """The metric tensor (``build`` must have been called)."""
        if not self.built:
            raise ValueError("Metric class Tensor hasn't been built. 'build' method must be invoked before "
                             "using 'get_tensor'.")
        return self.tensor

    def _done(self, tensor):
        self.built = True
        self.tensor = set_attrs(layer_output(tensor, name=self.name), m_name=self.name)


class Accuracy(Metric):
    """Mean accuracy: argmax match for one-hot targets; predictions > 0 for a single output column."""

    def __init__(self, name=None):
        super().__init__(name)

    def build(self, predictions, targets, inputs=None):
        pshape = predictions.get_shape()
        if len(pshape) == 1 or (len(pshape) == 2 and pshape.as_list()[1] == 1):
            self.name = self.name or "binary_acc"
            self._done(binary_accuracy_op(predictions, targets))
        else:
            self.name = self.name or "acc"
            self._done(accuracy_op(predictions, targets))


accuracy = Accuracy


class BinaryAccuracy(Metric):
    """Mean of [(predictions > 0) == targets] (predictions are logits)."""

    def __init__(self, name="binary_acc"):
        super().__init__(name)

    def build(self, predictions, targets, inputs=None):
        self._done(binary_accuracy_op(predictions, targets))


binary_accuracy = BinaryAccuracy


class Top_k(Metric):  # noqa: N801 - TFLearn's name
    """Mean of [the target class is among the k largest predictions]."""

    def __init__(self, k=1, name=None):
        super().__init__(name)
        self.name = name or f"top{k}"
        self.k = k

    def build(self, predictions, targets, inputs=None):
        self._done(top_k_op(predictions, targets, self.k))


top_k = Top_k


class R2(Metric):
    """Coefficient of determination 1 − Σ(t − p)² / Σ(t − mean(t))² (TFLearn 0.5's 'R2', for regressions)."""

    def __init__(self, name=None):
        super().__init__(name)
        self.name = name or "R2"

    def build(self, predictions, targets, inputs=None):
        self._done(r2_op(predictions, targets))


r2 = R2


class WeightedR2(Metric):
    """Σ(pred − inputs)² / Σ(targets − inputs)² (TFLearn's 'WeightedR2'; inputs and targets of one shape)."""

    def __init__(self, name=None):
        super().__init__(name)
        self.name = name or "R2"

    def build(self, predictions, targets, inputs=None):
        self._done(weighted_r2_op(predictions, targets, inputs))


weighted_r2 = WeightedR2


def accuracy_op(predictions, targets):
    """mean([argmax(predictions, 1) == argmax(targets, 1)])."""
    if not tf.is_tensor(targets):
        raise ValueError(f"accuracy_op: targets must be a Tensor, got {type(targets).__name__}")
    with tf.name_scope("Accuracy"):
        correct = tf.equal(tf.argmax(predictions, 1), tf.argmax(targets, 1))
        return tf.reduce_mean(tf.cast(correct, tf.float32))


def binary_accuracy_op(predictions, targets):
    """mean([(predictions > 0) == targets])."""
    with tf.name_scope("BinaryAccuracy"):
        pred = tf.cast(tf.greater(predictions, 0), tf.float32)
        correct = tf.equal(pred, tf.cast(targets, tf.float32))
        return tf.reduce_mean(tf.cast(correct, tf.float32))


def top_k_op(predictions, targets, k=1):
    """mean([argmax(targets) is among the k largest predictions])."""
    with tf.name_scope(f"Top_{k}"):
        correct = tf.nn.in_top_k(predictions, tf.argmax(targets, 1), k)
        return tf.reduce_mean(tf.cast(correct, tf.float32))


def r2_op(predictions, targets):
    """1 − Σ(targets − predictions)² / Σ(targets − mean(targets))² (sklearn's r2_score for one output;
    several output columns share one mean, as TFLearn 0.5 computes it)."""
    with tf.name_scope("StandardError"):
        targets = tf.cast(targets, predictions.dtype)
        residual = tf.reduce_sum(tf.square(targets - predictions))
        total = tf.reduce_sum(tf.square(targets - tf.reduce_mean(targets)))
        return tf.subtract(1.0, tf.div(residual, total))


def weighted_r2_op(predictions, targets, inputs):
    """Σ(predictions − inputs)² / Σ(targets − inputs)²."""
    with tf.name_scope("WeightedStandardError"):
        if isinstance(inputs, (list, tuple)):
            inputs = tf.add_n(list(inputs))
        if inputs.get_shape().as_list() != targets.get_shape().as_list():
            raise ValueError(f"WeightedR2 metric requires inputs and targets of the same shape, got "
                             f"{inputs.get_shape()} and {targets.get_shape()}")
        a = tf.reduce_sum(tf.square(predictions - inputs))
        b = tf.reduce_sum(tf.square(targets - inputs))
        return tf.div(a, b)
