"""TF 1.x readers (``tf.TextLineReader``, ``tf.FixedLengthRecordReader``, ``tf.WholeFileReader``,
``tf.TFRecordReader``) and the file ops ``tf.read_file``, ``tf.matching_files``, ``tf.decode_csv``.

    filename_queue = tf.train.string_input_producer(['data.csv'])
    key, value = tf.TextLineReader(skip_header_lines=1).read(filename_queue)   # b'data.csv:2', b'1.0,3'
    x, y = tf.decode_csv(value, record_defaults=[[0.0], [0]])

A reader's position (the file it is in and how far) is per-session state in the session's store.
``read(queue)`` returns one record per ``sess.run`` as two string scalars (key, value); when the
current file is done it dequeues the next file name from ``queue`` (which pulls the queue's
runners, see ``queues.py``); when that queue is closed and empty the run raises
``tf.errors.OutOfRangeError``. Keys are TF's: ``b"<file>:<line>"`` (1-based, header lines counted)
for text lines, ``b"<file>:<record index>"`` for fixed-length records, ``b"<file>:<byte offset>"``
for TFRecords, and the file name for whole files.
"""
from __future__ import annotations

import glob as _glob
import gzip
import os
import zlib

import numpy

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.errors import InvalidArgumentError, NotFoundError, OutOfRangeError
from ...graph.variables import stateful_node
from .queues import _queue_of, _resource

__all__ = ["ReaderBase", "TextLineReader", "FixedLengthRecordReader", "WholeFileReader", "TFRecordReader",
           "IdentityReader", "LMDBReader", "read_file", "matching_files", "decode_csv"]


def _str(v):
    """A scalar string value (bytes in an array) as a Python str path."""
    if isinstance(v, numpy.ndarray):
        v = v.item() if v.size == 1 else v
    return v.decode() if isinstance(v, bytes) else str(v)


def _open(path, what):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{what}: {path}; No such file or directory") from None
    except OSError as exc:
        raise InvalidArgumentError(f"{what}: cannot open {path!r}: {exc}") from None


# ------------------------------------------------------------------------- readers
class _ReaderState:
    """One reader's position in one session."""

    __slots__ = ("work", "records", "produced", "completed")

    def __init__(self):
        self.work, self.records, self.produced, self.completed = None, None, 0, 0


class ReaderBase:
    """A reader of records from the files named by a queue (``tf.ReaderBase``); subclasses give ``_records``."""

    _default_name = "ReaderBase"

    def __init__(self, name=None):
        self._graph = core.get_default_graph()
        self._name, self._key, self._reader_ref = _resource(self._graph, name or self._default_name, "reader")

    @property
    def reader_ref(self):
        """A string tensor standing for the reader."""
        return self._reader_ref

    @property
    def supports_serialize(self):
        return False

    def _records(self, path):
        """Yield (key bytes, value bytes) for each record of the file ``path``."""
        raise NotImplementedError

    def _state(self, store):
        st = store.get(self._key)
        if st is None:
            st = store[self._key] = _ReaderState()
        return st

    def _next(self, store, queue, what):
        """The next (key, value): from the current file, else from the next file name the queue gives."""
        st = self._state(store)
        while True:
            if st.records is None:
                (elem,) = queue._take(store, 1, "one", what)
                st.work = _str(elem[0])
                st.records = self._records(st.work)
            rec = next(st.records, None)
            if rec is not None:
                st.produced += 1
                return rec
            st.records, st.work = None, None
            st.completed += 1

    def read(self, queue, name=None):
        """(key, value) string scalars: the next record, reading the next file from ``queue`` when needed."""
        q = _queue_of(queue, f"{type(self).__name__}.read")
        what = f"{type(self).__name__} '{self._name}'"

        def run(store):
            k, v = self._next(store, q, what)
            return numpy.asarray(k, dtype=object), numpy.asarray(v, dtype=object)
        op = stateful_node("ReaderReadV2", run, [], [((), D.string), ((), D.string)], name=name or "ReaderReadV2",
                           graph=self._graph)
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue, num_records, name=None):
        """(keys, values) 1-D string tensors of up to ``num_records`` records (fewer at the very end)."""
        q = _queue_of(queue, f"{type(self).__name__}.read_up_to")
        what = f"{type(self).__name__} '{self._name}'"
        n_t = F.as_tensor(num_records, dtype=D.int64) if not F.is_tensor(num_records) else F.as_tensor(num_records)

        def run(store, n):
            keys, values = [], []
            for _ in range(int(n)):
                try:
                    k, v = self._next(store, q, what)
                except OutOfRangeError:
                    if keys:
                        break
                    raise
                keys.append(k)
                values.append(v)
            return numpy.array(keys + [None], dtype=object)[:-1], numpy.array(values + [None], dtype=object)[:-1]
        op = stateful_node("ReaderReadUpToV2", run, [n_t], [((None,), D.string), ((None,), D.string)],
                           name=name or "ReaderReadUpToV2", graph=self._graph)
        return op.outputs[0], op.outputs[1]

    def num_records_produced(self, name=None):
        """An int64 scalar: how many records this reader has returned."""
        return stateful_node("ReaderNumRecordsProducedV2",
                             lambda store: numpy.asarray(self._state(store).produced, dtype=numpy.int64), [],
                             [((), D.int64)], name=name or "ReaderNumRecordsProducedV2", graph=self._graph).outputs[0]

    def num_work_units_completed(self, name=None):
        """An int64 scalar: how many files this reader has finished."""
        return stateful_node("ReaderNumWorkUnitsCompletedV2",
                             lambda store: numpy.asarray(self._state(store).completed, dtype=numpy.int64), [],
                             [((), D.int64)], name=name or "ReaderNumWorkUnitsCompletedV2",
                             graph=self._graph).outputs[0]

    def reset(self, name=None):
        """An op forgetting the current file and the counts."""
        def run(store):
            store[self._key] = _ReaderState()
            return ()
        return stateful_node("ReaderResetV2", run, [], [], name=name or "ReaderResetV2", graph=self._graph)

    def serialize_state(self, name=None):
        raise NotImplementedError(f"{type(self).__name__}.serialize_state is not supported by tensorflux")

    def restore_state(self, state, name=None):
        raise NotImplementedError(f"{type(self).__name__}.restore_state is not supported by tensorflux")


