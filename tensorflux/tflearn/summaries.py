"""TFLearn's ``tflearn.summaries`` helpers used by programs that mix TFLearn and plain TF code.

``monitor_activation(t)`` adds ``t`` to ``tf.GraphKeys.ACTIVATIONS``, the collection TFLearn's
layers add their outputs to (TFLearn histograms it at ``tensorboard_verbose=3``; tensorflux writes no
activation histograms, see docs/tflearn.md).
"""
from __future__ import annotations

from ..compat import v1 as tf

__all__ = ["monitor_activation"]


def monitor_activation(tensor):
    """Add ``tensor`` to the ACTIVATIONS collection."""
    if not tf.is_tensor(tensor):
        raise ValueError(f"monitor_activation: expected a Tensor, got {type(tensor).__name__}")
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, tensor)
