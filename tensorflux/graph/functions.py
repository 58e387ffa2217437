"""Graph builders: snake_case functions that add nodes running the shared op classes.

``op_node(OpClass, inputs, args, kwargs)`` is the one place a compute node is made: it builds
a prototype instance (the constructor validates the attributes), infers the static output
shapes and dtypes (``shapes.infer``: build-time errors name the node, the op and the static
shapes) and records a factory that makes a fresh instance per run. Tensor operators delegate
to the functions below (``a + b`` is ``add(a, b)``). Conversion, node builders, arithmetic,
comparisons, linear algebra and casts are here; shape, reduction and creation builders are in
``array_functions`` and re-exported, so ``functions`` stays the one module callers import.

Conversion follows TF: a Python value or NumPy array combined with a tensor takes the
tensor's dtype (``2 * w`` with ``w`` float32 is float32); two tensors of different dtypes are
an error; alone, Python floats become float32 and Python ints int32.
"""
from __future__ import annotations

import builtins
import functools
import math

import numpy

from ..ops import OpError
from ..ops import conv as C
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import shape as S
from . import core
from . import dtypes as D
from . import kernels as K
from . import shapes

__all__ = [
    "op_node", "random_node", "as_tensor", "is_tensor", "constant", "constant_value", "add", "sub", "mul",
    "truediv", "div", "floordiv", "mod", "pow", "neg", "abs", "matmul", "less", "less_equal", "greater",
    "greater_equal", "equal", "not_equal", "logical_not", "logical_and", "logical_or", "logical_xor", "cast",
    "identity", "stop_gradient", "exp", "log", "sqrt", "square", "sign", "unary", "rounding", "maximum",
    "minimum", "where", "clip", "linear", "einsum", "add_n", "conv_with_bias", "matmul_with_bias",
    # re-exported from array_functions
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "concat", "stack", "split", "pad",
    "tile", "getitem", "gather", "reduce", "argmax", "argmin", "zeros_like", "ones_like", "shape", "size",
    "rank", "fill", "range", "one_hot",
]


# ------------------------------------------------------------------------- conversion
def is_tensor(x):
    """True for graph Tensors and Variables (anything that converts to a graph Tensor)."""
    return hasattr(x, "_as_graph_tensor")


def _np_value(value, dtype=None):
    """``value`` as an array with TF's conversion rules (float -> float32, int -> int32)."""
    if dtype is not None:
        dt = D.as_dtype(dtype)
        if dt is D.string:
            arr = numpy.asarray(value, dtype=object)
            return numpy.vectorize(_to_bytes, otypes=[object])(arr) if arr.size else arr
        arr = numpy.asarray(value)
        if arr.dtype.kind == "O" or arr.dtype.kind in "SU":
            raise TypeError(f"Expected {dt.name}, got {value!r} of type '{type(value).__name__}' instead.")
        if dt.is_integer and arr.dtype.kind == "f" and arr.size and not numpy.all(numpy.mod(arr, 1) == 0):
            raise TypeError(f"Expected {dt.name}, got {value!r} of type '{type(value).__name__}' instead.")
        if dt.is_integer and arr.dtype.kind == "c" or dt.is_bool and arr.dtype.kind not in "b":
            raise TypeError(f"Expected {dt.name}, got {value!r} of type '{type(value).__name__}' instead.")
        return arr.astype(dt.dtype, copy=False)
    if isinstance(value, (bytes, str)):
        return numpy.asarray(_to_bytes(value), dtype=object)
    arr = numpy.asarray(value)
    if arr.dtype.kind == "S" and not isinstance(value, (numpy.ndarray, numpy.generic)):
        arr = numpy.array(value, dtype=object)  # an 'S' array drops trailing NUL bytes (binary data)
        return numpy.vectorize(_to_bytes, otypes=[object])(arr) if arr.size else arr
    if arr.dtype.kind in "SU":
        return numpy.vectorize(_to_bytes, otypes=[object])(arr) if arr.size else arr.astype(object)
    if isinstance(value, numpy.ndarray) or isinstance(value, numpy.generic):
        return arr
    # Python data: floats -> float32, ints -> int32 (int64 when they do not fit), as in TF
    if arr.dtype.kind == "f":
        return arr.astype(numpy.float32)
    if arr.dtype.kind in "iu":
        if arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31):
            return arr.astype(numpy.int32)
        return arr.astype(numpy.int64)
    if arr.dtype.kind == "O":
        raise TypeError(f"cannot convert {value!r} to a Tensor (mixed or ragged data)")
    return arr