class TextLineReader(ReaderBase):
    """The lines of text files without their line endings (``tf.TextLineReader``); key ``b"file:line"``."""

    _default_name = "TextLineReaderV2"

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(name)
        self._skip = int(skip_header_lines or 0)

    def _records(self, path):
        with _open(path, "TextLineReader") as f:
            for number, line in enumerate(f, 1):
                if number <= self._skip:
                    continue
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                yield f"{path}:{number}".encode(), line


class FixedLengthRecordReader(ReaderBase):
    """Records of ``record_bytes`` bytes (``tf.FixedLengthRecordReader``); key ``b"file:record index"``.

    ``header_bytes`` / ``footer_bytes`` are skipped; ``hop_bytes`` (default: ``record_bytes``) is the
    distance between record starts; ``encoding`` may be 'ZLIB' or 'GZIP' for compressed files. An
    incomplete last record is dropped, as in TF."""

    _default_name = "FixedLengthRecordReaderV2"

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None, name=None, encoding=None):
        super().__init__(name)
        self._rec = int(record_bytes)
        if self._rec <= 0:
            raise ValueError(f"FixedLengthRecordReader: record_bytes must be positive, got {record_bytes}")
        self._head, self._foot = int(header_bytes or 0), int(footer_bytes or 0)
        self._hop = int(hop_bytes) if hop_bytes else self._rec
        enc = (encoding or "").upper()
        if enc not in ("", "ZLIB", "GZIP"):
            raise ValueError(f"FixedLengthRecordReader: encoding must be None, 'ZLIB' or 'GZIP', got {encoding!r}")
        self._enc = enc

    def _records(self, path):
        with _open(path, "FixedLengthRecordReader") as f:
            data = f.read()
        if self._enc == "GZIP":
            data = gzip.decompress(data)
        elif self._enc == "ZLIB":
            data = zlib.decompress(data)
        end = len(data) - self._foot
        i, pos = 0, self._head
        while pos + self._rec <= end:
            yield f"{path}:{i}".encode(), data[pos:pos + self._rec]
            i += 1
            pos += self._hop


class WholeFileReader(ReaderBase):
    """Each file as one record (``tf.WholeFileReader``): key is the file name, value its bytes."""

    _default_name = "WholeFileReaderV2"

    def _records(self, path):
        with _open(path, "WholeFileReader") as f:
            data = f.read()
        yield path.encode(), data


