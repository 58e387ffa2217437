"""``tf.train``: optimizers, Saver, global step and learning-rate schedules (TF 1.x)."""
from __future__ import annotations

import math

import numpy

from .... import optim as _optim
from ....graph import core
from ....graph import dtypes as D
from ....graph import functions as F
from ....graph import kernels as K
from ....graph.shapes import Out
from ....graph.variables import Variable
from .optimizer import (Optimizer, GradientDescentOptimizer, MomentumOptimizer, AdagradOptimizer,
                        RMSPropOptimizer, AdamOptimizer, FtrlOptimizer, AdadeltaOptimizer)
from .moving_averages import ExponentialMovingAverage
from .saver import (Saver, latest_checkpoint, get_checkpoint_state, checkpoint_exists, CheckpointState,
                    import_meta_graph, export_meta_graph)
from ..example_pb import (BytesList, FloatList, Int64List, Feature, Features, FeatureList,  # noqa: F401
                          FeatureLists, Example, SequenceExample)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdagradOptimizer",
           "RMSPropOptimizer", "AdamOptimizer", "FtrlOptimizer", "AdadeltaOptimizer", "Saver",
           "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists", "CheckpointState",
           "import_meta_graph", "export_meta_graph",
           "get_global_step", "create_global_step", "get_or_create_global_step", "global_step",
           "exponential_decay", "inverse_time_decay", "natural_exp_decay", "polynomial_decay",
           "piecewise_constant", "cosine_decay", "Coordinator", "start_queue_runners", "SessionRunHook",
           "SessionRunArgs", "SessionRunContext", "SessionRunValues", "LoggingTensorHook", "StopAtStepHook",
           "NanTensorHook", "NanLossDuringTrainingError", "FeedFnHook", "CheckpointSaverHook",
           "ExponentialMovingAverage", "write_graph"]
__all__ += ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList", "FeatureLists", "Example",
            "SequenceExample"]


