"""``tf.summary``: summary ops, ``merge_all`` and ``FileWriter`` for TensorBoard (TF 1.x).

A summary op outputs a serialized ``Summary`` protocol buffer (bytes) each time it runs; its tag
is the name prefixed by the enclosing name scopes (``loss/cost``). ``merge_all()`` joins every
summary of the SUMMARIES collection into one. ``FileWriter`` writes them (and the graph, for the
Graphs tab) to an event file through ``tensorflux.train.tensorboard.SummaryWriter``. Needs the
optional ``tensorboard`` package (``pip install tensorflux[tensorboard]``).
"""
from __future__ import annotations

import atexit
import re
import weakref

import numpy

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph import kernels as K
from ...graph.shapes import Out

# ``Summary``, ``Event`` and ``SessionLog`` (the protobuf classes) are served by ``__getattr__`` below.
__all__ = ["scalar", "histogram", "image", "text", "merge", "merge_all", "FileWriter", "FileWriterCache"]

_INSTALL_HINT = "pip install tensorflux[tensorboard]"


def _pb():
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
    except ImportError as exc:
        raise ImportError(f"tf.summary needs the optional 'tensorboard' package ({exc}); install it with: "
                          f"{_INSTALL_HINT}") from exc
    return summary_pb2, event_pb2


def __getattr__(name):  # tf.summary.Summary / Event / SessionLog: the protobuf classes
    if name in ("Summary", "SummaryDescription", "HistogramProto"):
        return getattr(_pb()[0], name)
    if name in ("Event", "SessionLog", "TaggedRunMetadata"):
        return getattr(_pb()[1], name)
    raise AttributeError(f"module 'tf.summary' has no attribute '{name}'")


def _as_bytes(summary):
    return numpy.asarray(summary.SerializeToString(), dtype=object)


class _SummaryKernel(K._Kernel):
    """Serialize one summary from the run-time value (no gradient)."""

    def __init__(self, kind, tag, extra=None):
        self.kind, self.tag, self.extra = kind, tag, extra or {}

    def forward(self, value):
        summary_pb2, _ = _pb()
        v = summary_pb2.Summary.Value
        if self.kind == "scalar":
            if numpy.size(value) != 1:
                raise ValueError(f"tf.summary.scalar({self.tag!r}): expected a scalar, got shape {numpy.shape(value)}")
            values = [v(tag=self.tag, simple_value=float(numpy.reshape(value, ())))]
        elif self.kind == "histogram":
            from ...train.tensorboard import histogram_proto
            values = [v(tag=self.tag, histo=histogram_proto(value, summary_pb2=summary_pb2))]
        elif self.kind == "image":
            values = _images(v, summary_pb2, self.tag, value, self.extra["max_outputs"])
        else:
            values = [_text_value(summary_pb2, self.tag, value)]
        return _as_bytes(summary_pb2.Summary(value=values))

    def infer_static(self, dims, dtypes):
        return Out((), numpy.dtype(object))


def _images(value_cls, summary_pb2, tag, batch, max_outputs):
    """TF's image summary: uint8 as is; floats rescaled (max → 255, or 0 → 127 when negatives exist)."""
    from ...train.tensorboard import encode_png
    arr = numpy.asarray(batch)
    if arr.ndim != 4 or arr.shape[-1] not in (1, 3, 4):
        raise ValueError(f"tf.summary.image({tag!r}): expected [batch, height, width, 1|3|4], got {arr.shape}")
    if arr.dtype != numpy.uint8:
        a = arr.astype(numpy.float64)
        out = []
        for img in a[:max_outputs]:
            lo, hi = img.min(), img.max()
            if lo >= 0:
                scale = 255.0 / hi if hi > 0 else 0.0
                offset = 0.0
            else:
                scale = 127.0 / max(-lo, hi) if max(-lo, hi) > 0 else 0.0
                offset = 128.0
            out.append(numpy.clip(img * scale + offset, 0, 255).astype(numpy.uint8))
        arr = numpy.stack(out) if out else arr[:0].astype(numpy.uint8)
    values = []
    n = min(len(arr), max_outputs)
    for i in range(n):
        img = arr[i]
        t = f"{tag}/image" if max_outputs == 1 else f"{tag}/image/{i}"
        values.append(value_cls(tag=t, image=summary_pb2.Summary.Image(
            height=img.shape[0], width=img.shape[1], colorspace=img.shape[2], encoded_image_string=encode_png(img))))
    return values


def _text_value(summary_pb2, tag, value):
    from tensorboard.compat.proto import tensor_pb2, tensor_shape_pb2, types_pb2
    vals = [x if isinstance(x, bytes) else str(x).encode("utf-8") for x in numpy.ravel(numpy.asarray(value, dtype=object))]
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=vals,
                                    tensor_shape=tensor_shape_pb2.TensorShapeProto(
                                        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=s)
                                             for s in numpy.shape(value)]))
    meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return summary_pb2.Summary.Value(tag=tag, metadata=meta, tensor=tensor)