class TFRecordReader(ReaderBase):
    """The records of TFRecord files (``tf.TFRecordReader``); key ``b"file:byte offset"`` of the record.

    ``options``: a ``tf.python_io.TFRecordOptions`` or compression type ('', 'ZLIB', 'GZIP'). Both
    CRCs of every record are checked (``tf.errors.DataLossError`` on a mismatch)."""

    _default_name = "TFRecordReaderV2"

    def __init__(self, name=None, options=None):
        from .io_records import compression_of
        super().__init__(name)
        self._comp = compression_of(options, "TFRecordReader")

    def _records(self, path):
        from .io_records import iter_tfrecords
        if not os.path.exists(path):
            raise NotFoundError(f"TFRecordReader: {path}; No such file or directory")
        offset = 0
        for data in iter_tfrecords(path, self._comp or None):
            yield f"{path}:{offset}".encode(), data
            offset += len(data) + 16   # 8-byte length, 4-byte length CRC, data, 4-byte data CRC


class IdentityReader(ReaderBase):
    """Returns the queued work item as both key and value (``tf.IdentityReader``)."""

    _default_name = "IdentityReaderV2"

    def _records(self, path):
        yield path.encode(), path.encode()


class LMDBReader(ReaderBase):
    """Not supported (``tf.LMDBReader``)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("tf.LMDBReader is not supported by tensorflux")


# ------------------------------------------------------------------------- file ops
def read_file(filename, name=None):
    """The bytes of the file ``filename`` (a string tensor or value), read when the op runs (``tf.read_file``)."""
    t = F.as_tensor(filename, dtype=D.string) if not F.is_tensor(filename) else F.as_tensor(filename)
    if t.dtype is not D.string:
        raise TypeError(f"read_file: filename must be a string tensor, got {t.dtype.name} ('{t.name}')")

    def run(store, fname):
        if numpy.asarray(fname).ndim != 0:
            raise InvalidArgumentError(f"read_file: filename must be a scalar, got shape {list(numpy.shape(fname))}")
        path = _str(fname)
        with _open(path, "ReadFile") as f:
            return numpy.asarray(f.read(), dtype=object)
    return stateful_node("ReadFile", run, [t], [((), D.string)], name=name or "ReadFile").outputs[0]


def matching_files(pattern, name=None):
    """The sorted file names matching a glob pattern (or a 1-D list of patterns), as a 1-D string tensor."""
    t = F.as_tensor(pattern, dtype=D.string) if not F.is_tensor(pattern) else F.as_tensor(pattern)

    def run(store, pats):
        names = []
        for p in numpy.ravel(numpy.asarray(pats, dtype=object)):
            names.extend(sorted(_glob.glob(_str(p))))
        return numpy.array([n.encode() for n in names] + [None], dtype=object)[:-1]
    return stateful_node("MatchingFiles", run, [t], [((None,), D.string)], name=name or "MatchingFiles").outputs[0]


# ------------------------------------------------------------------------- decode_csv
_CSV_TYPES = (D.float32, D.float64, D.int32, D.int64, D.string)


def _default_tensor(d, i):
    """One ``record_defaults`` entry as a tensor of rank 0 or 1 (at most one value)."""
    if F.is_tensor(d):
        t = F.as_tensor(d)
    elif isinstance(d, (list, tuple)) and len(d) == 0:
        t = F.constant(numpy.zeros(0, numpy.float32), name="Const")
    else:
        t = F.as_tensor(d)
    if t.dtype not in _CSV_TYPES:
        raise TypeError(f"decode_csv: record_defaults[{i}] has dtype {t.dtype.name}; expected one of "
                        f"{[x.name for x in _CSV_TYPES]}")
    if t._dims is not None and (len(t._dims) > 1 or (len(t._dims) == 1 and t._dims[0] not in (None, 0, 1))):
        raise ValueError(f"decode_csv: record_defaults[{i}] must be a scalar or have at most one value (an empty "
                         f"list means the column is required), got shape {t.shape}")
    return t


def _split_csv(rec, delim, quotes, index):
    """The fields of one record (bytes); quoted fields may hold the delimiter and doubled quotes."""
    if not quotes:
        return rec.split(delim)
    fields, i, n = [], 0, len(rec)
    while True:
        if i < n and rec[i:i + 1] == b'"':
            buf, i = bytearray(), i + 1
            while True:
                j = rec.find(b'"', i)
                if j < 0:
                    raise InvalidArgumentError(f"Quoted field has to end with quote followed by delim or end "
                                               f"(record {index})")
                buf += rec[i:j]
                if rec[j + 1:j + 2] == b'"':
                    buf += b'"'
                    i = j + 2
                    continue
                i = j + 1
                break
            fields.append(bytes(buf))
            if i < n and rec[i:i + len(delim)] != delim:
                raise InvalidArgumentError(f"Quoted field has to end with quote followed by delim or end (record "
                                           f"{index})")
        else:
            j = rec.find(delim, i)
            fields.append(rec[i:] if j < 0 else rec[i:j])
            i = n if j < 0 else j
        if i >= n:
            return fields
        i += len(delim)
        if i == n:
            fields.append(b"")
            return fields


def _parse_field(text, dt, f, r):
    if dt is D.string:
        return text
    s = text.decode("utf-8", "replace").strip()
    try:
        if dt.is_integer:
            v = int(s, 10)
            info = numpy.iinfo(dt.dtype)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(s)
    except ValueError:
        kind = dt.name if dt.is_integer else ("float" if dt is D.float32 else "double")
        raise InvalidArgumentError(f"Field {f} in record {r} is not a valid {kind}: {s}") from None


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None, na_value="",
               select_cols=None):
    """Parse CSV records into one tensor per column, each shaped like ``records`` (``tf.decode_csv``).

    Column types come from ``record_defaults`` (float32/float64/int32/int64/string, one entry per
    column, e.g. ``[[0.0], [0], ['']]``); an empty field (or one equal to ``na_value``) takes its
    column's default, and a column whose default is empty (``[]``) is required."""
    recs = F.as_tensor(records, dtype=D.string) if not F.is_tensor(records) else F.as_tensor(records)
    if recs.dtype is not D.string:
        raise TypeError(f"decode_csv: records must be a string tensor, got {recs.dtype.name} ('{recs.name}')")
    if not record_defaults:
        raise ValueError("decode_csv: record_defaults must list at least one column")
    with recs.graph.as_default():
        defaults = [_default_tensor(d, i) for i, d in enumerate(record_defaults)]
    delim = field_delim.encode() if isinstance(field_delim, str) else bytes(field_delim)
    if len(delim) != 1:
        raise ValueError(f"decode_csv: field_delim must be one character, got {field_delim!r}")
    na = na_value.encode() if isinstance(na_value, str) else bytes(na_value)
    cols = None if select_cols is None else [int(c) for c in select_cols]
    if cols is not None:
        if len(cols) != len(defaults):
            raise ValueError(f"decode_csv: select_cols has {len(cols)} entries but record_defaults has "
                             f"{len(defaults)}")
        if any(b <= a for a, b in zip(cols, cols[1:])) or (cols and cols[0] < 0):
            raise ValueError(f"decode_csv: select_cols must be increasing non-negative indices, got {cols}")
    types = [d.dtype for d in defaults]

    def run(store, recs_v, *defs):
        arr = numpy.asarray(recs_v, dtype=object)
        flat = arr.ravel()
        outs = [numpy.empty(flat.shape, dtype=object if dt is D.string else dt.dtype) for dt in types]
        dvals = [numpy.ravel(numpy.asarray(d)) for d in defs]
        for r, rec in enumerate(flat):
            rec = rec.encode() if isinstance(rec, str) else bytes(rec)
            fields = _split_csv(rec, delim, use_quote_delim, r)
            if cols is None and len(fields) != len(types):
                raise InvalidArgumentError(f"Expect {len(types)} fields but have {len(fields)} in record {r}")
            if cols is not None and len(fields) <= cols[-1]:
                raise InvalidArgumentError(f"Expect at least {cols[-1] + 1} fields but have {len(fields)} in record "
                                           f"{r}")
            for f, dt in enumerate(types):
                col = f if cols is None else cols[f]
                text = fields[col]
                if text == b"" or (na and text == na):
                    if dvals[f].size == 0:
                        raise InvalidArgumentError(f"Field {col} is required but missing in record {r}!")
                    outs[f][r] = dvals[f][0]
                else:
                    outs[f][r] = _parse_field(text, dt, col, r)
        outs = tuple(o.reshape(arr.shape) for o in outs)
        return outs if len(outs) > 1 else outs[0]
    op = stateful_node("DecodeCSV", run, [recs] + defaults, [(recs._dims, dt) for dt in types],
                       name=name or "DecodeCSV", graph=recs.graph)
    return list(op.outputs)
