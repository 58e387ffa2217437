"""Static shape and dtype inference for graph nodes, checked when the graph is built.

Each op family has a small rule ``rule(op, dims, dtypes) -> Out | list[Out]`` (``op`` is a
prototype instance carrying the constructor's attributes; ``dims`` are tuples of
``int | None``, or None for unknown rank). A rule raises ``OpError`` naming the op and the
static shapes, so ``matmul`` of ``(?, 784)`` and ``(100, 10)`` fails at build time.

Ops without a rule fall back to *probing*: their forward runs twice on zero arrays, with every
unknown dimension set to 2 and then to 3; output dimensions that differ between the two runs
are unknown, the others are static. (Running once with size 1 would be wrong: a reshape to
``(-1, 784)`` or a broadcast cannot tell a real 1 from a substituted one.) Probing costs one
small forward per build and never draws from tensorflux's RNG (its state is restored).
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy

from .. import backend
from ..ops import OpError
from ..ops import activation as A
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S

__all__ = ["Out", "RULES", "rule", "infer", "broadcast_dims", "fmt"]

Out = namedtuple("Out", "dims dtype")

#: op class -> shape rule; other op families add theirs with ``@rule(OpClass)``.
RULES: dict = {}


def rule(*classes):
    """Decorator: register a shape rule for the given op classes."""
    def deco(fn):
        for c in classes:
            RULES[c] = fn
        return fn
    return deco


def fmt(dims):
    """A static shape as text: ``(?, 784)``; ``<unknown>`` for unknown rank."""
    if dims is None:
        return "<unknown>"
    inner = ", ".join("?" if d is None else str(d) for d in dims)
    return f"({inner},)" if len(dims) == 1 else f"({inner})"


def _fail(name, msg, *dims):
    shapes = " and ".join(fmt(d) for d in dims)
    raise OpError(f"{name}: {msg} (static shapes {shapes})")


# ------------------------------------------------------------------------- helpers
def broadcast_dims(name, *all_dims):
    """Broadcast static shapes: None vs 1 -> None, None vs n -> n, n vs m -> error."""
    if any(d is None for d in all_dims):
        return None
    nd = max(len(d) for d in all_dims)
    out = []
    for i in range(nd):
        col = [d[len(d) - nd + i] for d in all_dims if len(d) - nd + i >= 0]
        known = {c for c in col if c is not None and c != 1}
        if len(known) > 1:
            _fail(name, "shapes cannot be broadcast together", *all_dims)
        if known:
            out.append(known.pop())
        elif any(c is None for c in col):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def _result_dtype(dtypes):
    dts = [d for d in dtypes if d is not None]
    return numpy.result_type(*dts) if dts else backend.get_default_dtype()


def _axes(name, axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, numpy.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise OpError(f"{name}: axis {a} is out of range for a tensor with {ndim} dimension(s)")
        out.append(a % max(ndim, 1))
    return tuple(sorted(set(out)))


# ------------------------------------------------------------------------- element-wise
@rule(E.Neg, E.Abs, E.Exp, E.Log, E.Sqrt, E.Square, E.Clip, E.Sign,
      A.Sigmoid, A.Tanh, A.ReLU, A.ReLU6, A.LeakyReLU, A.ELU, A.SELU, A.GELU, A.Softplus,
      A.Softmax, A.LogSoftmax)
def _unary(op, dims, dtypes):
    return Out(dims[0], dtypes[0])


@rule(E.Add, E.Sub, E.Mul, E.Div, E.Pow, E.Maximum, E.Minimum)
def _binary(op, dims, dtypes):
    dt = _result_dtype(dtypes)
    if type(op) is E.Div and dt.kind in "iub":
        dt = numpy.dtype("float64")
    return Out(broadcast_dims(op.name.lower(), *dims), dt)


@rule(E.Compare)
def _compare(op, dims, dtypes):
    return Out(broadcast_dims(f"compare ({op.kind})", *dims), numpy.dtype(bool))


@rule(E.Where)
def _where(op, dims, dtypes):
    return Out(broadcast_dims("where", *dims), _result_dtype(dtypes[1:]))


@rule(E.Cast)
def _cast(op, dims, dtypes):
    return Out(dims[0], op.dtype)


# ------------------------------------------------------------------------- linear algebra
@rule(L.MatMul)
def _matmul(op, dims, dtypes):
    a, b = dims
    dt = _result_dtype(dtypes)
    if a is None or b is None:
        return Out(None, dt)
    if not a or not b:
        _fail("matmul", "both operands need at least 1 dimension", a, b)
    ka = a[-1]
    kb = b[-2] if len(b) > 1 else b[0]
    if ka is not None and kb is not None and ka != kb:
        _fail("matmul", f"inner dimensions {ka} and {kb} do not match", a, b)
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    batch = broadcast_dims("matmul", a2[:-2], b2[:-2])
    out = batch + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return Out(out, dt)


@rule(L.Linear)
def _linear(op, dims, dtypes):
    x, w = dims[0], dims[1]
    dt = _result_dtype(dtypes[:2])
    if x is None or w is None:
        return Out(None, dt)
    n_in, n_out = (0, 1) if op.in_out else (1, 0)
    if len(w) != 2 or (x[-1] is not None and w[n_in] is not None and x[-1] != w[n_in]):
        layout = "in x out" if op.in_out else "out x in"
        _fail("linear", f"the input's last dimension must equal the weight's in_features (weight is {layout})", x, w)
    return Out(x[:-1] + (w[n_out],), dt)


@rule(L.Einsum)
def _einsum(op, dims, dtypes):
    dt = _result_dtype(dtypes)
    if any(d is None for d in dims):
        return Out(None, dt)
    sizes = {}
    for sub, d in zip(op.ins, dims):
        if len(sub) != len(d):
            _fail("einsum", f"operand subscripts {sub!r} do not match its rank", d)
        for c, n in zip(sub, d):
            if n is None:
                continue
            if sizes.get(c, n) != n and sizes.get(c) != 1 and n != 1:
                _fail("einsum", f"label {c!r} has sizes {sizes[c]} and {n}", *dims)
            sizes[c] = n if sizes.get(c) in (None, 1) else sizes[c]
    return Out(tuple(sizes.get(c) for c in op.out), dt)


# ------------------------------------------------------------------------- reductions
@rule(R.Sum, R.Mean, R.Prod, R.Max, R.Min, R.Var, R.LogSumExp)
def _reduce(op, dims, dtypes):
    x = dims[0]
    dt = dtypes[0]
    if type(op) is R.Mean and dt.kind in "iub":
        dt = numpy.dtype("float64")
    if type(op) is R.Sum and dt.kind == "b":
        dt = numpy.dtype("int64")
    if x is None:
        return Out(None, dt)
    axes = _axes(op.name.lower(), op.axis, len(x))
    if op.keepdims:
        return Out(tuple(1 if i in axes else n for i, n in enumerate(x)), dt)
    return Out(tuple(n for i, n in enumerate(x) if i not in axes), dt)


@rule(R.ArgMax, R.ArgMin)
def _argreduce(op, dims, dtypes):
    x = dims[0]
    i64 = numpy.dtype("int64")
    if x is None:
        return Out(None, i64)
    if op.axis is None:
        return Out((1,) * len(x) if op.keepdims else (), i64)
    ax = _axes(op.name.lower(), op.axis, len(x))[0]
    if op.keepdims:
        return Out(tuple(1 if i == ax else n for i, n in enumerate(x)), i64)
    return Out(tuple(n for i, n in enumerate(x) if i != ax), i64)


# ------------------------------------------------------------------------- shape ops
@rule(S.Reshape)
def _reshape(op, dims, dtypes):
    x = dims[0]
    target = tuple(int(s) for s in op.shape)
    if x is not None and all(n is not None for n in x):
        return Out(S.resolve_shape("reshape", x, target), dtypes[0])
    if target.count(-1) > 1:
        raise OpError(f"reshape: only one dimension can be -1, got {target}")
    if x is not None and -1 not in target:
        known = math.prod(n for n in x if n is not None)
        total = math.prod(target)
        if known and total % known:
            _fail("reshape", f"cannot reshape into {target} ({total} elements is not a multiple of "
                             f"the {known} known elements per unknown dimension)", x)
    return Out(tuple(None if s == -1 else s for s in target), dtypes[0])


@rule(S.Transpose)
def _transpose(op, dims, dtypes):
    x = dims[0]
    if x is None:
        return Out(None, dtypes[0])
    axes = op.axes if op.axes is not None else tuple(reversed(range(len(x))))
    if sorted(a % max(len(x), 1) for a in axes) != list(range(len(x))):
        _fail("transpose", f"perm {list(axes)} is not a permutation of the axes", x)
    return Out(tuple(x[a] for a in axes), dtypes[0])


@rule(S.BroadcastTo)
def _broadcast_to(op, dims, dtypes):
    target = tuple(op.shape)
    if dims[0] is not None:
        broadcast_dims("broadcast_to", dims[0], target)
    return Out(target, dtypes[0])


@rule(S.Concat)
def _concat(op, dims, dtypes):
    dt = _result_dtype(dtypes)
    known = [d for d in dims if d is not None]
    if not known:
        return Out(None, dt)
    nd = len(known[0])
    if any(len(d) != nd for d in known):
        _fail("concat", "all inputs need the same rank", *dims)
    ax = _axes("concat", op.axis, nd)[0]
    out = []
    for i in range(nd):
        col = [d[i] for d in known]
        if i == ax:
            out.append(None if len(known) < len(dims) or any(c is None for c in col) else sum(col))
        else:
            vals = {c for c in col if c is not None}
            if len(vals) > 1:
                _fail("concat", f"dimension {i} differs between inputs (only axis {op.axis} may)", *dims)
            out.append(vals.pop() if vals else None)
    return Out(tuple(out), dt)


@rule(S.Stack)
def _stack(op, dims, dtypes):
    dt = _result_dtype(dtypes)
    known = [d for d in dims if d is not None]
    if not known:
        return Out(None, dt)
    nd = len(known[0])
    base = []
    for i in range(nd):
        vals = {d[i] for d in known if len(d) == nd and d[i] is not None}
        if any(len(d) != nd for d in known) or len(vals) > 1:
            _fail("stack", "all inputs need the same shape", *dims)
        base.append(vals.pop() if vals else None)
    ax = op.axis % (nd + 1)
    return Out(tuple(base[:ax]) + (len(dims),) + tuple(base[ax:]), dt)


@rule(S.Split)
def _split(op, dims, dtypes):
    x = dims[0]
    n_out = op.sections if isinstance(op.sections, int) else len(op.sections)
    if x is None:
        return [Out(None, dtypes[0])] * n_out
    ax = _axes("split", op.axis, len(x))[0]
    n = x[ax]
    if isinstance(op.sections, int):
        if n is not None and n % op.sections:
            _fail("split", f"axis {op.axis} of size {n} does not divide into {op.sections} equal parts", x)
        sizes = [None if n is None else n // op.sections] * op.sections
    else:
        sizes = [int(s) for s in op.sections]
        if -1 in sizes:
            i = sizes.index(-1)
            sizes[i] = None if n is None else n - (sum(sizes) + 1)
        elif n is not None and sum(sizes) != n:
            _fail("split", f"sizes {sizes} do not add up to axis {op.axis}'s size {n}", x)
    return [Out(x[:ax] + (s,) + x[ax + 1:], dtypes[0]) for s in sizes]


@rule(S.Pad)
def _pad(op, dims, dtypes):
    x = dims[0]
    if x is None:
        return Out(None, dtypes[0])
    pw = op.pad_width
    if isinstance(pw, int):
        pw = [(pw, pw)] * len(x)
    pw = [(p, p) if isinstance(p, int) else tuple(int(v) for v in p) for p in pw]
    if len(pw) != len(x):
        _fail("pad", f"got {len(pw)} (before, after) pairs for a {len(x)}-d tensor", x)
    return Out(tuple(None if n is None else n + a + b for n, (a, b) in zip(x, pw)), dtypes[0])


@rule(S.Repeat)
def _repeat(op, dims, dtypes):
    x = dims[0]
    if x is None:
        return Out(None, dtypes[0])
    if op.axis is None:
        n = None if any(d is None for d in x) else math.prod(x) * op.repeats
        return Out((n,), dtypes[0])
    ax = _axes("repeat", op.axis, len(x))[0]
    return Out(tuple(None if n is None else n * op.repeats if i == ax else n for i, n in enumerate(x)), dtypes[0])


@rule(S.Tile)
def _tile(op, dims, dtypes):
    x = dims[0]
    if x is None:
        return Out(None, dtypes[0])
    nd = max(len(x), len(op.reps))
    x = (1,) * (nd - len(x)) + x
    reps = (1,) * (nd - len(op.reps)) + tuple(op.reps)
    return Out(tuple(None if n is None else n * r for n, r in zip(x, reps)), dtypes[0])


def _basic_index_dims(x, index):
    """Static dims of ``x[index]`` for basic indexing (ints, slices, None, Ellipsis), as TF infers them:
    a slice of an unknown dim is unknown (``X[32:64]`` of a (?, 784) placeholder is (?, 784)).
    None when ``index`` holds an array (fancy indexing)."""
    items = index if isinstance(index, tuple) else (index,)
    if not all(i is None or i is Ellipsis or isinstance(i, (slice, int, numpy.integer)) and not isinstance(i, bool)
               for i in items):
        return None
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if used > len(x) or sum(1 for i in items if i is Ellipsis) > 1:
        _fail("getitem (slicing)", f"index {index!r} has too many entries", x)
    out, d = [], 0
    for i in items:
        if i is None:
            out.append(1)
        elif i is Ellipsis:
            out.extend(x[d:d + len(x) - used])
            d += len(x) - used
        elif isinstance(i, slice):
            n = x[d]
            out.append(None if n is None else len(range(*i.indices(n))))
            d += 1
        else:
            n = x[d]
            if n is not None and not -n <= int(i) < n:
                _fail("getitem (slicing)", f"index {int(i)} is out of bounds for axis {d} of size {n}", x)
            d += 1
    return tuple(out) + tuple(x[d:])


@rule(S.GetItem)
def _getitem(op, dims, dtypes):
    x = dims[0]
    if x is None:
        return Out(None, dtypes[0])
    basic = _basic_index_dims(x, op.index)
    if basic is not None:
        return Out(basic, dtypes[0])
    # index zero-stride stand-ins (no memory) twice, unknown dims as 2 and then 3
    results = []
    for size in (2, 3):
        stand_in = numpy.broadcast_to(numpy.empty((), dtype=bool), tuple(size if n is None else n for n in x))
        try:
            results.append(stand_in[op.index].shape)
        except IndexError as exc:
            _fail("getitem (slicing)", f"index {op.index!r} is invalid: {exc}", x)
    a, b = results
    return Out(tuple(p if p == q else None for p, q in zip(a, b)), dtypes[0])


# ------------------------------------------------------------------------- inference
def infer(op, dims, dtypes):
    """Static outputs of ``op`` for inputs of static ``dims``/``dtypes``: ``Out`` or list of ``Out``."""
    fn = RULES.get(type(op))
    if fn is None:
        fn = getattr(op, "infer_static", None)
        if fn is not None:
            return fn(dims, dtypes)
        return _probe(op, dims, dtypes)
    return fn(op, dims, dtypes)


def _probe(op, dims, dtypes):
    """Run ``op``'s forward on zeros with unknown dims as 2, then 3, and compare the outputs."""
    if any(d is None for d in dims if d is not ...):
        return Out(None, _result_dtype([dt for dt in dtypes if dt is not None]))
    runs = []
    state = backend.rng_state()
    try:
        for size in (2, 3):
            arrays = [None if d is ... else numpy.zeros(tuple(size if n is None else n for n in d), dtype=dt)
                      for d, dt in zip(dims, dtypes)]
            inst = _clone(op)
            with numpy.errstate(all="ignore"):
                out = inst.forward(*arrays)
            runs.append(out)
            if all(n is not None for d in dims if d is not ... for n in d):
                break
    finally:
        backend.set_rng_state(state)

    def merge(outs):
        shapes = [numpy.shape(o) for o in outs]
        if len({len(s) for s in shapes}) > 1:
            return Out(None, numpy.asarray(outs[0]).dtype)
        return Out(tuple(p if all(s[i] == p for s in shapes) else None
                         for i, p in enumerate(shapes[0])), numpy.asarray(outs[0]).dtype)

    if isinstance(runs[0], tuple):
        return [merge([r[i] for r in runs]) for i in range(len(runs[0]))]
    return merge(runs)


def _clone(op):
    """A fresh instance with the prototype's constructor attributes (probing must not touch it)."""
    inst = object.__new__(type(op))
    inst.__dict__.update(op.__dict__)
    return inst

