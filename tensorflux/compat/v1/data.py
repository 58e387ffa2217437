"""``tf.data``: input pipelines (``Dataset``) read through iterators whose ``get_next()`` a session runs.

    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    dataset = dataset.map(lambda x, y: (x / 255.0, y)).shuffle(1000).batch(32)
    iterator = dataset.make_initializable_iterator()
    x, y = iterator.get_next()                     # tensors of shapes (?, 784) and (?,)
    ...
    for epoch in range(2):
        sess.run(iterator.initializer)
        while True:
            try:
                sess.run(train_op)                 # one batch per run
            except tf.errors.OutOfRangeError:
                break

How it runs. A ``Dataset`` describes a pipeline; its elements are produced on the host, in
NumPy, by generators (the sources and transformations below). An iterator's position is
per-session state, kept in the session's variable store under the iterator's key, so two
sessions iterate independently, as in TF. ``get_next()`` adds ONE stateful node with one output
per component: every ``sess.run`` that needs any of those outputs pulls exactly one element,
and all of them come from that element. Past the end, ``sess.run`` raises
``tf.errors.OutOfRangeError``.

Functions given to ``map``, ``filter``, ``flat_map`` and ``interleave`` receive graph tensors, as
in TF: each is traced once, when the transformation is built, on placeholders shaped like one
element (a tuple element is passed as separate arguments), so it may use any tf op, and
``lambda x, y: (x / 255.0, y)`` works as written. At run time every element is pushed through
the traced nodes by a helper session that shares the running session's variables. Placeholders
such a function reads from outside are fed when the iterator's initializer runs.

Graph tensors given to a dataset (``from_tensor_slices(placeholder)``, ``batch(batch_size_ph)``)
are evaluated when the iterator is initialized: feed them in that ``sess.run``.
"""
from __future__ import annotations

import gzip
import itertools
import os

import numpy

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph.errors import FailedPreconditionError, InvalidArgumentError, OutOfRangeError
from ...graph.session import Session
from ...graph.tensor_shape import TensorShape, as_dims
from ...graph.variables import placeholder, stateful_node
from .functional_ops import _flatten, _pack, _same_structure, _sorted_keys
from .misc import get_seed

__all__ = ["Dataset", "Iterator", "TextLineDataset", "TFRecordDataset", "FixedLengthRecordDataset",
           "make_one_shot_iterator", "make_initializable_iterator", "get_output_types", "get_output_shapes",
           "get_output_classes", "experimental", "AUTOTUNE"]

AUTOTUNE = -1


class _EndOfSequence(OutOfRangeError):
    """End of data: a ``tf.errors.OutOfRangeError`` (the session passes tf.errors.* through unchanged)."""


# ------------------------------------------------------------------------- element structures
def _flat(structure):
    """Leaves of an element structure (tuples, namedtuples and dicts nest; a list is one tensor)."""
    return _flatten(structure, lists=False)


def _pack_as(template, leaves):
    """``leaves`` in the element structure ``template``; a single-component element is the leaf itself."""
    return _pack(template, leaves, lists=False)


def _template_of(structure):
    """The element structure with every leaf replaced by None."""
    return _pack_as(structure, [None] * len(_flat(structure)))


def _flat_up_to(template, value, what):
    """Flatten ``value`` (e.g. shapes given as lists) down to the leaves of ``template``."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or _sorted_keys(value) != _sorted_keys(template):
            raise TypeError(f"{what}: expected a dict with keys {_sorted_keys(template)}, got {value!r}")
        return [x for k in _sorted_keys(template) for x in _flat_up_to(template[k], value[k], what)]
    if isinstance(template, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(template):
            raise TypeError(f"{what}: expected a structure of {len(template)} entries, got {value!r}")
        return [x for t, v in zip(template, value) for x in _flat_up_to(t, v, what)]
    return [value]


def _dims_str(dims):
    return str(TensorShape(dims))


def _compatible(dims, shape):
    if dims is None:
        return True
    return len(dims) == len(shape) and all(d is None or d == n for d, n in zip(dims, shape))


def _merge_dims(a, b):
    """The static shape two components are both known to have (unknown where they differ)."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def _to_array(value, fn_name):
    """A source value as an array, with TF's conversion rules (Python floats -> float32, ...)."""
    try:
        return F._np_value(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{fn_name}: cannot convert {type(value).__name__} {value!r:.80} to a tensor ({exc}); a list "
                        "is one tensor in tf.data (use a tuple for several components)") from None


def _leaf(value, fn_name):
    """A source leaf: a graph tensor (captured) or an array."""
    if F.is_tensor(value):
        return F.as_tensor(value)
    if isinstance(value, list) and F._holds_tensor(value):
        return F.as_tensor(value)
    if isinstance(value, core.Operation):
        raise TypeError(f"{fn_name}: got the operation '{value.name}'; expected tensors or arrays")
    return _to_array(value, fn_name)


def _normalize(structure, fn_name):
    """The element structure of ``structure`` with leaves as tensors or arrays (lists are tensors)."""
    if structure is None:
        raise TypeError(f"{fn_name}: expected tensors, arrays or a tuple/dict of them, got None")
    leaves = [_leaf(x, fn_name) for x in _flat(structure)]
    return _pack_as(structure, leaves) if isinstance(structure, (tuple, dict)) else leaves[0], leaves


def _spec(x):
    """(DType, static dims) of a leaf (tensor or array)."""
    if F.is_tensor(x):
        return x.dtype, x._dims
    return D.as_dtype(x.dtype), tuple(x.shape)


def _stack(elements, what="batch"):
    """Component-wise ``numpy.stack`` of a list of flat elements."""
    out = []
    for k in range(len(elements[0])):
        parts = [e[k] for e in elements]
        first = parts[0].shape
        for j, p in enumerate(parts):
            if p.shape != first:
                raise InvalidArgumentError(f"Cannot {what} tensors with different shapes in component {k}. First "
                                           f"element had shape {list(first)} and element {j} had shape "
                                           f"{list(p.shape)}.")
        out.append(numpy.stack(parts))
    return tuple(out)


