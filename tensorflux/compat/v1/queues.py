"""TF 1.x queues (``tf.FIFOQueue``, ``tf.RandomShuffleQueue``, ``tf.PaddingFIFOQueue``), queue runners
and the ``tf.train.Coordinator``.

How queues run in tensorflux
----------------------------
A queue's contents are per-session state, kept in the session's variable store under the queue's
key (as TF keeps a queue as a per-session resource). ``enqueue`` / ``dequeue`` / ``size`` /
``close`` are stateful graph nodes that work on that state.

**Runners are pulled, not threaded.** In TF, ``tf.train.start_queue_runners`` starts background
threads that run each runner's enqueue op in a loop, blocking when the queue is full. Here
``start_queue_runners`` registers the runners with the session instead and returns thread-like
objects (``start``, ``is_alive``, ``join``, ``name``, ``daemon``). When a dequeue finds too few
elements it runs, right there inside the ``sess.run``, the enqueue ops of the runners registered
for that queue (round-robin over their "threads", through a helper session sharing the running
session's store) until it has enough, the queue is full (a shuffle queue is kept full, which is
the steady state of TF's background threads), or the runners are done. A runner whose enqueue
raises ``OutOfRangeError`` (its input ran out, e.g. after ``num_epochs``) is done; when all of
its threads are done its ``close_op`` closes the queue, and a dequeue from an empty closed queue
raises ``tf.errors.OutOfRangeError`` from ``sess.run`` exactly as in TF.

Why: nothing can deadlock (a 2-core machine runs the same as a big one), every element is
produced in the order it is needed, and seeded shuffles (``shuffle=True, seed=...``,
``RandomShuffleQueue(seed=...)``) are reproducible. The usual TF program shape works unchanged::

    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
        while not coord.should_stop():
            sess.run(train_op)
    except tf.errors.OutOfRangeError:
        print('done')
    finally:
        coord.request_stop()
    coord.join(threads)

Forgetting ``start_queue_runners`` hangs forever in TF; here the dequeue raises a
``FailedPreconditionError`` saying so. Enqueueing into a full queue, or dequeueing from an
empty one, from the program's only thread raises likewise. Programs that feed a queue from
their own ``threading.Thread`` (``sess.run(enqueue_op, feed_dict=...)`` in a loop) still work:
a dequeue waits while another thread that enqueues into the queue is alive (or, before any such
thread enqueued, for a grace period of ``BLOCK_GRACE_SECS`` while other threads run), and an
enqueue into a full queue waits while another thread that dequeues is alive.

When a runner's enqueue fails with any other error, the error is given to the coordinator
(``coord.request_stop(ex)``, re-raised by ``coord.join``) and raised from the ``sess.run`` that
pulled. After ``coord.request_stop()`` runners stop producing and close their queues with
``cancel_pending_enqueues`` (TF's cancel op), so later dequeues of the empty queue raise
``OutOfRangeError``.
"""
from __future__ import annotations

import collections
import contextlib
import sys
import threading
import time

import numpy

from ... import backend
from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.errors import (CancelledError, FailedPreconditionError, InvalidArgumentError, OpError,
                             OutOfRangeError)
from ...graph.tensor_shape import TensorShape, as_dims
from ...graph.variables import stateful_node
from .data import _FunctionSession, _Key  # _Key: a key in a session's store, as for tf.data iterators

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueRunner",
           "add_queue_runner", "start_queue_runners", "Coordinator", "LooperThread", "BLOCK_GRACE_SECS"]

#: seconds a dequeue from an empty queue (no runners) waits for another thread's first enqueue
BLOCK_GRACE_SECS = 5.0
_POLL = 0.05


# ------------------------------------------------------------------------- per-session helpers
def _resource(g, name, kind):
    """A per-session resource of graph ``g`` (a queue, a reader): its unique name, its store key and
    the string constant that stands for it in the graph (``queue_ref`` / ``reader_ref``), made outside
    any name scope, control dependencies or cond, as TF makes resource handles."""
    name = g.unique_name(name)
    with g.name_scope(None), g.control_dependencies(None), g._in_cond(None):
        ref = F.constant(name.encode(), dtype=D.string, name=name + "/", graph=g)
    return name, _Key(f"{kind} '{name}'"), ref


_HELPER = _Key("queue helper session")
_RUNNERS = _Key("started queue runners")
_local = threading.local()


def _helper(store, graph):
    """The helper session (sharing ``store``) that runs runners' enqueue ops for one session."""
    by_graph = store.get(_HELPER)
    if by_graph is None:
        by_graph = store[_HELPER] = {}
    h = by_graph.get(graph)
    if h is None:
        h = by_graph[graph] = _FunctionSession(graph, store)
    return h


