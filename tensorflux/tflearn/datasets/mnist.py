"""MNIST for TFLearn programs: ``load_data(data_dir="mnist/", one_hot=False)`` -> (X, Y, testX, testY).

As TFLearn's loader: X and testX are float32 (n, 784) in [0, 1]; the first 5,000 training images
are TFLearn's validation split and are not returned (X has 55,000 rows); labels are uint8
class indices, or float64 one-hot rows with ``one_hot=True``. The four IDX files (gzip or raw)
are read by ``tensorflux.datasets.mnist`` from ``data_dir``, else from tensorflux's data
directories (``$TENSORFLUX_DATA/mnist``, the cache); when neither has them they are downloaded
into ``data_dir``, as TFLearn does (``download=False`` raises instead).
"""
from __future__ import annotations

import numpy as np

from ...compat.v1.examples.tutorials.mnist.input_data import DataSet
from ...datasets import mnist as _mnist

__all__ = ["load_data", "read_data_sets", "VALIDATION_SIZE", "DataSet"]

VALIDATION_SIZE = 5000


def _labels(labels, one_hot):
    """uint8 class indices, or float64 one-hot rows."""
    y = labels.astype(np.uint8)
    if one_hot:
        onehot = np.zeros((len(y), 10))
        onehot[np.arange(len(y)), y] = 1.0
        y = onehot
    return y


def _prepare(images, labels, one_hot):
    x = images.reshape(len(images), -1).astype(np.float32)
    x *= 1.0 / 255.0
    return x, _labels(labels, one_hot)


def _root(data_dir):
    """``data_dir`` when it holds the files, else tensorflux's own data directory when that does."""
    if _mnist.locate(data_dir) is None and _mnist.locate(None) is not None:
        return None
    return data_dir


def load_data(data_dir="mnist/", one_hot=False, download=True):
    """(X (55000, 784), Y, testX (10000, 784), testY) from the MNIST files in ``data_dir``."""
    root = _root(data_dir)
    train_images, train_labels = _mnist.load("train", root=root, download=download)
    test_images, test_labels = _mnist.load("test", root=root, download=download)
    X, Y = _prepare(train_images[VALIDATION_SIZE:], train_labels[VALIDATION_SIZE:], one_hot)
    testX, testY = _prepare(test_images, test_labels, one_hot)
    return X, Y, testX, testY


class _DataSets:
    pass


def _dataset(images, labels, one_hot):
    """A ``DataSet`` (``images`` float32 (n, 784) in [0, 1], ``labels``, ``num_examples``, ``next_batch``)."""
    return DataSet(images, _labels(labels, one_hot), one_hot=one_hot)


def read_data_sets(train_dir="mnist/", fake_data=False, one_hot=False, download=True):
    """An object with ``train``, ``validation`` and ``test`` sets (``images``, ``labels``, ``num_examples``,
    ``epochs_completed``, ``next_batch(batch_size)``: TF's ``DataSet``, which TFLearn's loader copies)."""
    if fake_data:
        raise NotImplementedError("read_data_sets: fake_data is not supported")
    root = _root(train_dir)
    train_images, train_labels = _mnist.load("train", root=root, download=download)
    test_images, test_labels = _mnist.load("test", root=root, download=download)
    ds = _DataSets()
    ds.validation = _dataset(train_images[:VALIDATION_SIZE], train_labels[:VALIDATION_SIZE], one_hot)
    ds.train = _dataset(train_images[VALIDATION_SIZE:], train_labels[VALIDATION_SIZE:], one_hot)
    ds.test = _dataset(test_images, test_labels, one_hot)
    return ds