# ------------------------------------------------------------------------- run-time context
class _FunctionSession(Session):
    """A session sharing a running session's variable store: it runs the traced dataset functions."""

    def __init__(self, graph, store):
        super().__init__(graph=graph)
        self._store = store

    def close(self):
        self._closed = True  # never clears the borrowed store

    def __del__(self):
        pass


class _Shared:
    """What every context of one iterator initialization shares."""

    __slots__ = ("store", "graph", "session", "runners", "seeds", "epochs", "caches")

    def __init__(self, store, graph):
        self.store, self.graph, self.session = store, graph, None
        self.runners, self.seeds, self.epochs, self.caches = {}, {}, {}, {}


class _Context:
    """Run-time values of captured graph tensors, plus the state shared by one initialization."""

    __slots__ = ("values", "shared")

    def __init__(self, values, shared):
        self.values, self.shared = values, shared

    def value(self, x):
        """A dataset parameter's value: captured tensors are looked up, Python values returned as they are."""
        if F.is_tensor(x):
            return self.values[id(F.as_tensor(x))]
        return x

    def child(self, extra):
        return _Context({**self.values, **extra}, self.shared)

    def session(self):
        s = self.shared
        if s.session is None:
            s.session = _FunctionSession(s.graph, s.store)
        return s.session


def _int_param(ctx, x, what):
    v = ctx.value(x)
    try:
        return int(v)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{what} must be an integer scalar, got {v!r}") from None


# ------------------------------------------------------------------------- traced functions
def _external_placeholders(tensors, args):
    """Placeholders outside ``args`` that ``tensors`` depend on (fed at initialization)."""
    arg_ids = {id(a) for a in args}
    seen, out, stack = set(), [], [t.op for t in tensors if id(t) not in arg_ids]
    while stack:
        op = stack.pop()
        if op._id in seen:
            continue
        seen.add(op._id)
        if op.kind == "placeholder":
            out.append(op.outputs[0])
            continue
        stack.extend(t.op for t in op.inputs if t is not None and id(t) not in arg_ids)
        stack.extend(op.control_inputs)
    return sorted(out, key=lambda t: t.op._id)


class _Function:
    """A user function traced once on placeholders shaped like one element of ``dataset``."""

    def __init__(self, what, fn, dataset, graph):
        if not callable(fn):
            raise TypeError(f"{what}: expected a callable, got {type(fn).__name__}")
        self.what, self.graph = what, graph
        g = graph
        with g.as_default(), g.control_dependencies(None), g._in_cond(None), g.name_scope(what):
            self.args = [placeholder(t, d, name=f"arg{i}") for i, (t, d) in
                         enumerate(zip(dataset._types, dataset._dims))]
            packed = _pack_as(dataset._template, self.args)
            # TF passes the components of a tuple element as separate arguments
            self.raw = fn(*packed) if type(packed) is tuple else fn(packed)
        self.fetches, self.captures = [], []

    def set_fetches(self, fetches):
        self.fetches = list(fetches)
        self.captures = _external_placeholders(self.fetches, self.args)

    def __call__(self, ctx, element):
        """The fetched values for one element (a flat tuple of arrays)."""
        runners = ctx.shared.runners
        run = runners.get(id(self))
        if run is None:
            run = runners[id(self)] = ctx.session().make_callable(self.fetches, self.args + self.captures)
        try:
            out = run(*element, *[ctx.values[id(c)] for c in self.captures])
        except (InvalidArgumentError, FailedPreconditionError):
            raise
        except Exception as exc:  # noqa: BLE001 - re-raised naming the dataset function
            raise InvalidArgumentError(f"{self.what}: the dataset function failed on an element: {exc}") from exc
        return [numpy.asarray(v) for v in out]


def _element_outputs(what, raw, graph):
    """A traced function's result as (structure, flat tensors); a top-level list counts as a tuple (TF 1.x)."""
    if isinstance(raw, list):
        raw = tuple(raw)
    if raw is None:
        raise TypeError(f"{what}: the function returned None; it must return a tensor or a tuple/dict of tensors")
    leaves = []
    for x in _flat(raw):
        if isinstance(x, core.Operation):
            raise TypeError(f"{what}: the function returned the operation '{x.name}'; it must return tensors")
        leaves.append(F.as_tensor(x) if F.is_tensor(x) else F.as_tensor(x, graph=graph))
    return _pack_as(raw, leaves) if isinstance(raw, (tuple, dict)) else leaves[0], leaves


def _element_spec(output_types, output_shapes, who):
    """(template, types, dims) of an element given as TF's ``output_types`` / ``output_shapes`` structures."""
    if isinstance(output_types, list):
        output_types = tuple(output_types)
    template = _template_of(output_types) if isinstance(output_types, (tuple, dict)) else None
    types = [D.as_dtype(t) for t in _flat(output_types)]
    if output_shapes is None:
        return template, types, [None] * len(types)
    shapes = _flat_up_to(template, output_shapes, f"{who}: output_shapes") if template is not None else [output_shapes]
    return template, types, [as_dims(sh) for sh in shapes]


# ------------------------------------------------------------------------- Dataset
class _DescribesElement:
    """``output_types`` / ``output_shapes`` / ``output_classes`` of an element described by
    ``_template`` (its tuple/dict structure, or None for one tensor), ``_types`` and ``_dims``."""

    @property
    def output_types(self):
        """The dtype of each component, in the element's structure."""
        return _pack_as(self._template, list(self._types))

    @property
    def output_shapes(self):
        """The static shape (TensorShape) of each component, in the element's structure."""
        return _pack_as(self._template, [TensorShape(d) for d in self._dims])

    @property
    def output_classes(self):
        """The class of each component (always ``tf.Tensor``), in the element's structure."""
        return _pack_as(self._template, [core.Tensor] * len(self._types))