# TF 1.x's summary_op_util: a summary name becomes a node name, so characters a node name may not hold
# ('W1:0', the name of a variable's tensor, as programs pass it) are replaced by '_', leading '/' dropped
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def _clean_tag(name):
    """``name`` with every character outside ``[-/\\w.]`` replaced by ``_`` and leading slashes removed (TF)."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


def _summary(kind, name, tensor, collections, family, extra=None):
    _pb()  # fail early, at graph-build time, when tensorboard is missing
    name, family = _clean_tag(name), _clean_tag(family)
    t = F.as_tensor(tensor)
    g = t.graph
    with g.as_default():
        with (g.name_scope(family) if family else _null()):
            with g.name_scope(name) as scope:
                tag = scope[:-1]
                out = F.op_node(_SummaryKernel, (t,), args=(kind, tag, extra), name=scope,
                                type_name={"scalar": "ScalarSummary", "histogram": "HistogramSummary",
                                           "image": "ImageSummary", "text": "TensorSummaryV2"}[kind])
    for c in (collections if collections is not None else [core.GraphKeys.SUMMARIES]):
        g.add_to_collection(c, out)
    return out


class _null:
    def __enter__(self):
        return ""

    def __exit__(self, *exc):
        return False


def scalar(name, tensor, collections=None, family=None):
    """A scalar summary (TensorBoard's Scalars tab)."""
    return _summary("scalar", name, tensor, collections, family)


def histogram(name, values, collections=None, family=None):
    """A histogram summary of any tensor (Histograms and Distributions tabs)."""
    return _summary("histogram", name, values, collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Up to ``max_outputs`` images of an NHWC batch (uint8, or floats rescaled as TF does)."""
    return _summary("image", name, tensor, collections, family, {"max_outputs": int(max_outputs)})


def text(name, tensor, collections=None):
    """A text summary of a string tensor."""
    return _summary("text", name, tensor, collections, None)


class _Merge(K._Kernel):
    """Concatenate serialized Summary protos into one."""

    def forward(self, *parts):
        summary_pb2, _ = _pb()
        merged = summary_pb2.Summary()
        for p in parts:
            merged.MergeFromString(bytes(numpy.asarray(p, dtype=object).reshape(())[()]))
        return _as_bytes(merged)

    def infer_static(self, dims, dtypes):
        return Out((), numpy.dtype(object))


def merge(inputs, collections=None, name=None):
    """One summary holding the values of all ``inputs``."""
    ts = [F.as_tensor(t) for t in inputs]
    for t in ts:
        if t.dtype != D.string:
            raise TypeError(f"tf.summary.merge: '{t.name}' is not a summary (dtype {t.dtype.name})")
    out = F.op_node(_Merge, ts, name=name or "Merge/MergeSummary", type_name="MergeSummary")
    if collections:
        core.get_default_graph().add_to_collections(collections, out)
    return out


def merge_all(key=core.GraphKeys.SUMMARIES, scope=None, name=None):
    """Merge every summary of collection ``key`` (None when there are none, as in TF)."""
    parts = core.get_default_graph().get_collection(key, scope)
    if not parts:
        return None
    return merge(parts, name=name)


_OPEN_WRITERS = weakref.WeakSet()


@atexit.register
def _flush_open_writers():
    """At interpreter exit, flush the writers never closed: TF's event writer reaches disk at exit too,
    so programs that never call ``close()`` (``FileWriter("logs/", sess.graph)`` and nothing else) still
    leave their graph and summaries for TensorBoard."""
    for writer in list(_OPEN_WRITERS):
        try:
            writer.flush()
        except Exception:  # noqa: BLE001 - best effort at exit, as TF's destructor
            pass


class FileWriter:
    """Writes summaries and the graph to an event file in ``logdir`` (TF's ``tf.summary.FileWriter``).

    Events are flushed every ``flush_secs``, on ``flush()`` / ``close()``, and at interpreter exit."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None, filename_suffix=None,
                 session=None):
        from ...train.tensorboard import SummaryWriter
        self._writer = SummaryWriter(logdir, flush_secs=flush_secs, max_queue=max_queue,
                                     filename_suffix=filename_suffix or "")
        self._logdir = logdir
        _OPEN_WRITERS.add(self)
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self):
        return self._logdir

    def add_summary(self, summary, global_step=None):
        """Write a summary (the bytes a summary op produced, or a Summary proto) at ``global_step``."""
        if isinstance(summary, numpy.ndarray):
            summary = summary.reshape(())[()]
        self._writer.add_summary(summary, global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Write a graph (or a GraphDef) for TensorBoard's Graphs tab."""
        if graph_def is None:
            graph = getattr(graph, "graph", graph)  # a Session is accepted too
            graph_def = graph.as_graph_def(add_shapes=True)
        self._writer.add_graph_def(graph_def, global_step)

    def add_event(self, event):
        self._writer.add_event(event, step=event.step if event.step else None)

    def add_session_log(self, session_log, global_step=None):
        _, event_pb2 = _pb()
        self._writer.add_event(event_pb2.Event(session_log=session_log), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Accepted for compatibility (tensorflux records no run metadata)."""

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def reopen(self):
        from ...train.tensorboard import SummaryWriter
        self._writer = SummaryWriter(self._logdir)
        _OPEN_WRITERS.add(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FileWriterCache:
    """One FileWriter per log directory."""

    _cache = {}

    @classmethod
    def get(cls, logdir):
        if logdir not in cls._cache:
            cls._cache[logdir] = FileWriter(logdir)
        return cls._cache[logdir]

    @classmethod
    def clear(cls):
        for w in cls._cache.values():
            w.close()
        cls._cache.clear()
