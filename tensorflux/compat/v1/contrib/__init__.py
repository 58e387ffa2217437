"""``tf.contrib``: the parts TF 1.x course code used (layers, rnn, framework, data, learn's datasets,
tensorboard's projector config)."""
from . import data, eager, framework, layers, learn, rnn, tensorboard

__all__ = ["data", "eager", "framework", "layers", "learn", "rnn", "tensorboard"]
