"""TFLearn's dataset loaders (``tflearn.datasets.mnist``, ``tflearn.datasets.cifar10``,
``tflearn.datasets.titanic``)."""
from . import cifar10, mnist, titanic

__all__ = ["cifar10", "mnist", "titanic"]