class Dataset(_DescribesElement):
    """A sequence of elements (tensors, or tuples/dicts of them): a source and transformations (``tf.data.Dataset``)."""

    def __init__(self, structure, types, dims, gen, children=(), params=(), functions=(), graph=None):
        self._template = _template_of(structure) if isinstance(structure, (tuple, dict)) else None
        self._types = [D.as_dtype(t) for t in types]
        self._dims = [as_dims(d) for d in dims]
        self._gen = gen
        self._children = tuple(children)
        self._params = [F.as_tensor(p) for p in params if F.is_tensor(p)]
        self._functions = tuple(functions)
        gs = [t.graph for t in self._params] + [f.graph for f in self._functions] + \
             [c._graph for c in self._children if c._graph is not None]
        self._graph = graph if graph is not None else (gs[0] if gs else None)
        if any(x is not self._graph for x in gs):
            raise ValueError("tf.data: a dataset mixes tensors of different graphs; build the whole pipeline in "
                             "one graph")

    def _captures(self):
        """Graph tensors this pipeline evaluates when an iterator over it is initialized."""
        seen, out = set(), []
        for t in itertools.chain(self._params, *[f.captures for f in self._functions],
                                 *[c._captures() for c in self._children]):
            if id(t) not in seen:
                seen.add(id(t))
                out.append(t)
        return out

    def _iterate(self, ctx):
        """A generator of flat elements (tuples of arrays)."""
        return self._gen(ctx, *self._children)

    def _derive(self, gen, structure=None, types=None, dims=None, params=(), functions=()):
        """A dataset reading this one through ``gen(ctx, self)`` (this element spec unless given)."""
        if structure is None and types is None:
            structure = self._template
            types, dims = self._types, self._dims
        return Dataset(structure, types, dims, gen, (self,), params, functions, self._graph)

    def _fn_graph(self):
        return self._graph if self._graph is not None else core.get_default_graph()

    def __repr__(self):
        shapes = _pack_as(self._template, [_dims_str(d) for d in self._dims])
        types = _pack_as(self._template, [repr(t) for t in self._types])
        return f"<DatasetV1Adapter shapes: {_fmt(shapes)}, types: {_fmt(types)}>"

    def __iter__(self):
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is enabled. In TF 1.x graph "
                           "mode read a dataset with dataset.make_one_shot_iterator().get_next() and sess.run")

    # ------------------------------------------------------------------ sources
    @staticmethod
    def from_tensor_slices(tensors):
        """One element per slice along the first dimension of every component (all must have the same size)."""
        structure, leaves = _normalize(tensors, "from_tensor_slices")
        types, dims, n = [], [], None
        for i, x in enumerate(leaves):
            dt, d = _spec(x)
            if d is not None and len(d) == 0:
                raise ValueError(f"from_tensor_slices: component {i} is a scalar; slicing needs tensors of rank >= 1")
            if d is not None and d[0] is not None:
                if n is not None and d[0] != n:
                    raise ValueError(f"from_tensor_slices: all components must have the same size in their first "
                                     f"dimension, got {n} and {d[0]} (component {i}, shape {_dims_str(d)})")
                n = d[0]
            types.append(dt)
            dims.append(None if d is None else d[1:])

        def gen(ctx):
            arrays = [ctx.value(x) for x in leaves]
            sizes = {a.shape[0] for a in arrays}
            if len(sizes) > 1:
                raise InvalidArgumentError(f"from_tensor_slices: the components have different first dimensions "
                                           f"{[a.shape[0] for a in arrays]}")
            for i in range(arrays[0].shape[0]):
                yield tuple(a[i, ...] for a in arrays)
        return Dataset(structure, types, dims, gen, params=leaves)

    @staticmethod
    def from_tensors(tensors):
        """A dataset of exactly one element: ``tensors``."""
        structure, leaves = _normalize(tensors, "from_tensors")
        specs = [_spec(x) for x in leaves]

        def gen(ctx):
            yield tuple(numpy.asarray(ctx.value(x)) for x in leaves)
        return Dataset(structure, [s[0] for s in specs], [s[1] for s in specs], gen, params=leaves)

    @staticmethod
    def range(*args, output_type=D.int64):  # noqa: A003 - TF's name
        """int64 scalars ``start, start + step, ...`` below ``stop`` (Python ``range`` arguments)."""
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range: expected 1 to 3 arguments (stop | start, stop[, step]), got {len(args)}")
        dt = D.as_dtype(output_type)

        def gen(ctx):
            vals = [_int_param(ctx, a, "range: argument") for a in args]
            if len(vals) == 3 and vals[2] == 0:
                raise InvalidArgumentError("range: step must not be 0")
            for i in range(*vals):
                yield (numpy.asarray(i, dtype=dt.dtype),)
        return Dataset(None, [dt], [()], gen, params=args)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements yielded by ``generator(*args)`` (called afresh at every initialization), checked against
        ``output_types`` / ``output_shapes``."""
        if not callable(generator):
            raise TypeError(f"from_generator: generator must be a callable returning an iterable, got "
                            f"{type(generator).__name__}")
        template, types, dims = _element_spec(output_types, output_shapes, "from_generator")
        gen_args = [] if args is None else [_leaf(a, "from_generator") for a in args]

        def gen(ctx):
            values = [ctx.value(a) for a in gen_args]
            for item in generator(*values):
                if template is not None:
                    try:
                        flat = _flat_up_to(template, item, "from_generator")
                    except TypeError:
                        raise InvalidArgumentError(f"`generator` yielded an element that did not match the expected "
                                                   f"structure. The expected structure was {output_types!r}, but "
                                                   f"the yielded element was {item!r:.200}.") from None
                else:
                    flat = [item]
                out = []
                for v, dt, d in zip(flat, types, dims):
                    try:
                        a = F._np_value(v, dt)
                    except (TypeError, ValueError):
                        raise InvalidArgumentError(f"`generator` yielded an element that could not be converted to "
                                                   f"the expected type. The expected type was {dt.name}, but the "
                                                   f"yielded element was {v!r:.200}.") from None
                    if not _compatible(d, a.shape):
                        raise InvalidArgumentError(f"`generator` yielded an element of shape {a.shape} where an "
                                                   f"element of shape {_dims_str(d)} was expected.")
                    out.append(a)
                yield tuple(out)
        return Dataset(template, types, dims, gen, params=gen_args)

    @staticmethod
    def zip(datasets):  # noqa: A003 - TF's name
        """Elements of several datasets side by side (a tuple/dict of datasets); stops with the shortest."""
        flat = _flatten(datasets, lists=False)
        if not flat or not all(isinstance(d, Dataset) for d in flat):
            raise TypeError(f"zip: expected a tuple or dict of datasets, got {datasets!r:.200}")
        structure = _pack_as(datasets, [d._template for d in flat]) if isinstance(datasets, (tuple, dict)) \
            else flat[0]._template
        types = [t for d in flat for t in d._types]
        dims = [x for d in flat for x in d._dims]

        def gen(ctx, *srcs):
            its = [s._iterate(ctx) for s in srcs]
            while True:
                parts = []
                for it in its:
                    e = next(it, None)
                    if e is None:
                        return
                    parts.extend(e)
                yield tuple(parts)
        graphs = [d._graph for d in flat if d._graph is not None]
        return Dataset(structure, types, dims, gen, flat, graph=graphs[0] if graphs else None)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None):
        """The file names matching a glob pattern (string scalars), shuffled unless ``shuffle=False``."""
        import glob
        pats = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
        names = sorted({n for p in pats for n in glob.glob(p.decode() if isinstance(p, bytes) else p)})
        if not names:
            raise InvalidArgumentError(f"list_files: no files match {file_pattern!r}")
        ds = Dataset.from_tensor_slices(numpy.array([n.encode() for n in names], dtype=object))
        return ds if shuffle is False else ds.shuffle(len(names), seed=seed)

    # ------------------------------------------------------------------ transformations
    def batch(self, batch_size, drop_remainder=False):
        """Consecutive elements stacked into batches (the last one smaller unless ``drop_remainder``)."""
        known = None if F.is_tensor(batch_size) else int(batch_size)
        if known is not None and known <= 0:
            raise ValueError(f"batch: batch_size must be positive, got {batch_size}")
        drop_known = None if F.is_tensor(drop_remainder) else bool(drop_remainder)
        lead = known if drop_known else None

        def gen(ctx, src):
            n = _int_param(ctx, batch_size, "batch: batch_size")
            if n <= 0:
                raise InvalidArgumentError(f"Batch size must be greater than zero, got {n}.")
            drop = bool(ctx.value(drop_remainder))
            buf = []
            for e in src._iterate(ctx):
                buf.append(e)
                if len(buf) == n:
                    yield _stack(buf)
                    buf = []
            if buf and not drop:
                yield _stack(buf)
        dims = [None if d is None else (lead,) + d for d in self._dims]
        return self._derive(gen, self._template, self._types, dims, params=(batch_size, drop_remainder))

    def padded_batch(self, batch_size, padded_shapes, padding_values=None, drop_remainder=False):
        """Batches whose components are padded to ``padded_shapes`` (None/-1: the longest in the batch)."""
        shapes = _flat_up_to(self._template, padded_shapes, "padded_batch: padded_shapes") \
            if self._template is not None else [padded_shapes]
        pads = [as_dims(s) for s in shapes]
        if padding_values is None:
            fills = [b"" if t is D.string else 0 for t in self._types]
        else:
            fills = _flat_up_to(self._template, padding_values, "padded_batch: padding_values") \
                if self._template is not None else [padding_values]
            fills = [F.as_tensor(f) if F.is_tensor(f) else f for f in fills]
        for i, (p, d) in enumerate(zip(pads, self._dims)):
            if p is None or (d is not None and len(p) != len(d)):
                raise ValueError(f"padded_batch: padded shape {p} of component {i} does not match its rank "
                                 f"({_dims_str(d)})")
        known = None if F.is_tensor(batch_size) else int(batch_size)
        lead = known if (not F.is_tensor(drop_remainder) and drop_remainder) else None

        def gen(ctx, src):
            n = _int_param(ctx, batch_size, "padded_batch: batch_size")
            if n <= 0:
                raise InvalidArgumentError(f"Batch size must be greater than zero, got {n}.")
            fill_values = [ctx.value(f) for f in fills]

            def emit(buf):
                out = []
                for k, (p, dt) in enumerate(zip(pads, self._types)):
                    parts = [e[k] for e in buf]
                    target = tuple(max(q.shape[j] for q in parts) if s is None else s for j, s in enumerate(p))
                    arr = numpy.full((len(parts),) + target, fill_values[k], dtype=dt.dtype)
                    for r, q in enumerate(parts):
                        if q.ndim != len(target) or any(a > b for a, b in zip(q.shape, target)):
                            raise InvalidArgumentError(f"padded_batch: attempted to pad component {k} of shape "
                                                       f"{list(q.shape)} to the smaller shape {list(target)}.")
                        arr[(r,) + tuple(slice(0, a) for a in q.shape)] = q
                    out.append(arr)
                return tuple(out)
            buf = []
            for e in src._iterate(ctx):
                buf.append(e)
                if len(buf) == n:
                    yield emit(buf)
                    buf = []
            if buf and not bool(ctx.value(drop_remainder)):
                yield emit(buf)
        return self._derive(gen, self._template, self._types, [(lead,) + p for p in pads],
                            params=[batch_size, drop_remainder] + fills)

    def unbatch(self):
        """Each element split along its first dimension into that many elements."""
        for i, d in enumerate(self._dims):
            if d is not None and len(d) == 0:
                raise ValueError(f"unbatch: component {i} is a scalar; it has no dimension to split")

        def gen(ctx, src):
            for e in src._iterate(ctx):
                n = {a.shape[0] for a in e}
                if len(n) > 1:
                    raise InvalidArgumentError(f"unbatch: components have different first dimensions "
                                               f"{[a.shape[0] for a in e]}")
                for i in range(n.pop() if n else 0):
                    yield tuple(a[i, ...] for a in e)
        return self._derive(gen, self._template, self._types, [None if d is None else d[1:] for d in self._dims])

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """Elements in random order, drawn from a buffer of ``buffer_size`` (TF's algorithm; 1: no shuffling).

        With ``seed`` (or a graph seed) the order is reproducible: every initialization starts the same
        sequence; ``reshuffle_each_iteration`` (default True) gives each pass of a ``repeat`` a new order.
        """
        if not F.is_tensor(buffer_size) and int(buffer_size) <= 0:
            raise ValueError(f"shuffle: buffer_size must be positive, got {buffer_size}")
        graph_seed, op_seed = get_seed(None if seed is None else int(seed))
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        key = object()

        def gen(ctx, src):
            size = _int_param(ctx, buffer_size, "shuffle: buffer_size")
            if size <= 0:
                raise InvalidArgumentError(f"shuffle: buffer_size must be greater than zero, got {size}")
            sh = ctx.shared
            base = sh.seeds.get(key)
            if base is None:
                base = sh.seeds[key] = [graph_seed, op_seed] if op_seed is not None else \
                    [int(numpy.random.SeedSequence().entropy % 2**63)]
            epoch = sh.epochs[key] = sh.epochs.get(key, -1) + 1
            rng = numpy.random.default_rng(base + [epoch] if reshuffle else base)
            it = src._iterate(ctx)
            buf = list(itertools.islice(it, size))
            u, k = rng.random(256), 0
            for e in it:
                if k == 256:
                    u, k = rng.random(256), 0
                j = int(u[k] * len(buf))
                k += 1
                out, buf[j] = buf[j], e
                yield out
            while buf:
                if k == 256:
                    u, k = rng.random(256), 0
                j = int(u[k] * len(buf))
                k += 1
                out, buf[j] = buf[j], buf[-1]
                buf.pop()
                yield out
        return self._derive(gen, params=(buffer_size,))

    def repeat(self, count=None):
        """This dataset ``count`` times over (None or -1: forever; an empty dataset stays empty)."""
        def gen(ctx, src):
            n = ctx.value(count)
            n = -1 if n is None else int(n)
            i = 0
            while n < 0 or i < n:
                empty = True
                for e in src._iterate(ctx):
                    empty = False
                    yield e
                if empty:
                    return
                i += 1
        return self._derive(gen, params=(count,))

    def take(self, count):
        """At most the first ``count`` elements (-1: all)."""
        def gen(ctx, src):
            n = _int_param(ctx, count, "take: count")
            it = src._iterate(ctx)
            return it if n < 0 else itertools.islice(it, n)
        return self._derive(gen, params=(count,))

    def skip(self, count):
        """All but the first ``count`` elements (-1: none)."""
        def gen(ctx, src):
            n = _int_param(ctx, count, "skip: count")
            it = src._iterate(ctx)
            if n < 0:
                return iter(())
            return itertools.islice(it, n, None)
        return self._derive(gen, params=(count,))

    def shard(self, num_shards, index):
        """Every ``num_shards``-th element, starting at ``index``."""
        def gen(ctx, src):
            n, i = _int_param(ctx, num_shards, "shard: num_shards"), _int_param(ctx, index, "shard: index")
            if n <= 0 or not 0 <= i < n:
                raise InvalidArgumentError(f"shard: need num_shards > 0 and 0 <= index < num_shards, got "
                                           f"num_shards={n}, index={i}")
            return itertools.islice(src._iterate(ctx), i, None, n)
        return self._derive(gen, params=(num_shards, index))

    def prefetch(self, buffer_size):
        """The same elements (tensorflux produces elements when they are pulled; nothing to overlap)."""
        return self._derive(lambda ctx, src: src._iterate(ctx))

    def cache(self, filename=""):
        """The same elements, kept in memory after the first complete pass (``filename`` is ignored)."""
        key = object()

        def gen(ctx, src):
            done = ctx.shared.caches.get(key)
            if done is not None:
                yield from done
                return
            seen = []
            for e in src._iterate(ctx):
                seen.append(e)
                yield e
            ctx.shared.caches[key] = seen
        return self._derive(gen)

    def concatenate(self, dataset):
        """This dataset's elements followed by ``dataset``'s (same structure and dtypes)."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"concatenate: expected a Dataset, got {type(dataset).__name__}")
        if not _same_structure(self._template, dataset._template, lists=False) or self._types != dataset._types:
            raise TypeError(f"concatenate: the two datasets have different types: {self.output_types} and "
                            f"{dataset.output_types}")

        def gen(ctx, a, b):
            yield from a._iterate(ctx)
            yield from b._iterate(ctx)
        dims = [_merge_dims(x, y) for x, y in zip(self._dims, dataset._dims)]
        return Dataset(self._template, self._types, dims, gen, (self, dataset), graph=self._graph or dataset._graph)

    def map(self, map_func, num_parallel_calls=None):  # noqa: A003 - TF's name
        """``map_func`` applied to every element (it receives graph tensors; a tuple element as separate arguments)."""
        fn = _Function("MapDataset", map_func, self, self._fn_graph())
        structure, outs = _element_outputs("map", fn.raw, fn.graph)
        fn.set_fetches(outs)

        def gen(ctx, src):
            for e in src._iterate(ctx):
                yield tuple(fn(ctx, e))
        return self._derive(gen, structure, [t.dtype for t in outs], [t._dims for t in outs], functions=(fn,))

    def filter(self, predicate):  # noqa: A003 - TF's name
        """The elements for which ``predicate`` (traced like ``map``'s function) returns True."""
        fn = _Function("FilterDataset", predicate, self, self._fn_graph())
        raw = fn.raw
        t = F.as_tensor(raw) if F.is_tensor(raw) else F.as_tensor(raw, graph=fn.graph) \
            if isinstance(raw, (bool, numpy.bool_)) else None
        if t is None or not t.dtype.is_bool or (t._dims is not None and len(t._dims) != 0):
            raise ValueError(f"filter: `predicate` must return a scalar boolean tensor, got {raw!r}")
        fn.set_fetches([t])

        def gen(ctx, src):
            for e in src._iterate(ctx):
                if bool(fn(ctx, e)[0]):
                    yield e
        return self._derive(gen, functions=(fn,))

    def _dataset_function(self, what, map_func):
        fn = _Function(what, map_func, self, self._fn_graph())
        inner = fn.raw
        if not isinstance(inner, Dataset):
            raise TypeError(f"{what}: `map_func` must return a `Dataset` object, got {type(inner).__name__}")
        fn.set_fetches(inner._captures())
        caps = inner._captures()

        def open_inner(ctx, e):
            vals = fn(ctx, e) if caps else []
            return inner._iterate(ctx.child({id(c): v for c, v in zip(caps, vals)}))
        return fn, inner, open_inner

    def flat_map(self, map_func):
        """The elements of the datasets ``map_func`` returns for each element, one dataset after the other."""
        fn, inner, open_inner = self._dataset_function("FlatMapDataset", map_func)

        def gen(ctx, src):
            for e in src._iterate(ctx):
                yield from open_inner(ctx, e)
        return self._derive(gen, inner._template, inner._types, inner._dims, functions=(fn,))

    def interleave(self, map_func, cycle_length=AUTOTUNE, block_length=1, num_parallel_calls=None):
        """Like ``flat_map`` but ``cycle_length`` inner datasets are read in turn, ``block_length`` elements each."""
        fn, inner, open_inner = self._dataset_function("InterleaveDataset", map_func)

        def gen(ctx, src):
            cycle = _int_param(ctx, cycle_length, "interleave: cycle_length")
            if cycle == AUTOTUNE:
                cycle = os.cpu_count() or 1
            block = _int_param(ctx, block_length, "interleave: block_length")
            if cycle <= 0 or block <= 0:
                raise InvalidArgumentError(f"interleave: cycle_length and block_length must be positive, got "
                                           f"{cycle} and {block}")
            outer = src._iterate(ctx)
            slots, more = [None] * cycle, True
            while True:
                active = False
                for i in range(cycle):
                    if slots[i] is None and more:
                        e = next(outer, None)
                        if e is None:
                            more = False
                        else:
                            slots[i] = open_inner(ctx, e)
                    if slots[i] is None:
                        continue
                    active = True
                    for _ in range(block):
                        x = next(slots[i], None)
                        if x is None:
                            slots[i] = None
                            break
                        yield x
                if not active and not more:
                    return
        return self._derive(gen, inner._template, inner._types, inner._dims, params=(cycle_length, block_length),
                            functions=(fn,))

    def apply(self, transformation_func):
        """``transformation_func(self)``, which must return a Dataset (``tf.data.experimental`` transformations)."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"apply: `transformation_func` must return a Dataset, got {type(out).__name__}")
        return out

    def with_options(self, options):
        """The same dataset (tensorflux has no dataset options to set)."""
        return self

    # ------------------------------------------------------------------ iterators
    def make_one_shot_iterator(self):
        """An iterator that starts by itself on its first ``get_next`` run and cannot be re-initialized."""
        return Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator (re)started by running its ``initializer`` op (feed the dataset's placeholders there)."""
        return Iterator._initializable(self)


def _fmt(structure):
    if isinstance(structure, dict):
        return "{" + ", ".join(f"{k!r}: {_fmt(v)}" for k, v in structure.items()) + "}"
    if isinstance(structure, tuple):
        return "(" + ", ".join(_fmt(v) for v in structure) + ("," if len(structure) == 1 else "") + ")"
    return str(structure)


class TextLineDataset(Dataset):
    """The lines of text files, without their line endings, as string scalars (``tf.data.TextLineDataset``)."""

    def __init__(self, filenames, compression_type=None, buffer_size=None):
        names = filenames if F.is_tensor(filenames) else _to_array(filenames, "TextLineDataset")
        comp = (compression_type or "").upper()
        if comp not in ("", "GZIP"):
            raise ValueError(f"TextLineDataset: compression_type must be None, '' or 'GZIP', got {compression_type!r}")

        def gen(ctx):
            files = numpy.ravel(numpy.asarray(ctx.value(names), dtype=object))
            for f in files:
                path = f.decode() if isinstance(f, bytes) else str(f)
                opener = gzip.open if comp == "GZIP" else open
                try:
                    fh = opener(path, "rb")
                except OSError as exc:
                    raise InvalidArgumentError(f"TextLineDataset: cannot open {path!r}: {exc}") from None
                with fh:
                    for line in fh:
                        yield (numpy.asarray(line.rstrip(b"\n").rstrip(b"\r"), dtype=object),)
        super().__init__(None, [D.string], [()], gen, params=[names])


class TFRecordDataset(Dataset):
    """The records of TFRecord files, as string scalars (``tf.data.TFRecordDataset``).

    ``compression_type``: None / '' / 'GZIP' / 'ZLIB' (may be a string tensor, read when the iterator
    is initialized). Files are read in order (``num_parallel_reads`` and ``buffer_size`` are accepted
    and change nothing); both CRCs of every record are checked (``io_records.iter_tfrecords``), and a
    corrupted or truncated record raises ``tf.errors.DataLossError`` from ``get_next``.
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None):
        from .io_records import compression_of, iter_tfrecords
        names = filenames if F.is_tensor(filenames) else _to_array(filenames, "TFRecordDataset")
        comp = compression_type if F.is_tensor(compression_type) else compression_of(compression_type,
                                                                                      "TFRecordDataset")

        def gen(ctx):
            kind = compression_of(ctx.value(comp).item() if F.is_tensor(comp) else comp, "TFRecordDataset")
            for f in numpy.ravel(numpy.asarray(ctx.value(names), dtype=object)):
                path = f.decode() if isinstance(f, bytes) else str(f)
                for record in iter_tfrecords(path, kind):
                    yield (numpy.asarray(record, dtype=object),)
        super().__init__(None, [D.string], [()], gen,
                         params=[names] + ([comp] if F.is_tensor(comp) else []))


class FixedLengthRecordDataset(Dataset):
    """Records of ``record_bytes`` bytes from binary files, as string scalars (``tf.data.FixedLengthRecordDataset``)."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None, buffer_size=None):
        names = filenames if F.is_tensor(filenames) else _to_array(filenames, "FixedLengthRecordDataset")
        rec, head, foot = int(record_bytes), int(header_bytes or 0), int(footer_bytes or 0)
        if rec <= 0:
            raise ValueError(f"FixedLengthRecordDataset: record_bytes must be positive, got {record_bytes}")

        def gen(ctx):
            for f in numpy.ravel(numpy.asarray(ctx.value(names), dtype=object)):
                path = f.decode() if isinstance(f, bytes) else str(f)
                with open(path, "rb") as fh:
                    data = fh.read()
                body = data[head:len(data) - foot]
                for i in range(len(body) // rec):
                    yield (numpy.asarray(body[i * rec:(i + 1) * rec], dtype=object),)
        super().__init__(None, [D.string], [()], gen, params=[names])


# ------------------------------------------------------------------------- iterators
class _Key:
    """A key in a session's store: one iterator's state (and, in queues.py, a queue's or reader's)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


def _placeholders_in(tensors):
    return _external_placeholders(tensors, ())


def _pull(store, key, types, name):
    """The next element of the iterator stored under ``key`` (one array per component)."""
    it = store.get(key)
    if it is None:
        raise FailedPreconditionError(f"GetNext() failed because the iterator '{name}' has not been initialized. "
                                      "Ensure that you have run the initializer operation for this iterator before "
                                      "getting the next element.")
    e = next(it, None)
    if e is None:
        raise _EndOfSequence("End of sequence")
    out = []
    for a, dt in zip(e, types):
        if type(a) is not numpy.ndarray:
            a = numpy.asarray(a)
        if a.dtype != dt.dtype:
            a = a.astype(dt.dtype)
        out.append(a)
    return out[0] if len(out) == 1 else tuple(out)


def _start(dataset, store, graph, values):
    """A fresh element generator over ``dataset`` for one session."""
    return dataset._iterate(_Context(values, _Shared(store, graph)))


class Iterator(_DescribesElement):
    """Reads a dataset: ``get_next()`` gives tensors that pull one element per ``sess.run`` (``tf.data.Iterator``)."""

    def __init__(self, graph, template, types, dims, name):
        self._graph, self._template = graph, template
        self._types, self._dims = list(types), list(dims)
        self._key = _Key(f"iterator {name}")
        self._name = name
        self._initializer = None
        self._dataset = None      # one-shot iterators: started by get_next itself
        self._handle = None       # iterators from a string handle: the handle tensor
        self._string_handle = None

    @classmethod
    def _make(cls, dataset, kind):
        g = dataset._graph if dataset._graph is not None else core.get_default_graph()
        name = g.unique_name(kind)
        return cls(g, dataset._template, dataset._types, dataset._dims, name)

    @classmethod
    def _one_shot(cls, dataset):
        caps = dataset._captures()
        phs = _placeholders_in(caps)
        if phs:
            raise ValueError(f"make_one_shot_iterator: the dataset depends on the placeholder '{phs[0].name}'; a "
                             "one-shot iterator cannot be parameterized. Use make_initializable_iterator() and "
                             "feed the placeholder when running iterator.initializer")
        it = cls._make(dataset, "OneShotIterator")
        it._dataset = dataset
        return it

    @classmethod
    def _initializable(cls, dataset):
        it = cls._make(dataset, "Iterator")
        it._initializer = it.make_initializer(dataset, name="MakeIterator")
        return it

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """A reinitializable iterator for datasets of this structure; start it with ``make_initializer(dataset)``."""
        template, types, dims = _element_spec(output_types, output_shapes, "Iterator.from_structure")
        g = core.get_default_graph()
        return Iterator(g, template, types, dims, g.unique_name("Iterator"))

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """An iterator that reads whichever iterator the fed ``string_handle`` names (a feedable iterator)."""
        it = Iterator.from_structure(output_types, output_shapes)
        h = F.as_tensor(string_handle)
        if h.dtype is not D.string:
            raise TypeError(f"Iterator.from_string_handle: string_handle must be a string tensor, got "
                            f"{h.dtype.name} ('{h.name}')")
        it._handle = h
        return it

    @property
    def initializer(self):
        """The op that (re)starts an initializable iterator."""
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer (only make_initializable_iterator() iterators "
                             "have one; use make_initializer(dataset) for reinitializable iterators).")
        return self._initializer

    # ------------------------------------------------------------------ ops
    def make_initializer(self, dataset, name=None):
        """An op that starts this iterator over ``dataset`` (same structure and dtypes, compatible shapes)."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"make_initializer: expected a Dataset, got {type(dataset).__name__}")
        if not _same_structure(self._template, dataset._template, lists=False) or self._types != dataset._types:
            raise TypeError(f"Expected output types {self.output_types} but got dataset with output types "
                            f"{dataset.output_types}.")
        for mine, theirs in zip(self._dims, dataset._dims):
            if not TensorShape(mine).is_compatible_with(theirs):
                raise TypeError(f"Expected output shapes compatible with {self.output_shapes} but got dataset with "
                                f"output shapes {dataset.output_shapes}.")
        if dataset._graph is not None and dataset._graph is not self._graph:
            raise ValueError("make_initializer: the dataset was built in another graph than the iterator")
        caps = dataset._captures()
        key, g = self._key, self._graph

        def run(store, *values):
            store[key] = _start(dataset, store, g, {id(c): v for c, v in zip(caps, values)})
            return ()
        return stateful_node("MakeIterator", run, caps, [], name=name or "MakeIterator", graph=g)

    def get_next(self, name=None):
        """The next element as graph tensors (one pull per ``sess.run``; OutOfRangeError past the end)."""
        key, types, iname, g = self._key, self._types, self._name, self._graph
        specs = [(d, t) for d, t in zip(self._dims, self._types)]
        if self._dataset is not None:  # one-shot: started by the first pull in each session
            dataset = self._dataset
            inputs = dataset._captures()

            def run(store, *values):
                if key not in store:
                    self._auto_start(store, values)
                return _pull(store, key, types, iname)
        elif self._handle is not None:
            inputs = [self._handle]
            registry = _handles(g)

            def run(store, handle):
                h = handle[()] if isinstance(handle, numpy.ndarray) else handle
                target = registry.get(h.encode() if isinstance(h, str) else h)
                if target is None:
                    raise InvalidArgumentError(f"Iterator.from_string_handle: {h!r} is not the string_handle() of "
                                               "an iterator of this graph")
                if target._types != types:
                    raise InvalidArgumentError(f"Iterator.from_string_handle: the iterator {h!r} has output types "
                                               f"{target.output_types}, expected {self.output_types}")
                if target._dataset is not None and target._key not in store:
                    target._auto_start(store)
                return _pull(store, target._key, types, target._name)
        else:
            inputs = []

            def run(store):
                return _pull(store, key, types, iname)
        op = stateful_node("IteratorGetNext", run, inputs, specs, name=name or "IteratorGetNext", graph=g)
        return _pack_as(self._template, list(op.outputs))

    def _auto_start(self, store, values=None):
        """Start a one-shot iterator in the session owning ``store`` (its captures evaluated there if not given)."""
        caps = self._dataset._captures()
        if values is None:
            values = [numpy.asarray(v) for v in _FunctionSession(self._graph, store).run(caps)] if caps else []
        store[self._key] = _start(self._dataset, store, self._graph, {id(c): v for c, v in zip(caps, values)})

    def string_handle(self, name=None):
        """A string tensor naming this iterator, to feed an ``Iterator.from_string_handle`` placeholder."""
        if self._string_handle is None:
            handle = f"tensorflux-iterator:{self._name}".encode()
            _handles(self._graph)[handle] = self
            self._string_handle = F.constant(handle, dtype=D.string, name=name or "IteratorToStringHandle",
                                             graph=self._graph)
        return self._string_handle

    def __repr__(self):
        types = _pack_as(self._template, [repr(t) for t in self._types])
        return f"<tf.data.Iterator '{self._name}' types: {_fmt(types)}>"


def _handles(g):
    """This graph's registry of iterators by string handle."""
    return g._facade_state.setdefault("tf.data.string_handles", {})


# ------------------------------------------------------------------------- module functions
def make_one_shot_iterator(dataset):
    """``dataset.make_one_shot_iterator()`` (TF 1.15's ``tf.compat.v1.data.make_one_shot_iterator``)."""
    if not isinstance(dataset, Dataset):
        raise TypeError(f"make_one_shot_iterator: expected a Dataset, got {type(dataset).__name__}")
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """``dataset.make_initializable_iterator()`` (TF 1.15's ``tf.compat.v1.data.make_initializable_iterator``)."""
    if not isinstance(dataset, Dataset):
        raise TypeError(f"make_initializable_iterator: expected a Dataset, got {type(dataset).__name__}")
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    """The ``output_types`` of a dataset or iterator."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """The ``output_shapes`` of a dataset or iterator."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """The ``output_classes`` of a dataset or iterator."""
    return dataset_or_iterator.output_classes


class experimental:  # noqa: N801 - TF's module name
    """``tf.data.experimental``: AUTOTUNE and the transformations TF 1.x programs pass to ``Dataset.apply``."""

    AUTOTUNE = AUTOTUNE

    @staticmethod
    def shuffle_and_repeat(buffer_size, count=None, seed=None):
        """``lambda ds: ds.shuffle(buffer_size, seed).repeat(count)``."""
        return lambda ds: ds.shuffle(buffer_size, seed).repeat(count)

    @staticmethod
    def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                      num_parallel_calls=None):
        """``lambda ds: ds.map(map_func).batch(batch_size, drop_remainder)``."""
        return lambda ds: ds.map(map_func).batch(batch_size, drop_remainder)

    @staticmethod
    def unbatch():
        """``lambda ds: ds.unbatch()``."""
        return lambda ds: ds.unbatch()

    @staticmethod
    def ignore_errors():
        """Not supported: errors in a pipeline always reach ``sess.run``."""
        raise NotImplementedError("tf.data.experimental.ignore_errors is not supported by tensorflux")