def _to_bytes(v):
    """TF string tensors hold bytes: ``str`` values are encoded as UTF-8."""
    return v.encode("utf-8") if isinstance(v, str) else v


def constant(value, dtype=None, shape=None, name="Const", graph=None):
    """A constant tensor (a scalar ``value`` fills ``shape``; a list is reshaped to it)."""
    arr = _np_value(value, dtype)
    if shape is not None:
        target = tuple(int(s) for s in shape)
        if arr.size == 1:
            arr = numpy.full(target, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == math.prod(target):
            arr = arr.reshape(target)
        else:
            raise TypeError(f"constant: value of shape {arr.shape} ({arr.size} elements) does not fit "
                            f"shape {target}")
    arr = numpy.array(arr, copy=True) if arr.flags.writeable else arr
    arr.flags.writeable = False
    g = graph or core.get_default_graph()
    op = g.create_op("const", "Const", (), [(arr.shape, arr.dtype)], {"value": arr}, name=name)
    return op.outputs[0]


def as_tensor(value, dtype=None, name=None, graph=None):
    """A graph Tensor for ``value`` (Tensor/Variable as is; lists holding tensors are stacked)."""
    conv = getattr(value, "_as_graph_tensor", None)
    if conv is not None:
        t = conv()
        if dtype is not None and t.dtype != D.as_dtype(dtype):
            raise ValueError(f"Tensor conversion requested dtype {D.as_dtype(dtype).name} for Tensor "
                             f"'{t.name}' with dtype {t.dtype.name}")
        return t
    if isinstance(value, (list, tuple)) and any(is_tensor(v) or isinstance(v, (list, tuple)) and _holds_tensor(v)
                                                for v in value):
        parts = [as_tensor(v, dtype=dtype, graph=graph) for v in value]
        # the dtype of the tensors in the list (Python numbers in it follow them): a computed one
        # first, else a constant tensor the caller passed (tf.fill([n64], v) with an int64 n)
        dt = dtype or next((p.dtype for p in parts if p.op.kind != "const"),
                           next((p.dtype for v, p in zip(value, parts) if is_tensor(v)), parts[0].dtype))
        parts = [p if p.dtype == dt else cast(p, dt) if p.op.kind == "const" else p for p in parts]
        return stack(parts, axis=0, name=name or "packed")
    return constant(value, dtype=dtype, name=name or "Const", graph=graph)


def _holds_tensor(v):
    return any(is_tensor(x) or isinstance(x, (list, tuple)) and _holds_tensor(x) for x in v)


def _graph_of(values):
    for v in values:
        conv = getattr(v, "_as_graph_tensor", None)
        if conv is not None:
            return conv().graph
    return core.get_default_graph()


def _pair(name, a, b):
    """Convert a binary op's operands with TF's rules (the non-tensor takes the tensor's dtype)."""
    g = _graph_of((a, b))
    ta = as_tensor(a, graph=g) if is_tensor(a) else None
    tb = as_tensor(b, graph=g) if is_tensor(b) else None
    if ta is None and tb is None:
        ta = constant(a, graph=g, name="x")
        tb = constant(b, dtype=ta.dtype, graph=g, name="y")
    elif ta is None:
        ta = constant(a, dtype=tb.dtype, graph=g, name="x")
    elif tb is None:
        tb = constant(b, dtype=ta.dtype, graph=g, name="y")
    elif ta.dtype != tb.dtype:
        raise TypeError(f"{name}: x '{ta.name}' has dtype {ta.dtype.name} but y '{tb.name}' has dtype "
                        f"{tb.dtype.name}; cast one of them (tf.cast) so both have the same dtype")
    return ta, tb


def constant_value(t):
    """The value of ``t`` if it can be computed at build time (constants, static shapes), else None."""
    t = as_tensor(t)
    op = t.op
    if op.kind == "const":
        return op.attrs["value"]
    if op.kind != "op":
        return None
    cls = op.attrs["cls"]
    if cls is K.Shape:
        d = op.inputs[0]._dims
        if d is not None and all(n is not None for n in d):
            return numpy.asarray(d, dtype=op.outputs[0].dtype.dtype)
        return None
    if cls in (K.Size, K.Rank):
        d = op.inputs[0]._dims
        if d is None or (cls is K.Size and any(n is None for n in d)):
            return None
        return numpy.asarray(len(d) if cls is K.Rank else math.prod(d), dtype=t.dtype.dtype)
    if cls in (S.GetItem, S.Stack, S.Concat, E.Cast, S.Reshape, E.Add, E.Sub, E.Mul, K.Identity) \
            and not op.attrs["dyn"]:
        vals = [constant_value(i) for i in op.inputs]
        if any(v is None for v in vals) or builtins.sum(v.size for v in vals) > 10000:
            return None
        out = op.attrs["factory"]().forward(*vals)
        return out[t.value_index] if isinstance(out, tuple) else numpy.asarray(out)
    return None


def partial_shape_value(t):
    """A 1-D shape tensor's value as a tuple of int/None (None entries unknown), or None."""
    v = constant_value(t)
    if v is not None:
        return tuple(int(n) for n in numpy.ravel(v))
    op = t.op
    if op.kind == "op" and op.attrs["cls"] is S.Stack:
        out = []
        for i in op.inputs:
            c = constant_value(i)
            out.append(None if c is None else int(c))
        return tuple(out)
    if op.kind == "op" and op.attrs["cls"] is K.Shape:
        return op.inputs[0]._dims
    if op.kind == "op" and op.attrs["cls"] is S.Concat and len(t._dims or ()) == 1:
        # tf.concat([tf.gather(tf.shape(x), [0]), [h, w, c]], 0): the known parts stay known
        parts = [partial_shape_value(i) for i in op.inputs if i is not None]
        if all(p is not None for p in parts):
            return tuple(d for p in parts for d in p)
    if t._dims is not None and len(t._dims) == 1 and t._dims[0] is not None:
        return (None,) * t._dims[0]
    return None


# ------------------------------------------------------------------------- node builders
def _factory(cls, args, kwargs):
    if not args and not kwargs:
        return cls
    return functools.partial(cls, *args, **kwargs)


def op_node(cls, inputs, args=(), kwargs=None, name=None, dyn=None, static=None, type_name=None, graph=None):
    """Add a node running op class ``cls`` on ``inputs``; returns its Tensor (tuple if multi-output).

    ``args``/``kwargs`` go to the constructor. ``dyn`` maps constructor keywords to tensors whose
    run-time values are passed to the constructor (``reshape`` to a shape tensor). ``static``
    overrides shape inference with an ``Out`` (or list of them).
    """
    kwargs = dict(kwargs or {})
    g = graph or _graph_of(list(inputs) + list((dyn or {}).values()))
    ins = [None if x is None else as_tensor(x, graph=g) for x in inputs]
    dyn = dict(dyn or {})
    dyn_names = tuple(dyn)
    dyn_ts = [as_tensor(v, graph=g) for v in dyn.values()]
    type_name = type_name or cls.__name__
    proto = None
    if not dyn:
        try:
            proto = cls(*args, **kwargs)
        except OpError as exc:
            raise OpError(f"{exc} [while building node '{g.unique_name(name or type_name, mark_as_used=False)}' "
                          f"({type_name})]") from None
    if static is None:
        if proto is None:
            static = _unknown_out(ins)
        else:
            static = _infer(g, name or type_name, type_name, proto, ins)
    multi = isinstance(static, list)
    outs = static if multi else [static]
    specs = [(o.dims, o.dtype) for o in outs]
    differentiable = getattr(proto if proto is not None else cls, "differentiable", True)
    attrs = {"cls": cls, "factory": _factory(cls, args, kwargs), "args": args, "kwargs": kwargs,
             "n_data": len(ins), "dyn": dyn_names, "multi": multi, "differentiable": differentiable}
    absorbs = getattr(cls, "absorbs", None)
    if absorbs:  # inputs that may be absent at run time (outputs of a cond branch not taken)
        attrs["absorbs"] = absorbs
    op = g.create_op("op", type_name, ins + dyn_ts, specs, attrs, name=name)
    return op.outputs if multi else op.outputs[0]


def _unknown_out(ins):
    dts = [i.dtype.dtype for i in ins if i is not None]
    return shapes.Out(None, dts[0] if dts else numpy.dtype("float32"))


def _infer(g, name, type_name, proto, ins):
    dims = [... if t is None else t._dims for t in ins]
    dts = [None if t is None else t.dtype.dtype for t in ins]
    try:
        return shapes.infer(proto, dims, dts)
    except OpError as exc:
        raise OpError(f"{exc} [while building node '{g.unique_name(name, mark_as_used=False)}' ({type_name})]") from None
    except (ValueError, TypeError, IndexError) as exc:
        shown = " and ".join(shapes.fmt(d) if d is not ... else "None" for d in dims)
        raise OpError(f"{type_name}: {exc} (static shapes {shown}) [while building node "
                      f"'{g.unique_name(name, mark_as_used=False)}']") from None


def random_node(cls, shape, args=(), kwargs=None, name=None, seed=None, inputs=None, static=None):
    """Add a random node drawing ``cls(*args, **kwargs).forward(rng, *inputs)`` afresh on every run.

    ``static`` may be a list of ``Out`` for a kernel with several outputs (a tuple is returned).
    """
    g = core.get_default_graph() if inputs is None else _graph_of(inputs)
    if inputs is None:
        shape_t = as_tensor(shape, dtype=D.int32 if not is_tensor(shape) else None, graph=g)
        ins = [shape_t]
        if static is None:
            dims = partial_shape_value(shape_t)
            static = shapes.Out(dims, numpy.dtype(cls(*args, **(kwargs or {})).dtype))
    else:
        ins = [as_tensor(i, graph=g) for i in inputs]
    op_seed = _op_seed(g, seed)
    multi = isinstance(static, list)
    outs = static if multi else [static]
    attrs = {"cls": cls, "factory": _factory(cls, args, dict(kwargs or {})), "seed": op_seed, "multi": multi}
    op = g.create_op("random", cls.__name__, ins, [(o.dims, o.dtype) for o in outs], attrs, name=name)
    return op.outputs if multi else op.outputs[0]


def _op_seed(g, seed):
    """TF's rule: graph seed and op seed together make a draw reproducible; None when neither is set."""
    if g.seed is None and seed is None:
        return None
    if g.seed is None:
        return (87654321, int(seed))  # TF's DEFAULT_GRAPH_SEED
    return (int(g.seed), int(seed) if seed is not None else len(g._ops))


# ------------------------------------------------------------------------- arithmetic
def _binary(cls, name, a, b, op_name=None):
    ta, tb = _pair(name, a, b)
    return op_node(cls, (ta, tb), name=op_name)


def add(a, b, name=None):
    """a + b with broadcasting (``conv2d(x, w) + b`` and ``matmul(x, W) + b`` with a per-channel
    bias become one fused node)."""
    ta, tb = _pair("add", a, b)
    if ta.dtype is D.string:
        raise TypeError("add: string concatenation is not supported")
    for y, bias in ((ta, tb), (tb, ta)):
        if bias._dims is not None and len(bias._dims) == 1 and y._dims and bias._dims[0] is not None \
                and bias._dims[0] == y._dims[-1]:  # a per-channel bias; each fusion checks y's op
            fused = conv_with_bias(y, bias, name or "add")
            if fused is None:
                fused = matmul_with_bias(y, bias, name or "add")
            if fused is not None:
                return fused
    return op_node(E.Add, (ta, tb), name=name)


def conv_with_bias(y, b, name):
    """conv2d(x, w) + b as one Conv2d(x, w, b) node, or None when y is not a bias-free NHWC conv.

    The op adds the bias while each block of the output is in cache and sums its gradient with one
    GEMV. The bias-free conv node stays in the graph; plans skip it unless something else reads it.
    """
    op = y.op
    if op.kind != "op" or op.attrs["cls"] is not C.Conv2d or len(op.inputs) != 2 or op.attrs["dyn"]:
        return None
    if op.attrs["args"][4:5] != ("NHWC",) or b.dtype != y.dtype:
        return None
    return op_node(C.Conv2d, (op.inputs[0], op.inputs[1], b), args=op.attrs["args"], kwargs=op.attrs["kwargs"],
                   name=name or "BiasAdd", type_name="Conv2DBiasAdd")


def matmul_with_bias(y, b, name):
    """matmul(x, W) + b (x and W 2-D) as one Linear(x, W, b) node in TF's weight layout, or None.

    The Linear op adds the bias into the GEMM's output in place (one array, one pass) and sums
    its gradient directly. The matmul node stays in the graph; plans skip it unless read.
    """
    op = y.op
    if op.kind != "op" or op.attrs["cls"] is not L.MatMul or len(op.inputs) != 2 or b.dtype != y.dtype:
        return None
    x, w = op.inputs
    if x._dims is None or w._dims is None or len(x._dims) != 2 or len(w._dims) != 2:
        return None
    return op_node(L.Linear, (x, w, b), kwargs={"weight_layout": "in_out"}, name=name or "BiasAdd",
                   type_name="MatMulBiasAdd")


def sub(a, b, name=None):
    """a − b with broadcasting."""
    return _binary(E.Sub, "sub", a, b, name)


def mul(a, b, name=None):
    """a · b element-wise with broadcasting."""
    return _binary(E.Mul, "mul", a, b, name)


def truediv(a, b, name=None):
    """a / b; integer operands are cast to float64 first (TF's truediv)."""
    ta, tb = _pair("truediv", a, b)
    if ta.dtype.is_integer:
        ta, tb = cast(ta, D.float64), cast(tb, D.float64)
    return op_node(E.Div, (ta, tb), name=name or "truediv")


def div(a, b, name=None):
    """a / b: true division for floats, floor division for integers (TF1's ``tf.div``)."""
    ta, tb = _pair("div", a, b)
    if ta.dtype.is_integer:
        return floordiv(ta, tb, name=name)
    return op_node(E.Div, (ta, tb), name=name)


def floordiv(a, b, name=None):
    """⌊a / b⌋ element-wise (no gradient)."""
    ta, tb = _pair("floordiv", a, b)
    return op_node(K.FloorDiv, (ta, tb), name=name)


def mod(a, b, name=None):
    """a mod b element-wise (sign of b; no gradient)."""
    ta, tb = _pair("mod", a, b)
    return op_node(K.Mod, (ta, tb), name=name)


def pow(a, b, name=None):
    """a ** b element-wise."""
    ta, tb = _pair("pow", a, b)
    c = constant_value(tb) if tb.op.kind == "const" else None
    if c is not None and c.shape == () and c == 2 and ta.dtype.is_floating:
        return op_node(E.Square, (ta,), name=name or "pow")  # x**2 is the common case; same math
    return op_node(E.Pow, (ta, tb), name=name)


def unary(cls, x, name=None, args=(), kwargs=None):
    """Apply a one-input op class to x."""
    return op_node(cls, (as_tensor(x),), args=args, kwargs=kwargs, name=name)


def neg(x, name=None):
    """−x"""
    return unary(E.Neg, x, name)


def abs(x, name=None):
    """|x|"""
    return unary(E.Abs, x, name)


def exp(x, name=None):
    """eˣ"""
    return unary(E.Exp, x, name)


def log(x, name=None):
    """ln x"""
    return unary(E.Log, x, name)


def sqrt(x, name=None):
    """√x"""
    return unary(E.Sqrt, x, name)


def square(x, name=None):
    """x²"""
    return unary(E.Square, x, name)


def sign(x, name=None):
    """sign(x) (no gradient)."""
    return unary(E.Sign, x, name)


def rounding(kind, x, name=None):
    """floor / ceil / round (half to even) / rint (no gradient)."""
    return op_node(K.Rounding, (as_tensor(x),), args=(kind,), name=name, type_name=kind.capitalize())


def maximum(a, b, name=None):
    """Element-wise max(a, b)."""
    return _binary(E.Maximum, "maximum", a, b, name)


def minimum(a, b, name=None):
    """Element-wise min(a, b)."""
    return _binary(E.Minimum, "minimum", a, b, name)


def where(cond, a, b, name=None):
    """a where cond is true, else b (element-wise, broadcasting)."""
    ta, tb = _pair("where", a, b)
    c = as_tensor(cond, graph=ta.graph)
    if not c.dtype.is_bool:
        raise TypeError(f"where: condition '{c.name}' must be bool, got {c.dtype.name}")
    return op_node(E.Where, (c, ta, tb), name=name)


def clip(x, lo, hi, name=None):
    """Clamp x to [lo, hi] (gradient flows inside the range)."""
    x = as_tensor(x)
    if is_tensor(lo) or is_tensor(hi):
        return minimum(maximum(x, lo), hi, name=name)
    return op_node(E.Clip, (x,), args=(lo, hi), name=name or "clip_by_value")


# ------------------------------------------------------------------------- comparison / logic
def _compare(kind, a, b, name):
    ta, tb = _pair(kind, a, b)
    return op_node(E.Compare, (ta, tb), args=(kind,), name=name, type_name=_CMP_NAMES[kind])


_CMP_NAMES = {"eq": "Equal", "ne": "NotEqual", "lt": "Less", "le": "LessEqual", "gt": "Greater",
              "ge": "GreaterEqual"}


def equal(a, b, name=None):
    """a == b element-wise (bool)."""
    return _compare("eq", a, b, name)


def not_equal(a, b, name=None):
    """a != b element-wise (bool)."""
    return _compare("ne", a, b, name)


def less(a, b, name=None):
    """a < b element-wise (bool)."""
    return _compare("lt", a, b, name)


def less_equal(a, b, name=None):
    """a <= b element-wise (bool)."""
    return _compare("le", a, b, name)


def greater(a, b, name=None):
    """a > b element-wise (bool)."""
    return _compare("gt", a, b, name)


def greater_equal(a, b, name=None):
    """a >= b element-wise (bool)."""
    return _compare("ge", a, b, name)


def logical_not(x, name=None):
    """NOT x (bool)."""
    return op_node(K.Logical, (as_tensor(x),), args=("not",), name=name, type_name="LogicalNot")


def _logical(kind, a, b, name):
    ta, tb = _pair(f"logical_{kind}", a, b)
    return op_node(K.Logical, (ta, tb), args=(kind,), name=name, type_name="Logical" + kind.capitalize())


def logical_and(a, b, name=None):
    """a AND b (bool)."""
    return _logical("and", a, b, name)


def logical_or(a, b, name=None):
    """a OR b (bool)."""
    return _logical("or", a, b, name)


def logical_xor(a, b, name=None):
    """a XOR b (bool)."""
    return _logical("xor", a, b, name)


# ------------------------------------------------------------------------- linear algebra
def matmul(a, b, name=None):
    """a @ b (batched; inner dimensions checked at build time)."""
    ta, tb = _pair("matmul", a, b)
    return op_node(L.MatMul, (ta, tb), name=name)


def linear(x, w, b=None, name=None):
    """y = x Wᵀ + b (fused dense op; W is out × in)."""
    ins = (x, w) if b is None else (x, w, b)
    return op_node(L.Linear, ins, name=name)


def einsum(subscripts, *operands, name=None):
    """Einstein summation in explicit form."""
    return op_node(L.Einsum, operands, args=(subscripts,), name=name)


def add_n(tensors, name=None):
    """Σ of a list of same-shaped tensors (a chain of adds)."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("add_n: expected at least one tensor")
    out = tensors[0]
    for t in tensors[1:]:
        out = op_node(E.Add, (out, t), name=name or "AddN")
    return out if len(tensors) > 1 else identity(out, name=name)


# ------------------------------------------------------------------------- dtype / identity
def cast(x, dtype, name=None):
    """x converted to ``dtype`` (floating -> floating keeps the gradient)."""
    x = as_tensor(x)
    dt = D.as_dtype(dtype)
    if x.dtype == dt:
        return x
    return op_node(E.Cast, (x,), args=(dt.dtype,), name=name or "Cast")


def identity(x, name=None):
    """A new node with x's value (the gradient passes through unchanged)."""
    x = as_tensor(x)
    if x.dtype.is_floating:
        return op_node(E.Cast, (x,), args=(x.dtype.dtype,), name=name or "Identity", type_name="Identity")
    return op_node(K.Identity, (x,), name=name or "Identity")


def stop_gradient(x, name=None):
    """x, with no gradient flowing back through it."""
    return op_node(K.StopGradient, (as_tensor(x),), name=name)


# shape, reduction and creation builders: array_functions builds on the ones above (import it via this module)
from .array_functions import (argmax, argmin, broadcast_to, concat, expand_dims, fill, gather,  # noqa: E402
                              getitem, one_hot, ones_like, pad, range, rank, reduce, reshape, shape, size,
                              split, squeeze, stack, tile, transpose, zeros_like)
