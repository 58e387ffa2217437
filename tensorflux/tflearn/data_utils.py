"""Data helpers: ``to_categorical``, ``pad_sequences``, text-to-sequence helpers (TFLearn's ``data_utils``).

Plain NumPy on the data, before it reaches a network.
"""
from __future__ import annotations

import csv
import random

import numpy as np

__all__ = ["to_categorical", "pad_sequences", "string_to_semi_redundant_sequences",
           "textfile_to_semi_redundant_sequences", "chars_to_dictionary", "random_sequence_from_string",
           "random_sequence_from_textfile", "shuffle", "samplewise_zero_center", "samplewise_std_normalization",
           "featurewise_zero_center", "featurewise_std_normalization", "load_csv"]


def to_categorical(y, nb_classes=None):
    """Class indices (n,) -> one-hot float64 rows (n, nb_classes) (nb_classes: max(y) + 1 when not given).

    >>> to_categorical([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    y = np.asarray(y, dtype="int32").ravel()
    if not nb_classes:
        nb_classes = int(np.max(y)) + 1
    if y.size and (y.min() < 0 or y.max() >= nb_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {nb_classes}), got values from {y.min()} to "
                         f"{y.max()}")
    out = np.zeros((len(y), nb_classes))
    out[np.arange(len(y)), y] = 1.
    return out


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="post", truncating="post", value=0.):
    """Sequences -> an (n, maxlen) array, padded with ``value`` and cut to ``maxlen``.

    TFLearn's defaults pad and truncate at the end ('post'; Keras' are 'pre').

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[1, 2],
           [4, 0]], dtype=int32)
    """
    if padding not in ("pre", "post"):
        raise ValueError(f"Padding type '{padding}' not understood")
    if truncating not in ("pre", "post"):
        raise ValueError(f"Truncating type '{truncating}' not understood")
    lengths = [len(s) for s in sequences]
    if maxlen is None:
        maxlen = int(np.max(lengths)) if lengths else 0
    x = (np.ones((len(sequences), maxlen)) * value).astype(dtype)
    for i, s in enumerate(sequences):
        if len(s) == 0 or maxlen == 0:
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        if padding == "post":
            x[i, :len(trunc)] = trunc
        else:
            x[i, -len(trunc):] = trunc
    return x


def chars_to_dictionary(string):
    """{char: index} over the sorted distinct characters of ``string``."""
    return {c: i for i, c in enumerate(sorted(set(string)))}


def string_to_semi_redundant_sequences(string, seq_maxlen=25, redun_step=3, char_idx=None):
    """(X one-hot (n, seq_maxlen, n_chars), Y one-hot next char (n, n_chars), char_idx) from a text."""
    print("Vectorizing text...")
    if char_idx is None:
        char_idx = chars_to_dictionary(string)
    n_chars = len(char_idx)
    sequences, next_chars = [], []
    for i in range(0, len(string) - seq_maxlen, redun_step):
        sequences.append(string[i: i + seq_maxlen])
        next_chars.append(string[i + seq_maxlen])
    X = np.zeros((len(sequences), seq_maxlen, n_chars), dtype=bool)
    Y = np.zeros((len(sequences), n_chars), dtype=bool)
    for i, seq in enumerate(sequences):
        for t, char in enumerate(seq):
            X[i, t, char_idx[char]] = 1
        Y[i, char_idx[next_chars[i]]] = 1
    print(f"Text total length: {len(string):,}")
    print(f"Distinct chars   : {n_chars:,}")
    print(f"Total sequences  : {len(sequences):,}")
    return X, Y, char_idx


def textfile_to_semi_redundant_sequences(path, seq_maxlen=25, redun_step=3, to_lower_case=False,
                                         pre_defined_char_idx=None):
    """``string_to_semi_redundant_sequences`` on the content of a text file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if to_lower_case:
        text = text.lower()
    return string_to_semi_redundant_sequences(text, seq_maxlen, redun_step, pre_defined_char_idx)


def random_sequence_from_string(string, seq_maxlen):
    """A random substring of length ``seq_maxlen`` (Python's ``random``)."""
    start = random.randint(0, len(string) - seq_maxlen - 1)
    return string[start: start + seq_maxlen]


def random_sequence_from_textfile(path, seq_maxlen):
    with open(path, encoding="utf-8") as f:
        return random_sequence_from_string(f.read(), seq_maxlen)


def shuffle(*arrs):
    """The arrays shuffled with one common permutation (NumPy's global RNG)."""
    arrs = [np.asarray(a) for a in arrs]
    p = np.random.permutation(len(arrs[0]))
    return tuple(a[p] for a in arrs)


def samplewise_zero_center(X):
    """Each sample minus its own mean."""
    X = np.asarray(X, dtype=np.float32)
    axes = tuple(range(1, X.ndim))
    return X - X.mean(axis=axes, keepdims=True)


def samplewise_std_normalization(X):
    """Each sample divided by its own standard deviation."""
    X = np.asarray(X, dtype=np.float32)
    axes = tuple(range(1, X.ndim))
    return X / (X.std(axis=axes, keepdims=True) + 1e-8)


def featurewise_zero_center(X, mean=None):
    """(X − mean over the samples, mean); with a given ``mean``, X − mean alone (as TFLearn returns it)."""
    X = np.asarray(X, dtype=np.float32)
    if mean is None:
        mean = X.mean(axis=0)
        return X - mean, mean
    return X - mean


def featurewise_std_normalization(X, std=None):
    """(X / std over the samples, std); with a given ``std``, X / std alone (as TFLearn returns it)."""
    X = np.asarray(X, dtype=np.float32)
    if std is None:
        std = X.std(axis=0)
        return X / (std + 1e-8), std
    return X / (std + 1e-8)


def load_csv(filepath, target_column=-1, columns_to_ignore=None, has_header=True, categorical_labels=False,
             n_classes=None):
    """TFLearn's ``load_csv``: rows of a CSV file -> ``(data, target)``.

    ``data`` is a list of rows, each a list of the row's fields as strings (quoted fields may hold
    commas) without the target column and the ``columns_to_ignore``; ``target`` is the list of the
    target column's strings, or float64 one-hot rows (``to_categorical``) with
    ``categorical_labels=True`` (``n_classes`` required). The header line is skipped when
    ``has_header``; empty lines are skipped. As in TFLearn, ignored column ids count the file's
    columns: every id greater than ``target_column`` is lowered by one after the target is taken
    out (so with the default ``target_column=-1`` every id is lowered by one, as TFLearn does).
    """
    if categorical_labels and not isinstance(n_classes, (int, np.integer)):
        raise ValueError(f"load_csv: categorical_labels=True needs n_classes (an int), got {n_classes!r}")
    ignore = {c - 1 if c > target_column else c for c in (columns_to_ignore or [])}
    data, target = [], []
    with open(filepath, newline="") as csv_file:
        rows = csv.reader(csv_file)
        if has_header:
            next(rows, None)
        for line, row in enumerate(rows, start=2 if has_header else 1):
            if not row:
                continue
            try:
                target.append(row.pop(target_column))
            except IndexError:
                raise ValueError(f"load_csv: {filepath} line {line} has {len(row)} fields, no target column "
                                 f"{target_column}") from None
            data.append([field for j, field in enumerate(row) if j not in ignore])
    if categorical_labels:
        target = to_categorical(target, int(n_classes))
    return data, target