def _registered(store):
    """{queue key: [_RunnerThread]} of the runners started in the session owning ``store``."""
    reg = store.get(_RUNNERS)
    if reg is None:
        reg = store[_RUNNERS] = {}
    return reg


@contextlib.contextmanager
def _pulling():
    """Inside: enqueues are made by the on-demand puller (a queue may exceed its capacity briefly)."""
    depth = getattr(_local, "pulling", 0)
    _local.pulling = depth + 1
    try:
        yield
    finally:
        _local.pulling = depth


def _other_threads_alive():
    me = threading.current_thread()
    return any(t is not me and t.is_alive() for t in threading.enumerate())


def _alive(idents):
    me = threading.get_ident()
    live = {t.ident for t in threading.enumerate() if t.is_alive()}
    return any(i != me and i in live for i in idents)


# ------------------------------------------------------------------------- queue state
class _QueueState:
    """One queue's contents in one session: elements (tuples of arrays), closed flag, waiters."""

    def __init__(self, rng):
        self.items = collections.deque()
        self.closed = False
        self.cancelled = False
        self.cond = threading.Condition(threading.RLock())
        self.rng = rng
        self.producers = set()   # idents of threads that enqueued directly (not through runners)
        self.consumers = set()   # idents of threads that dequeued
        self.rr = 0              # round-robin position over the runner threads


def _fmt_shape(shape):
    return str(list(shape)) if shape is not None else "<unknown>"


