"""``tf.contrib.tensorboard.plugins.projector``: describe embeddings for TensorBoard's projector.

``ProjectorConfig`` / ``EmbeddingInfo`` / ``SpriteMetadata`` mirror the fields of TensorBoard's
``projector_config.proto`` as the protobuf Python API exposes them (attribute assignment,
``config.embeddings.add()``, keyword constructors, ``str()`` in text format), and
``visualize_embeddings(writer, config)`` writes ``projector_config.pbtxt`` into the writer's log
directory, as TF does. The projector reads the tensors from a TF checkpoint; tensorflux's ``.npz``
checkpoints are not that format, so the projector tab shows the config's names, not the values.
"""
from __future__ import annotations

import os

from ....example_pb import text_format_escape

__all__ = ["ProjectorConfig", "EmbeddingInfo", "SpriteMetadata", "visualize_embeddings", "PROJECTOR_FILENAME"]

PROJECTOR_FILENAME = "projector_config.pbtxt"


def _quote(text):
    """A protobuf text-format string literal (C escapes, UTF-8 bytes above ASCII as octal)."""
    return '"' + text_format_escape(str(text).encode("utf-8")) + '"'


class _RepeatedUInt32(list):
    """A repeated uint32 field: a list that refuses negative or non-integer values."""

    def __init__(self, field, values=()):
        super().__init__()
        self._field = field
        self.extend(values)

    def _check(self, value):
        if isinstance(value, bool) or not isinstance(value, int) and not hasattr(value, "__index__"):
            raise TypeError(f"{self._field}: expected an int, got {value!r} of type {type(value).__name__}")
        value = int(value.__index__())
        if not 0 <= value < 2 ** 32:
            raise ValueError(f"{self._field}: value out of range for uint32: {value}")
        return value

    def append(self, value):
        super().append(self._check(value))

    def extend(self, values):
        for v in values:
            self.append(v)


class _Message:
    """Fields: strings, repeated uint32s and sub-messages, set by keyword or attribute."""
    _STRINGS: tuple = ()
    _REPEATED: tuple = ()
    _MESSAGES: dict = {}
    _ORDER: tuple = ()

    def __init__(self, **fields):
        for name in self._STRINGS:
            object.__setattr__(self, name, "")
        for name in self._REPEATED:
            object.__setattr__(self, name, _RepeatedUInt32(name))
        for name, cls in self._MESSAGES.items():
            object.__setattr__(self, name, cls())
        for name, value in fields.items():
            if name in self._REPEATED:
                getattr(self, name).extend(value)
            elif name in self._MESSAGES:
                getattr(self, name).CopyFrom(value)
            else:
                setattr(self, name, value)

    def __setattr__(self, name, value):
        if name in self._STRINGS:
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            if not isinstance(value, str):
                raise TypeError(f"{type(self).__name__}.{name}: expected str, got {type(value).__name__}")
            object.__setattr__(self, name, value)
        elif name in self._REPEATED or name in self._MESSAGES:
            raise AttributeError(f"Assignment not allowed to repeated or message field \"{name}\" in protocol "
                                 f"message object ({type(self).__name__}); use append/extend/add or CopyFrom")
        else:
            raise AttributeError(f"{type(self).__name__} has no field \"{name}\"")

    def CopyFrom(self, other):
        if type(other) is not type(self):
            raise TypeError(f"{type(self).__name__}.CopyFrom: expected {type(self).__name__}, "
                            f"got {type(other).__name__}")
        for name in self._STRINGS:
            object.__setattr__(self, name, getattr(other, name))
        for name in self._REPEATED:
            object.__setattr__(self, name, _RepeatedUInt32(name, getattr(other, name)))
        for name in self._MESSAGES:
            getattr(self, name).CopyFrom(getattr(other, name))
        for name in getattr(self, "_LISTS", ()):
            getattr(self, name)[:] = [type(m)(**{}) for m in getattr(other, name)]
            for mine, theirs in zip(getattr(self, name), getattr(other, name)):
                mine.CopyFrom(theirs)

    def _is_empty(self):
        return not self._lines(0)

    def _lines(self, indent):
        pad = "  " * indent
        lines = []
        for name in self._ORDER:
            value = getattr(self, name)
            if name in self._STRINGS:
                if value:
                    lines.append(f"{pad}{name}: {_quote(value)}")
            elif name in self._REPEATED:
                lines.extend(f"{pad}{name}: {v}" for v in value)
            else:
                items = value if isinstance(value, list) else ([] if value._is_empty() else [value])
                for item in items:
                    lines.append(f"{pad}{name} {{")
                    lines.extend(item._lines(indent + 1))
                    lines.append(f"{pad}}}")
        return lines

    def __str__(self):
        """Protobuf text format (what ``text_format.MessageToString`` writes)."""
        return "".join(line + "\n" for line in self._lines(0))

    def __eq__(self, other):
        return type(other) is type(self) and str(self) == str(other)

    __hash__ = None


class SpriteMetadata(_Message):
    """Where the sprite image of the embedded points is, and one thumbnail's [width, height]."""
    _STRINGS = ("image_path",)
    _REPEATED = ("single_image_dim",)
    _ORDER = ("image_path", "single_image_dim")


class EmbeddingInfo(_Message):
    """One embedding: its tensor's name, a metadata (labels) TSV, bookmarks, shape, sprite."""
    _STRINGS = ("tensor_name", "metadata_path", "bookmarks_path", "tensor_path")
    _REPEATED = ("tensor_shape",)
    _MESSAGES = {"sprite": SpriteMetadata}
    _ORDER = ("tensor_name", "metadata_path", "bookmarks_path", "tensor_shape", "sprite", "tensor_path")


class _RepeatedEmbeddings(list):
    """``config.embeddings``: ``add(**fields)`` appends a new ``EmbeddingInfo`` and returns it."""

    def add(self, **fields):
        info = EmbeddingInfo(**fields)
        list.append(self, info)
        return info

    def append(self, info):
        if not isinstance(info, EmbeddingInfo):
            raise TypeError(f"embeddings: expected an EmbeddingInfo, got {type(info).__name__}")
        copy = EmbeddingInfo()
        copy.CopyFrom(info)
        list.append(self, copy)


class ProjectorConfig(_Message):
    """The projector's config: the checkpoint to read and the embeddings to show."""
    _STRINGS = ("model_checkpoint_path", "model_checkpoint_dir")
    _LISTS = ("embeddings",)
    _ORDER = ("model_checkpoint_path", "embeddings", "model_checkpoint_dir")

    def __init__(self, **fields):
        embeddings = fields.pop("embeddings", ())
        object.__setattr__(self, "embeddings", _RepeatedEmbeddings())
        super().__init__(**fields)
        for info in embeddings:
            self.embeddings.append(info)

    def __setattr__(self, name, value):
        if name == "embeddings":
            raise AttributeError("Assignment not allowed to repeated field \"embeddings\" in protocol message "
                                 "object (ProjectorConfig); use embeddings.add()")
        super().__setattr__(name, value)


def visualize_embeddings(summary_writer, config):
    """Write ``config`` (text format) to ``<writer's logdir>/projector_config.pbtxt``."""
    if not isinstance(config, ProjectorConfig):
        raise TypeError(f"visualize_embeddings: config must be a ProjectorConfig, got {type(config).__name__}")
    logdir = summary_writer.get_logdir() if hasattr(summary_writer, "get_logdir") else summary_writer
    if logdir is None:
        raise ValueError("Summary writer must have a logdir")
    with open(os.path.join(str(logdir), PROJECTOR_FILENAME), "w", encoding="utf-8") as f:
        f.write(str(config))
