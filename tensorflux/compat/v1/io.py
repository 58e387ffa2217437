"""``tf.io``: file helpers under their TF 2-style names (present in TF 1.13+): ``tf.io.gfile.exists`` ..."""
import types as _types

from . import gfile as _g

__all__ = ["gfile", "read_file", "write_file"]

from .io_records import (TFRecordWriter, TFRecordOptions, TFRecordCompressionType,  # noqa: E402,F401
                         tf_record_iterator)
from .parsing_ops import (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature,  # noqa: E402,F401
                          parse_single_example, parse_example, decode_raw)

__all__ += ["TFRecordWriter", "TFRecordOptions", "TFRecordCompressionType", "tf_record_iterator",
            "FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "parse_single_example",
            "parse_example", "decode_raw"]

#: ``tf.io.gfile`` (lower-case names of ``tf.gfile``)
gfile = _types.SimpleNamespace(
    exists=_g.Exists, makedirs=_g.MakeDirs, mkdir=_g.MkDir, rmtree=_g.DeleteRecursively, remove=_g.Remove,
    glob=_g.Glob, listdir=_g.ListDirectory, isdir=_g.IsDirectory, GFile=_g.GFile, copy=_g.Copy,
    rename=_g.Rename, walk=_g.Walk)


def read_file(filename, name=None):
    """The bytes of a file, read when the op runs (``filename`` may be a string tensor)."""
    from .readers import read_file as _read_file
    return _read_file(filename, name=name)


from .readers import matching_files, decode_csv  # noqa: E402,F401
__all__ += ["matching_files", "decode_csv"]


def write_file(filename, contents, name=None):  # pragma: no cover - rarely used
    raise NotImplementedError("tf.io.write_file is not supported; write the file in Python")
