"""TFLearn's ``tflearn.helpers.regularizer``: attach a weight-decay loss to any variable.

``add_weights_regularizer(W, 'L2', weight_decay=0.001)`` adds ``weight_decay · Σ W² / 2`` to
``tf.GraphKeys.REGULARIZATION_LOSSES``, which every ``TrainOp`` adds to the loss it minimises,
exactly as a layer's ``regularizer='L2'`` does.
"""
from __future__ import annotations

from ...compat import v1 as tf
from .. import losses

__all__ = ["add_weights_regularizer"]


def add_weights_regularizer(variable, loss="L2", weight_decay=0.001, add_to_collection=None):
    """The regularization loss of ``variable``, added to ``add_to_collection`` (default: REGULARIZATION_LOSSES).

    ``loss`` is a regularizer name ('L1', 'L2'), a callable ``loss(variable)``, or a ready tensor.
    """
    if isinstance(loss, str):
        regul = losses.get(loss)(variable, weight_decay)
    elif callable(loss):
        regul = loss(variable)
    elif tf.is_tensor(loss):
        regul = loss
    else:
        raise ValueError(f"add_weights_regularizer: loss must be a regularizer name ('L1', 'L2'), a callable or a "
                         f"Tensor, got {type(loss).__name__}")
    tf.add_to_collection(add_to_collection or tf.GraphKeys.REGULARIZATION_LOSSES, regul)
    return regul