# ------------------------------------------------------------------------- global step
def get_global_step(graph=None):
    """The global step variable of ``graph`` (None if none was created)."""
    g = graph or core.get_default_graph()
    found = g.get_collection(core.GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError("There should be only one global step. Found: {found}")
    if found:
        return found[0]
    try:
        t = g.get_tensor_by_name("global_step:0")
    except (KeyError, ValueError):
        return None
    return t.op.attrs.get("variable") if t.op.kind == "variable" else None


def create_global_step(graph=None):
    """Create the int64 ``global_step`` variable (0, not trainable); ValueError if one exists."""
    g = graph or core.get_default_graph()
    if get_global_step(g) is not None:
        raise ValueError('"global_step" already exists.')
    with g.as_default(), g.name_scope(None), g.control_dependencies(None):
        return Variable(F.constant(0, dtype=D.int64), trainable=False, name="global_step",
                        collections=[core.GraphKeys.GLOBAL_VARIABLES, core.GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step variable, created when missing."""
    g = graph or core.get_default_graph()
    return get_global_step(g) or create_global_step(g)


def global_step(sess, global_step_tensor):
    """The global step's value as a Python int."""
    return int(sess.run(global_step_tensor))


# ------------------------------------------------------------------------- learning-rate schedules
class _Schedule(K._Kernel):
    """A learning rate computed from the run-time global step (float32 scalar)."""

    def __init__(self, fn):
        self.fn = fn

    def forward(self, step, lr):
        return numpy.asarray(self.fn(float(step), float(lr)), dtype=numpy.float32)

    def infer_static(self, dims, dtypes):
        return Out((), numpy.dtype(numpy.float32))


def _schedule(fn, learning_rate, global_step, name):
    if global_step is None:
        raise ValueError("global_step is required for a learning-rate schedule.")
    step = F.cast(F.as_tensor(global_step), D.float64)
    lr = F.as_tensor(learning_rate, dtype=None if F.is_tensor(learning_rate) else D.float32)
    return F.op_node(_Schedule, (step, lr), args=(fn,), name=name)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr · decay_rate^(global_step / decay_steps) (exponent floored with ``staircase``)."""
    return _schedule(lambda s, lr: _optim.exponential_decay(lr, s, decay_steps, decay_rate, staircase),
                     learning_rate, global_step, name or "ExponentialDecay")


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr / (1 + decay_rate · global_step / decay_steps)."""
    return _schedule(lambda s, lr: _optim.inverse_time_decay(lr, s, decay_steps, decay_rate, staircase),
                     learning_rate, global_step, name or "InverseTimeDecay")


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """lr · e^(−decay_rate · global_step / decay_steps)."""
    def fn(s, lr):
        p = s / decay_steps
        return lr * math.exp(-decay_rate * (math.floor(p) if staircase else p))
    return _schedule(fn, learning_rate, global_step, name or "NaturalExpDecay")


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                     name=None):
    """(lr − end)·(1 − step/decay_steps)^power + end (step clipped, or cycling decay_steps)."""
    def fn(s, lr):
        steps = decay_steps
        if cycle:
            steps = decay_steps * max(1.0, math.ceil(s / decay_steps))
        else:
            s = min(s, decay_steps)
        return (lr - end_learning_rate) * (1 - s / steps) ** power + end_learning_rate
    return _schedule(fn, learning_rate, global_step, name or "PolynomialDecay")


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """lr · ((1 − α)·½(1 + cos(π·min(step, decay_steps)/decay_steps)) + α)."""
    def fn(s, lr):
        s = min(s, decay_steps)
        return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)
    return _schedule(fn, learning_rate, global_step, name or "CosineDecay")


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] for boundaries[i-1] < x <= boundaries[i] (values[0] below the first boundary)."""
    if len(values) != len(boundaries) + 1:
        raise ValueError("piecewise_constant: values must have one more entry than boundaries")

    def fn(s, _):
        for b, v in zip(boundaries, values):
            if s <= b:
                return v
        return values[-1]
    return _schedule(fn, 0.0, x, name or "PiecewiseConstant")


# ------------------------------------------------------------------------- queues and input pipelines
from ..queues import (Coordinator, QueueRunner, LooperThread, add_queue_runner,  # noqa: E402,F401
                      start_queue_runners)
from ..input_producers import (limit_epochs, input_producer, string_input_producer,  # noqa: E402,F401
                               range_input_producer, slice_input_producer, batch, shuffle_batch, batch_join,
                               shuffle_batch_join, match_filenames_once)
import types as _types  # noqa: E402

#: ``tf.train.queue_runner`` (the module TF programs sometimes name)
queue_runner = _types.SimpleNamespace(QueueRunner=QueueRunner, add_queue_runner=add_queue_runner,
                                      start_queue_runners=start_queue_runners)
__all__ += ["QueueRunner", "LooperThread", "add_queue_runner", "limit_epochs", "input_producer",
            "string_input_producer", "range_input_producer", "slice_input_producer", "batch", "shuffle_batch",
            "batch_join", "shuffle_batch_join", "match_filenames_once", "queue_runner"]


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Write the graph as a ``GraphDef`` file ``logdir/name`` (text or binary protobuf); returns the path.

    The GraphDef describes the nodes for TensorBoard and tools; it cannot be imported back into tensorflux.
    """
    import os
    graph_def = graph_or_graph_def.as_graph_def() if hasattr(graph_or_graph_def, "as_graph_def") \
        else graph_or_graph_def
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if as_text:
        from google.protobuf import text_format
        with open(path, "w", encoding="utf-8") as f:
            f.write(text_format.MessageToString(graph_def))
    else:
        with open(path, "wb") as f:
            f.write(graph_def.SerializeToString())
    return path


# the session-run hooks live with tf.estimator, which calls them; the estimator package imports this one,
# so they are imported last (tf.train.SessionRunHook is the same class as tf.estimator.SessionRunHook)
from ..estimator.hooks import (SessionRunHook, SessionRunArgs, SessionRunContext, SessionRunValues,  # noqa: E402
                               LoggingTensorHook, StopAtStepHook, NanTensorHook, NanLossDuringTrainingError,
                               FeedFnHook, CheckpointSaverHook)
