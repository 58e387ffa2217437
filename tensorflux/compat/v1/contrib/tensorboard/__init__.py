"""``tf.contrib.tensorboard``: the embedding projector's config (``plugins.projector``)."""
from . import plugins

__all__ = ["plugins"]
