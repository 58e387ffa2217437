"""``tf.train`` input producers and batching over queues (TF 1.x's pre-``tf.data`` input pipelines).

    filename_queue = tf.train.string_input_producer(['a.csv', 'b.csv'], num_epochs=2, shuffle=False)
    key, line = tf.TextLineReader().read(filename_queue)
    x, y = tf.decode_csv(line, record_defaults=[[0.0], [0]])
    xb, yb = tf.train.shuffle_batch([x, y], batch_size=32, capacity=200, min_after_dequeue=100, seed=1)

Each producer builds a queue plus a ``QueueRunner`` in the graph's ``QUEUE_RUNNERS`` collection;
``tf.train.start_queue_runners`` starts them in a session, and the runners' enqueue ops then run
on demand inside the dequeues that need elements (``queues.py``). ``num_epochs`` counts passes
in a local variable (``tf.local_variables_initializer()`` initializes it); after the last pass
the producer's queue closes and the pipeline ends with ``tf.errors.OutOfRangeError``.
"""
from __future__ import annotations

import numpy

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.errors import FailedPreconditionError, InvalidArgumentError, OutOfRangeError
from ...graph.tensor_shape import TensorShape
from ...graph.variables import Variable, stateful_node
from .queues import FIFOQueue, PaddingFIFOQueue, QueueRunner, RandomShuffleQueue, add_queue_runner

__all__ = ["limit_epochs", "count_up_to", "input_producer", "string_input_producer", "range_input_producer",
           "slice_input_producer", "batch", "shuffle_batch", "batch_join", "shuffle_batch_join",
           "match_filenames_once"]


# ------------------------------------------------------------------------- epochs
def count_up_to(ref, limit, name=None):
    """Increment the integer variable ``ref`` until ``limit``; returns its value before the increment.

    Past ``limit`` the op raises ``OutOfRangeError`` ("Reached limit of ...")."""
    var_op = getattr(ref, "_var_op", None)
    if var_op is None:
        raise TypeError(f"count_up_to: ref must be a variable, got {type(ref).__name__}")
    lim = int(limit)
    dt = var_op.outputs[0].dtype
    vname = var_op.name

    def run(store):
        cur = store.get(var_op)
        if cur is None:
            raise FailedPreconditionError(f"Attempting to use uninitialized value {vname} (a num_epochs counter is "
                                          "a local variable: run tf.local_variables_initializer())")
        if int(cur) >= lim:
            raise OutOfRangeError(f"Reached limit of {lim}")
        store[var_op] = numpy.asarray(int(cur) + 1, dtype=dt.dtype)
        return numpy.asarray(cur, dtype=dt.dtype)
    return stateful_node("CountUpTo", run, [], [((), dt)], name=name or "CountUpTo", writes=(var_op,),
                         graph=var_op.graph).outputs[0]


def _local_variable(value, name):
    return Variable(value, trainable=False, name=name, collections=[core.GraphKeys.LOCAL_VARIABLES])


def limit_epochs(tensor, num_epochs=None, name=None):
    """``tensor``, but only ``num_epochs`` times: the next evaluation raises ``OutOfRangeError``."""
    if num_epochs is None:
        return tensor
    if int(num_epochs) <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    g = F._graph_of([tensor])
    with g.as_default(), g.name_scope(name or "limit_epochs"):
        epochs = _local_variable(F.constant(0, dtype=D.int64), "epochs")
        incr = count_up_to(epochs, int(num_epochs))
        with g.control_dependencies([incr]):
            return F.identity(F.as_tensor(tensor))