# ------------------------------------------------------------------------- queues
class QueueBase:
    """A queue of elements (tuples of tensors), per session; base of the TF queue classes (``tf.QueueBase``)."""

    _kind = "Queue"
    _default_name = "queue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name=None):
        self._dtypes = [D.as_dtype(t) for t in (dtypes if isinstance(dtypes, (list, tuple)) else [dtypes])]
        if not self._dtypes:
            raise ValueError(f"{self._kind}: dtypes must not be empty")
        n = len(self._dtypes)
        self._shapes = self._check_shapes(shapes, n)
        if names is not None:
            names = list(names) if isinstance(names, (list, tuple)) else [names]
            if len(names) != n:
                raise ValueError(f"{self._kind}: names has {len(names)} entries but there are {n} dtypes")
        self._names = names
        self._capacity = int(capacity) if capacity is not None else None
        if self._capacity is not None and self._capacity <= 0:
            self._capacity = None   # TF: a capacity <= 0 means unbounded
        g = self._graph = core.get_default_graph()
        self._name, self._key, self._queue_ref = _resource(g, name or self._default_name, self._kind)
        g._facade_state.setdefault("queues_by_ref", {})[id(self._queue_ref)] = self

    def _check_shapes(self, shapes, n):
        if shapes is None:
            return None
        if not isinstance(shapes, (list, tuple)) or (shapes and not isinstance(shapes[0], (list, tuple, TensorShape))
                                                     and shapes[0] is not None):
            shapes = [shapes]
        if len(shapes) != n:
            raise ValueError(f"{self._kind}: shapes has {len(shapes)} entries but there are {n} dtypes")
        dims = [as_dims(s) for s in shapes]
        for i, d in enumerate(dims):
            if d is None or any(x is None for x in d):
                raise ValueError(f"{self._kind}: shape {i} ({TensorShape(d)}) must be fully defined "
                                 "(use PaddingFIFOQueue for shapes with unknown dimensions)")
        return dims

    # ------------------------------------------------------------------ attributes
    @property
    def name(self):
        """The queue's name in the graph."""
        return self._name

    @property
    def dtypes(self):
        """The dtype of each component."""
        return list(self._dtypes)

    @property
    def shapes(self):
        """The static shape (TensorShape) of each component (unknown when the queue has none)."""
        if self._shapes is None:
            return [TensorShape(None) for _ in self._dtypes]
        return [TensorShape(d) for d in self._shapes]

    @property
    def names(self):
        """The component names (None unless the queue was built with ``names``)."""
        return self._names

    @property
    def queue_ref(self):
        """A string tensor standing for the queue (readers accept it in place of the queue)."""
        return self._queue_ref

    def __repr__(self):
        return f"<tf.{self._kind} '{self._name}' dtypes={[t.name for t in self._dtypes]}>"

    # ------------------------------------------------------------------ run-time state
    def _new_rng(self):
        return None

    def _state(self, store):
        st = store.get(self._key)
        if st is None:
            st = store[self._key] = _QueueState(self._new_rng())
        return st

    def _element_shape(self, i):
        return None if self._shapes is None else self._shapes[i]

    def _check_element(self, parts, what):
        """Convert and check one element's components (arrays) against the queue's dtypes and shapes."""
        out = []
        for i, (p, dt) in enumerate(zip(parts, self._dtypes)):
            a = numpy.asarray(p, dtype=object) if dt is D.string else numpy.asarray(p)
            if dt is not D.string and a.dtype != dt.dtype:
                a = a.astype(dt.dtype)
            want = self._element_shape(i)
            if want is not None and (a.ndim != len(want) or any(w is not None and w != s
                                                                 for w, s in zip(want, a.shape))):
                raise InvalidArgumentError(f"{what} on {self._kind} '{self._name}': shape mismatch in tuple "
                                           f"component {i}. Expected {_fmt_shape(want)}, got {list(a.shape)}")
            out.append(a)
        return tuple(out)

    # ------------------------------------------------------------------ enqueue (run time)
    def _put(self, store, elements, what):
        st = self._state(store)
        with st.cond:
            if st.closed:
                raise CancelledError(f"{what}: {self._kind} '{self._name}' is closed.")
            if not getattr(_local, "pulling", 0):
                st.producers.add(threading.get_ident())
                for e in elements:
                    self._wait_for_room(store, st, what)
                    st.items.append(e)
                    st.cond.notify_all()
            else:
                st.items.extend(elements)
                st.cond.notify_all()

    def _wait_for_room(self, store, st, what):
        if self._capacity is None or len(st.items) < self._capacity:
            return
        start = time.monotonic()
        while len(st.items) >= self._capacity and not st.closed:
            waiting_ok = _alive(st.consumers) or (_other_threads_alive() and
                                                   time.monotonic() - start < BLOCK_GRACE_SECS)
            if not waiting_ok:
                raise FailedPreconditionError(
                    f"{what}: {self._kind} '{self._name}' is full (capacity {self._capacity}) and no other thread "
                    "dequeues from it, so this enqueue would block forever (TF hangs here). Dequeue first, use a "
                    "larger capacity, or enqueue from a separate thread")
            if store.get(self._key) is not st:
                raise CancelledError(f"{what}: the session of {self._kind} '{self._name}' was closed")
            st.cond.wait(_POLL)
        if st.closed:
            raise CancelledError(f"{what}: {self._kind} '{self._name}' is closed.")

    # ------------------------------------------------------------------ dequeue (run time)
    def _fill_target(self, n):
        """How many elements a dequeue of ``n`` wants present before it takes any."""
        return n

    def _take(self, store, n, mode, what):
        """Remove ``n`` elements ('one', 'many') or up to ``n`` ('up_to'); a list of element tuples."""
        st = self._state(store)
        with st.cond:
            st.consumers.add(threading.get_ident())
            self._fill(store, st, self._fill_target(n), what)
            if len(st.items) < n:
                if st.closed and (mode != "up_to" or not st.items):
                    raise OutOfRangeError(f"{self._kind} '{self._name}' is closed and has insufficient elements "
                                          f"(requested {n}, current size {len(st.items)})")
                if not st.closed:
                    self._block_for_elements(store, st, n, what)
                if len(st.items) < n and (mode != "up_to" or not st.items):
                    raise OutOfRangeError(f"{self._kind} '{self._name}' is closed and has insufficient elements "
                                          f"(requested {n}, current size {len(st.items)})")
            k = min(n, len(st.items))
            taken = [self._pop_one(store, st, what) for _ in range(k)]
            st.cond.notify_all()
            return taken

    def _pop_one(self, store, st, what):
        return st.items.popleft()

    def _fill(self, store, st, target, what):
        """Run registered runners' enqueue ops until ``target`` elements are present or none can add more."""
        while len(st.items) < target and not st.closed:
            threads = [t for t in _registered(store).get(self._key, ()) if t._live()]
            if not threads:
                return
            t = threads[st.rr % len(threads)]
            st.rr += 1
            t._step()

    def _block_for_elements(self, store, st, n, what):
        """No runner can add elements: wait for another thread's enqueues, or raise instead of hanging."""
        start = time.monotonic()
        while len(st.items) < n and not st.closed:
            if _alive(st.producers) or (_other_threads_alive() and time.monotonic() - start < BLOCK_GRACE_SECS):
                if store.get(self._key) is not st:
                    raise CancelledError(f"{what}: the session of {self._kind} '{self._name}' was closed")
                st.cond.wait(_POLL)
                self._fill(store, st, self._fill_target(n), what)
                continue
            runners = [r for r in self._graph.get_collection(core.GraphKeys.QUEUE_RUNNERS)
                       if isinstance(r, QueueRunner) and r.queue is self]
            hint = ("call tf.train.start_queue_runners(sess=sess, coord=coord) after running the initializers; "
                    "without it TF blocks here forever") if runners and self._key not in _registered(store) else \
                ("nothing enqueues into it any more (its runners are done or stopped, and no other thread "
                 "enqueues); TF would block here forever")
            raise FailedPreconditionError(f"{what}: {self._kind} '{self._name}' has {len(st.items)} element(s), "
                                          f"{n} needed, and {hint}")

    def _batch(self, elements, what):
        """Stack taken elements component-wise (a dequeue_many's result)."""
        out = []
        for i, dt in enumerate(self._dtypes):
            parts = [e[i] for e in elements]
            if not parts:
                shape = self._element_shape(i) or ()
                out.append(numpy.zeros((0,) + tuple(shape), dtype=object if dt is D.string else dt.dtype))
                continue
            first = parts[0].shape
            for p in parts:
                if p.shape != first:
                    raise InvalidArgumentError(f"{what} on {self._kind} '{self._name}': elements of component {i} "
                                               f"have different shapes {list(first)} and {list(p.shape)}; "
                                               "dequeue_many needs a queue with shapes (or a PaddingFIFOQueue)")
            out.append(numpy.stack(parts))
        return tuple(out)

    def _require_shapes(self, what):
        if self._shapes is None:
            raise InvalidArgumentError(f"{what}: {self._kind} '{self._name}' has no shapes; DequeueMany and "
                                       "DequeueUpTo require the components to have specified shapes (pass shapes= "
                                       "when creating the queue)")

    # ------------------------------------------------------------------ graph ops
    def _scope(self, name, suffix):
        return name or f"{self._name.rsplit('/', 1)[-1]}_{suffix}"

    def _components(self, vals, what):
        """The values of one enqueue as a list in component order (dict by names, tuple/list, or one tensor)."""
        if self._names is not None:
            if not isinstance(vals, dict):
                raise ValueError(f"{what}: {self._kind} '{self._name}' has names {self._names}; enqueue a dict")
            if set(vals) != set(self._names):
                raise ValueError(f"{what}: the keys {sorted(vals)} do not match the queue's names {self._names}")
            vals = [vals[k] for k in self._names]
        elif isinstance(vals, dict):
            raise ValueError(f"{what}: {self._kind} '{self._name}' has no names; enqueue a tuple or list, not a dict")
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        vals = list(vals)
        if len(vals) != len(self._dtypes):
            raise ValueError(f"{what}: {self._kind} '{self._name}' has {len(self._dtypes)} component(s), got "
                             f"{len(vals)} value(s)")
        out = []
        for i, (v, dt) in enumerate(zip(vals, self._dtypes)):
            try:
                out.append(F.as_tensor(v, dtype=dt, graph=self._graph))
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{what}: component {i} of {self._kind} '{self._name}' has dtype {dt.name}; got "
                                f"{v!r:.80} ({exc})") from None
        return out

    def _check_static(self, tensors, many, what):
        for i, t in enumerate(tensors):
            d = t._dims
            if d is None:
                continue
            if many:
                if len(d) == 0:
                    raise ValueError(f"{what}: component {i} ('{t.name}') is a scalar; enqueue_many needs a leading "
                                     "batch dimension")
                d = d[1:]
            want = self._element_shape(i)
            if want is not None and not TensorShape(d).is_compatible_with(TensorShape(want)):
                raise ValueError(f"{what}: shape {TensorShape(d)} of component {i} ('{t.name}') is not compatible "
                                 f"with the queue's shape {TensorShape(want)}")

    def enqueue(self, vals, name=None):
        """An op adding one element (a tensor, a tuple/list of tensors, or a dict when the queue has names)."""
        what = "enqueue"
        tensors = self._components(vals, what)
        self._check_static(tensors, False, what)

        def run(store, *values):
            self._put(store, [self._check_element(values, what)], what)
            return ()
        return stateful_node(f"{self._kind}EnqueueV2", run, tensors, [], name=self._scope(name, "enqueue"),
                             graph=self._graph)

    def enqueue_many(self, vals, name=None):
        """An op adding the slices along the first dimension of every component as elements."""
        what = "enqueue_many"
        tensors = self._components(vals, what)
        self._check_static(tensors, True, what)

        def run(store, *values):
            arrays = [numpy.asarray(v) for v in values]
            sizes = {a.shape[0] if a.ndim else None for a in arrays}
            if None in sizes or len(sizes) != 1:
                raise InvalidArgumentError(f"{what} on {self._kind} '{self._name}': the components need the same "
                                           f"first dimension, got shapes {[list(a.shape) for a in arrays]}")
            n = sizes.pop()
            self._put(store, [self._check_element([a[j] for a in arrays], what) for j in range(n)], what)
            return ()
        return stateful_node(f"{self._kind}EnqueueManyV2", run, tensors, [], name=self._scope(name, "EnqueueMany"),
                             graph=self._graph)

    def _outputs(self, op):
        outs = list(op.outputs)
        if self._names is not None:
            return dict(zip(self._names, outs))
        return outs[0] if len(outs) == 1 else outs

    def dequeue(self, name=None):
        """One element as tensors (a tensor for a one-component queue, a list, or a dict with names)."""
        what = f"{self._kind}DequeueV2"
        specs = [(self._element_shape(i), dt) for i, dt in enumerate(self._dtypes)]

        def run(store):
            (e,) = self._take(store, 1, "one", what)
            return e if len(e) > 1 else e[0]
        op = stateful_node(what, run, [], specs, name=self._scope(name, "Dequeue"), graph=self._graph)
        return self._outputs(op)

    def _dequeue_n(self, n, mode, name, type_name):
        known = None if F.is_tensor(n) else int(n)
        if known is not None and known < 0:
            raise ValueError(f"{type_name}: n must be >= 0, got {n}")
        n_t = F.as_tensor(n, dtype=D.int32, graph=self._graph) if not F.is_tensor(n) else F.as_tensor(n)
        lead = known if mode == "many" else None
        specs = []
        for i, dt in enumerate(self._dtypes):
            d = self._element_shape(i)
            specs.append((None if d is None else (lead,) + tuple(d), dt))

        def run(store, count):
            self._require_shapes(type_name)
            k = int(count)
            if k < 0:
                raise InvalidArgumentError(f"{type_name}: n must be >= 0, got {k}")
            out = self._batch(self._take(store, k, mode, type_name), type_name)
            return out if len(out) > 1 else out[0]
        op = stateful_node(type_name, run, [n_t], specs, name=name or type_name, graph=self._graph)
        return self._outputs(op)

    def dequeue_many(self, n, name=None):
        """``n`` elements stacked along a new first dimension (OutOfRangeError if the queue closes with fewer)."""
        return self._dequeue_n(n, "many", name, f"{self._kind}DequeueManyV2")

    def dequeue_up_to(self, n, name=None):
        """Like ``dequeue_many``, but a closed queue gives what is left (at least one element)."""
        return self._dequeue_n(n, "up_to", name, f"{self._kind}DequeueUpToV2")

    def size(self, name=None):
        """An int32 scalar: the number of elements in the queue now."""
        def run(store):
            return numpy.asarray(len(self._state(store).items), dtype=numpy.int32)
        return stateful_node(f"{self._kind}SizeV2", run, [], [((), D.int32)], name=self._scope(name, "Size"),
                             graph=self._graph).outputs[0]

    def is_closed(self, name=None):
        """A bool scalar: whether the queue was closed."""
        def run(store):
            return numpy.asarray(self._state(store).closed)
        return stateful_node(f"{self._kind}IsClosedV2", run, [], [((), D.bool)], name=self._scope(name, "IsClosed"),
                             graph=self._graph).outputs[0]

    def close(self, cancel_pending_enqueues=False, name=None):
        """An op closing the queue: later enqueues fail; dequeues take what is left, then raise OutOfRangeError."""
        def run(store):
            self._close(store, cancel_pending_enqueues)
            return ()
        return stateful_node(f"{self._kind}CloseV2", run, [], [], name=self._scope(name, "Close"), graph=self._graph)

    def _close(self, store, cancel=False):
        st = self._state(store)
        with st.cond:
            st.closed = True
            st.cancelled = st.cancelled or bool(cancel)
            st.cond.notify_all()

    @staticmethod
    def from_list(index, queues):
        """Not supported: selecting a queue by a run-time index."""
        raise NotImplementedError("QueueBase.from_list is not supported by tensorflux")


class FIFOQueue(QueueBase):
    """A first-in first-out queue (``tf.FIFOQueue`` / ``tf.queue.FIFOQueue``)."""

    _kind = "FIFOQueue"
    _default_name = "fifo_queue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose ``dequeue_many`` pads components to the largest element (``tf.PaddingFIFOQueue``).

    ``shapes`` is required; ``None`` dimensions vary between elements and are padded with zeros
    (empty strings for string components)."""

    _kind = "PaddingFIFOQueue"
    _default_name = "padding_fifo_queue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)

    def _check_shapes(self, shapes, n):
        if shapes is None:
            raise ValueError("PaddingFIFOQueue: shapes must be given (None for dimensions that vary)")
        if not isinstance(shapes, (list, tuple)) or (shapes and not isinstance(shapes[0], (list, tuple, TensorShape))
                                                     and shapes[0] is not None):
            shapes = [shapes]
        if len(shapes) != n:
            raise ValueError(f"PaddingFIFOQueue: shapes has {len(shapes)} entries but there are {n} dtypes")
        dims = [as_dims(s) for s in shapes]
        for i, d in enumerate(dims):
            if d is None:
                raise ValueError(f"PaddingFIFOQueue: shape {i} must have a known rank")
        return dims

    def _batch(self, elements, what):
        out = []
        for i, dt in enumerate(self._dtypes):
            parts = [e[i] for e in elements]
            rank = len(self._shapes[i])
            target = tuple(max([p.shape[j] for p in parts], default=0) for j in range(rank))
            fill = b"" if dt is D.string else 0
            arr = numpy.full((len(parts),) + target, fill, dtype=object if dt is D.string else dt.dtype)
            for r, p in enumerate(parts):
                arr[(r,) + tuple(slice(0, s) for s in p.shape)] = p
            out.append(arr)
        return tuple(out)


class RandomShuffleQueue(QueueBase):
    """A queue dequeuing elements in random order (``tf.RandomShuffleQueue``).

    Each dequeued element is drawn uniformly from the queue's contents. While the queue is open,
    a dequeue leaves at least ``min_after_dequeue`` elements; the runners feeding it keep it full
    (``capacity``), as TF's background threads do, so every draw mixes ``capacity`` elements.
    With ``seed`` (or a graph seed) the order is reproducible in every new session."""

    _kind = "RandomShuffleQueue"
    _default_name = "random_shuffle_queue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None, shared_name=None,
                 name="random_shuffle_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        self._min_after = int(min_after_dequeue)
        if self._capacity is not None and self._min_after >= self._capacity:
            raise ValueError(f"RandomShuffleQueue: min_after_dequeue ({self._min_after}) must be less than capacity "
                             f"({self._capacity})")
        from .misc import get_seed
        self._seeds = get_seed(None if seed is None else int(seed))

    def _new_rng(self):
        g, s = self._seeds
        if s is None:
            return numpy.random.default_rng(backend.get_rng().integers(0, 2**63))
        return numpy.random.default_rng([int(g), int(s)])

    def _fill_target(self, n):
        return max(self._capacity or 0, n + self._min_after)

    def _pop_one(self, store, st, what):
        if not st.closed:
            self._fill(store, st, self._capacity or 1, what)
        i = int(st.rng.integers(len(st.items)))
        st.items.rotate(-i)
        e = st.items.popleft()
        st.items.rotate(i)
        return e

    def _take(self, store, n, mode, what):
        st = self._state(store)
        with st.cond:
            st.consumers.add(threading.get_ident())
            self._fill(store, st, self._fill_target(n), what)
            if not st.closed and len(st.items) < n + self._min_after:
                self._block_for_elements(store, st, n + self._min_after, what)
            if len(st.items) < n and (mode != "up_to" or not st.items):
                raise OutOfRangeError(f"{self._kind} '{self._name}' is closed and has insufficient elements "
                                      f"(requested {n}, current size {len(st.items)})")
            k = min(n, len(st.items))
            taken = [self._pop_one(store, st, what) for _ in range(k)]
            st.cond.notify_all()
            return taken


class PriorityQueue(QueueBase):
    """Not supported (``tf.PriorityQueue``)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("tf.PriorityQueue is not supported by tensorflux; use FIFOQueue or "
                                  "RandomShuffleQueue")