# ------------------------------------------------------------------------- producers
def _nonempty(t, what):
    """``t`` with a run-time check that it has at least one element (TF's message)."""
    def run(store, v):
        if numpy.asarray(v).size == 0:
            raise InvalidArgumentError(f"{what} requires a non-null input tensor")
        return v
    return stateful_node("Assert", run, [t], [(t._dims, t.dtype)], name="not_null").outputs[0]


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None, capacity=32,
                   shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A FIFO queue fed with the rows of ``input_tensor`` (shuffled each pass unless ``shuffle=False``).

    ``num_epochs`` passes, then the queue closes (OutOfRangeError once drained); None: forever."""
    from .random_ops import random_shuffle
    g = F._graph_of([input_tensor])
    with g.as_default(), g.name_scope(name or "input_producer"):
        t = F.as_tensor(input_tensor)
        row = None if t._dims is None else TensorShape(t._dims[1:])
        shape = TensorShape(element_shape) if element_shape is not None else row
        if row is not None and element_shape is not None:
            shape = row.merge_with(TensorShape(element_shape))
        if shape is None or not shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or `element_shape` must be "
                             "specified")
        if shuffle:
            t = random_shuffle(t, seed=seed)
        t = limit_epochs(t, num_epochs)
        q = FIFOQueue(capacity, [t.dtype], shapes=[shape.as_list()], shared_name=shared_name)
        enq = q.enqueue_many([t])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None,
                          name=None, cancel_op=None):
    """A queue of file names (strings) for a reader, shuffled each pass unless ``shuffle=False``."""
    msg = "string_input_producer requires a non-null input tensor"
    if not F.is_tensor(string_tensor):
        if string_tensor is None or len(string_tensor) == 0:
            raise ValueError(msg)
        string_tensor = F.constant(list(string_tensor), dtype=D.string, name="input")
    t = F.as_tensor(string_tensor)
    if t.dtype is not D.string:
        raise TypeError(f"string_input_producer: expected a string tensor, got {t.dtype.name} ('{t.name}')")
    g = t.graph
    with g.as_default():
        return input_producer(_nonempty(t, "string_input_producer"), element_shape=[], num_epochs=num_epochs,
                              shuffle=shuffle, seed=seed, capacity=capacity, shared_name=shared_name,
                              name=name, cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None, name=None):
    """A queue of the int32 integers 0 .. limit-1 (shuffled each pass unless ``shuffle=False``)."""
    from .array_ops import range as _range
    g = F._graph_of([limit]) if F.is_tensor(limit) else core.get_default_graph()
    with g.as_default(), g.name_scope(name or "input_producer") as scope:
        r = _range(limit, dtype=D.int32)
        return input_producer(r, [], num_epochs, shuffle, seed, capacity, shared_name, name=scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None,
                         name=None):
    """One slice (row) of every tensor per run, the same row of each (shuffled unless ``shuffle=False``).

    Returns a list of tensors (each one row); ``num_epochs`` passes, then OutOfRangeError."""
    from .array_ops import gather, shape as _shape
    if not tensor_list:
        raise ValueError("Expected at least one tensor in slice_input_producer().")
    tensors = [F.as_tensor(x) for x in tensor_list]
    g = tensors[0].graph
    with g.as_default(), g.name_scope(name or "input_producer"):
        d0 = tensors[0]._dims
        size = d0[0] if d0 is not None and d0 and d0[0] is not None else _shape(tensors[0])[0]
        for i, t in enumerate(tensors[1:], 1):
            if d0 and t._dims and d0[0] is not None and t._dims[0] is not None and t._dims[0] != d0[0]:
                raise ValueError(f"slice_input_producer: all tensors need the same first dimension, got {d0[0]} and "
                                 f"{t._dims[0]} (tensor {i}, '{t.name}')")
        q = range_input_producer(size, num_epochs, shuffle, seed, capacity, shared_name)
        index = q.dequeue()
        return [gather(t, index) for t in tensors]


def match_filenames_once(pattern, name=None):
    """A local variable holding the sorted file names matching ``pattern`` (a glob, or a list of them)."""
    from .readers import matching_files
    g = core.get_default_graph()
    with g.name_scope(name or "matching_filenames"):
        return Variable(matching_files(pattern), trainable=False, validate_shape=False, name="matching_filenames",
                        collections=[core.GraphKeys.LOCAL_VARIABLES])


# ------------------------------------------------------------------------- batching
def _as_list(tensors, what):
    """(list of tensors, restore function giving the caller's structure back)."""
    if isinstance(tensors, dict):
        keys = sorted(tensors, key=str)
        return [tensors[k] for k in keys], lambda outs: dict(zip(keys, outs if isinstance(outs, list) else [outs]))
    if isinstance(tensors, (list, tuple)):
        if not tensors:
            raise ValueError(f"{what}: expected at least one tensor")
        return list(tensors), lambda outs: outs
    return [tensors], lambda outs: outs


def _shapes(tensors, shapes, enqueue_many, dynamic_pad, what):
    if shapes is not None:
        return [TensorShape(s) for s in shapes]
    out = []
    for t in tensors:
        s = TensorShape(t._dims)
        if enqueue_many:
            if s.ndims == 0:
                raise ValueError(f"{what}: '{t.name}' is a scalar, but enqueue_many=True needs a batch dimension")
            s = TensorShape(None) if s.ndims is None else TensorShape(s.as_list()[1:])
        if dynamic_pad and s.ndims is None:
            raise ValueError(f"{what}: '{t.name}' has unknown rank; dynamic_pad needs a known rank")
        if not dynamic_pad and not s.is_fully_defined():
            raise ValueError(f"{what}: all shapes must be fully defined: {[str(TensorShape(x._dims)) for x in tensors]}"
                             " (pass shapes=, or dynamic_pad=True)")
        out.append(s)
    return out


def _check_keep_input(keep_input, what):
    if keep_input is not True and not (isinstance(keep_input, (bool, numpy.bool_)) and keep_input):
        raise NotImplementedError(f"{what}: keep_input other than True is not supported by tensorflux")


def _batch_any(tensors_list, batch_size, capacity, enqueue_many, shapes, dynamic_pad, allow_smaller_final_batch,
               shared_name, name, what, shuffle=None, keep_input=True):
    """The common body of batch / shuffle_batch / *_join: one queue, one enqueue op per tensor list.

    ``shuffle`` is None for a FIFO queue, else (min_after_dequeue, seed)."""
    _check_keep_input(keep_input, what)
    lists, restore = [], None
    for tl in tensors_list:
        flat, restore = _as_list(tl, what)
        lists.append([F.as_tensor(x) for x in flat])
    first = lists[0]
    for tl in lists[1:]:
        if len(tl) != len(first) or any(a.dtype != b.dtype for a, b in zip(tl, first)):
            raise ValueError(f"{what}: all tensor lists must have the same number of tensors and dtypes; got "
                             f"{[t.dtype.name for t in first]} and {[t.dtype.name for t in tl]}")
    g = first[0].graph
    with g.as_default(), g.name_scope(name or what):
        dts = [t.dtype for t in first]
        shp = _shapes(first, shapes, enqueue_many, dynamic_pad, what)
        dims = [s.as_list() for s in shp]
        if shuffle is not None:
            q = RandomShuffleQueue(capacity, shuffle[0], dts, shapes=dims, seed=shuffle[1], shared_name=shared_name)
        elif dynamic_pad:
            q = PaddingFIFOQueue(capacity, dts, dims, shared_name=shared_name)
        else:
            q = FIFOQueue(capacity, dts, shapes=dims, shared_name=shared_name)
        enq = [q.enqueue_many(tl) if enqueue_many else q.enqueue(tl) for tl in lists]
        add_queue_runner(QueueRunner(q, enq))
        out = q.dequeue_up_to(batch_size) if allow_smaller_final_batch else q.dequeue_many(batch_size)
        outs = out if isinstance(out, list) else [out]
        if isinstance(tensors_list[0], dict):
            return restore(outs)
        return outs[0] if len(outs) == 1 else outs


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None, dynamic_pad=False,
          allow_smaller_final_batch=False, shared_name=None, name=None, keep_input=True):
    """Batches of ``batch_size`` examples, in order, from a FIFO queue fed by ``num_threads`` runner threads.

    ``tensors`` is a list or dict of tensors (one example, or a batch with ``enqueue_many``); the result
    has the same structure (a one-tensor list gives a tensor, as in TF). The last smaller batch is
    returned only with ``allow_smaller_final_batch=True`` (static batch dimension then unknown)."""
    return _batch_any([tensors] * max(int(num_threads), 1), batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                      allow_smaller_final_batch, shared_name, name, "batch", keep_input=keep_input)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None, enqueue_many=False,
                  shapes=None, allow_smaller_final_batch=False, shared_name=None, name=None, keep_input=True):
    """Batches drawn at random from a ``RandomShuffleQueue`` of ``capacity`` examples (``min_after_dequeue``
    left after each dequeue while the input lasts); reproducible with ``seed`` or a graph seed."""
    return _batch_any([tensors] * max(int(num_threads), 1), batch_size, capacity, enqueue_many, shapes, False,
                      allow_smaller_final_batch, shared_name, name, "shuffle_batch",
                      shuffle=(min_after_dequeue, seed), keep_input=keep_input)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None, dynamic_pad=False,
               allow_smaller_final_batch=False, shared_name=None, name=None, keep_input=True):
    """Like ``batch`` with one runner thread per entry of ``tensors_list`` (e.g. one reader each)."""
    if not tensors_list:
        raise ValueError("batch_join: expected at least one list of tensors")
    return _batch_any(list(tensors_list), batch_size, capacity, enqueue_many, shapes, dynamic_pad,
                      allow_smaller_final_batch, shared_name, name, "batch_join", keep_input=keep_input)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None, enqueue_many=False,
                       shapes=None, allow_smaller_final_batch=False, shared_name=None, name=None, keep_input=True):
    """Like ``shuffle_batch`` with one runner thread per entry of ``tensors_list``."""
    if not tensors_list:
        raise ValueError("shuffle_batch_join: expected at least one list of tensors")
    return _batch_any(list(tensors_list), batch_size, capacity, enqueue_many, shapes, False,
                      allow_smaller_final_batch, shared_name, name, "shuffle_batch_join",
                      shuffle=(min_after_dequeue, seed), keep_input=keep_input)