def _queue_of(queue_or_ref, who):
    """The queue object behind a queue or its ``queue_ref`` tensor."""
    if isinstance(queue_or_ref, QueueBase):
        return queue_or_ref
    if F.is_tensor(queue_or_ref):
        t = F.as_tensor(queue_or_ref)
        q = t.graph._facade_state.get("queues_by_ref", {}).get(id(t))
        if q is not None:
            return q
    raise TypeError(f"{who}: expected a queue (e.g. tf.train.string_input_producer(...)) or its queue_ref, got "
                    f"{type(queue_or_ref).__name__}")


# ------------------------------------------------------------------------- QueueRunner
class _RunnerThread:
    """One "thread" of a started QueueRunner: runs one enqueue op whenever its queue needs elements.

    It is not a real thread (see the module docstring); it behaves like one for programs:
    ``start()``, ``is_alive()`` (until its input is exhausted, the coordinator stops, or the
    session closes), ``join(timeout)``, ``name``, ``daemon``."""

    def __init__(self, runner, op, sess, coord, index, daemon):
        self.runner, self.op, self.sess, self.coord = runner, op, sess, coord
        self.name = f"QueueRunnerThread-{runner.name}-{op.name}"
        self.daemon = daemon
        self.ident = None
        self._index = index
        self._started = False
        self._done = False

    def start(self):
        """Register with the session: from now on dequeues of the runner's queue pull this thread's op."""
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True
        self.ident = id(self)
        _registered(self.sess._store).setdefault(self.runner.queue._key, []).append(self)

    def _stopped(self):
        return self.coord is not None and self.coord.should_stop()

    def _live(self):
        if self._done or self.sess._closed:
            return False
        if self._stopped():
            self._finish(cancel=True)
            return False
        return True

    def is_alive(self):
        """True while the thread could still enqueue (started, input not exhausted, not stopped)."""
        return self._started and self._live()

    isAlive = is_alive  # noqa: N815 - the Python 2 name some TF programs use

    def join(self, timeout=None):
        """Returns at once: the thread's work happens inside the dequeues that need it."""
        return None

    def _step(self):
        """Run the enqueue op once (inside a dequeue that needs elements)."""
        store = self.sess._store
        helper = _helper(store, self.runner.queue._graph)
        try:
            with _pulling():
                helper.run(self.op)
        except self.runner._closed_types:
            self._finish(cancel=False)
        except Exception as exc:  # noqa: BLE001 - handed to the coordinator, then raised from sess.run
            self._done = True
            if self.coord is not None:
                self.coord.request_stop(exc)
            self.runner._exceptions.append(exc)
            self._run_close(cancel=True)
            raise

    def _finish(self, cancel):
        """This thread is done; the last one of its runner closes the queue (cancelling when stopped)."""
        if self._done:
            return
        self._done = True
        siblings = [t for t in _registered(self.sess._store).get(self.runner.queue._key, ())
                    if t.runner is self.runner and t.sess is self.sess]
        if all(t._done for t in siblings):
            self._run_close(cancel)

    def _run_close(self, cancel):
        op = self.runner.cancel_op if cancel else self.runner.close_op
        if op is None or self.sess._closed:
            return
        try:
            _helper(self.sess._store, self.runner.queue._graph).run(op)
        except OpError:
            pass

    def _drain(self):
        """Run to the end if the queue has room for everything (what TF's thread would do before join)."""
        st = self.runner.queue._state(self.sess._store)
        cap = self.runner.queue._capacity
        while self._live():
            if cap is not None and len(st.items) >= cap:
                return False
            with st.cond:
                self._step()
        return True

    def __repr__(self):
        return f"<_RunnerThread {self.name} {'alive' if self.is_alive() else 'stopped'}>"


class QueueRunner:
    """Holds a queue's enqueue ops (one "thread" each) and its close ops (``tf.train.QueueRunner``)."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None, queue_closed_exception_types=None,
                 queue_runner_def=None, import_scope=None):
        if queue_runner_def is not None:
            raise NotImplementedError("QueueRunner(queue_runner_def=...) is not supported by tensorflux")
        if queue is None or not enqueue_ops:
            raise ValueError("QueueRunner: queue and enqueue_ops are required")
        self._queue = _queue_of(queue, "QueueRunner")
        self._enqueue_ops = [o.op if isinstance(o, core.Tensor) else o for o in enqueue_ops]
        self._close_op = close_op if close_op is not None else self._queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else self._queue.close(cancel_pending_enqueues=True)
        types = queue_closed_exception_types or (OutOfRangeError, CancelledError)
        self._closed_types = tuple(types)
        self._exceptions = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return list(self._enqueue_ops)

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        return self._closed_types

    @property
    def exceptions_raised(self):
        """Exceptions the runner's enqueue ops raised (other than the end of input)."""
        return list(self._exceptions)

    @property
    def name(self):
        return self._queue.name

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Thread-like objects (one per enqueue op) that feed the queue on demand in ``sess``.

        Returns [] when this runner's threads already run in ``sess`` (as TF does)."""
        reg = _registered(sess._store).get(self._queue._key, ())
        if any(t.runner is self and t._live() for t in reg):
            return []
        threads = [_RunnerThread(self, op, sess, coord, i, daemon) for i, op in enumerate(self._enqueue_ops)]
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads

    def __repr__(self):
        return f"<tf.train.QueueRunner for {self._queue!r}, {len(self._enqueue_ops)} enqueue op(s)>"


def add_queue_runner(qr, collection=core.GraphKeys.QUEUE_RUNNERS):
    """Add ``qr`` to the graph's queue-runner collection (started by ``start_queue_runners``)."""
    qr.queue._graph.add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True, collection=core.GraphKeys.QUEUE_RUNNERS):
    """Start the graph's queue runners in ``sess`` (the default session if None); a list of thread-like objects.

    The runners' enqueue ops then run on demand inside the dequeues that need elements (see the
    module docstring); nothing runs in the background."""
    from ...graph.session import get_default_session
    sess = sess if sess is not None else get_default_session()
    if sess is None:
        raise ValueError("start_queue_runners: no session given and no default session is registered; pass sess=")
    if getattr(sess, "_closed", False):
        raise RuntimeError("start_queue_runners: the session is closed")
    threads = []
    for qr in sess.graph.get_collection(collection or core.GraphKeys.QUEUE_RUNNERS):
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads


# ------------------------------------------------------------------------- Coordinator
class Coordinator:
    """Coordinates the termination of a set of threads (``tf.train.Coordinator``).

    ``should_stop``, ``request_stop(ex)``, ``stop_on_exception()``, ``wait_for_stop``,
    ``register_thread``, ``join(threads, stop_grace_period_secs, ignore_live_threads)``,
    ``raise_requested_exception``, ``clear_stop``. An exception given to ``request_stop`` (other
    than ``clean_stop_exception_types``, by default ``OutOfRangeError``) is re-raised by ``join``.
    Works with real ``threading.Thread`` objects and with the queue runners' thread-like objects."""

    def __init__(self, clean_stop_exception_types=None):
        self._clean = tuple(clean_stop_exception_types) if clean_stop_exception_types is not None \
            else (OutOfRangeError,)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info = None
        self._joined = False
        self._threads = []

    def _exc_info_of(self, ex):
        if ex is None:
            return None
        if isinstance(ex, tuple):
            return ex if isinstance(ex[1], BaseException) else None
        if isinstance(ex, BaseException):
            return (type(ex), ex, ex.__traceback__)
        return None

    def request_stop(self, ex=None):
        """Ask all threads to stop; ``ex`` (an exception or ``sys.exc_info()``) is re-raised by ``join``."""
        with self._lock:
            info = self._exc_info_of(ex)
            if self._joined and info is not None and not isinstance(info[1], self._clean):
                raise info[1]
            if not self._stop_event.is_set():
                if info is not None and not isinstance(info[1], self._clean) and self._exc_info is None:
                    self._exc_info = info
                self._stop_event.set()

    def clear_stop(self):
        """Forget a stop request (and its exception)."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self):
        """True once a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Inside: an exception requests a stop (with that exception) instead of propagating."""
        try:
            yield
        except:  # noqa: E722 - TF catches everything here, including KeyboardInterrupt
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Wait until a stop is requested (True) or ``timeout`` seconds pass (False)."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Add ``thread`` to the threads ``join()`` waits for."""
        with self._lock:
            if thread not in self._threads:
                self._threads.append(thread)

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Raise the exception given to ``request_stop``, if any."""
        with self._lock:
            if self._exc_info is not None:
                raise self._exc_info[1].with_traceback(self._exc_info[2])

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for the threads to stop (and a stop request, or all of them ending); re-raise a requested exception.

        Queue-runner threads stop as soon as a stop is requested. Joined without a stop request,
        a runner thread first runs its input to the end if the queue has room for it (what its TF
        thread would do); one that cannot finish raises RuntimeError instead of hanging."""
        with self._lock:
            ts = list(self._threads)
        for t in (threads or ()):
            if t not in ts:
                ts.append(t)
        if not self.should_stop():
            stuck = [t for t in ts if isinstance(t, _RunnerThread) and t.is_alive() and not t._drain()]
            if stuck and not any(not isinstance(t, _RunnerThread) and t.is_alive() for t in ts):
                raise RuntimeError("Coordinator.join: the queue runner threads " +
                                   ", ".join(t.name for t in stuck) + " can never finish (their queue is full and "
                                   "nothing dequeues from it; TF would wait here forever). Call coord.request_stop() "
                                   "before coord.join(threads)")
        while any(t.is_alive() for t in ts) and not self.wait_for_stop(1.0):
            pass
        wait, left = 0.001, float(stop_grace_period_secs)
        while any(t.is_alive() for t in ts) and left >= 0.0:
            time.sleep(wait)
            left -= wait
            wait = max(min(2 * wait, left), 0.001)
        stragglers = [getattr(t, "name", repr(t)) for t in ts if t.is_alive()]
        with self._lock:
            self._joined = True
            self._threads = []
            if self._exc_info is not None:
                raise self._exc_info[1].with_traceback(self._exc_info[2])
        if stragglers and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: " + " ".join(stragglers))


class LooperThread(threading.Thread):
    """A thread running ``target(*args)`` repeatedly (every ``timer_interval_secs``) until the coordinator stops."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        super().__init__(daemon=True)
        self._coord, self._interval = coord, timer_interval_secs
        self._target_fn, self._args, self._kwargs = target, args or (), kwargs or {}
        coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Start a LooperThread and return it."""
        t = LooperThread(coord, timer_interval_secs, target, args, kwargs)
        t.start()
        return t

    def run(self):
        with self._coord.stop_on_exception():
            while not self._coord.should_stop():
                if self._target_fn is not None:
                    self._target_fn(*self._args, **self._kwargs)
                if self._interval:
                    if self._coord.wait_for_stop(self._interval):
                        break
