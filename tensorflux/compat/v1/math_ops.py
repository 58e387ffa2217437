"""TF 1.x math ops (``tf.add``, ``tf.reduce_mean``, ``tf.argmax`` ...) over the graph builders.

Argument names, order and defaults are TF's: ``reduce_*(input_tensor, axis=None,
keepdims=None, name=None, reduction_indices=None, keep_dims=None)``, ``argmax`` reduces axis 0
when no axis is given, ``matmul(a, b, transpose_a, transpose_b)``, ``divide`` is true division.
"""
from __future__ import annotations

import numpy

from ...graph import dtypes as D
from ...graph import functions as F
from ...graph import shapes
from ...ops import activation as A
from ...ops import linalg as L

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "div", "floordiv", "floor_div", "mod", "floormod",
    "pow", "square", "sqrt", "rsqrt", "exp", "expm1", "log", "log1p", "abs", "negative", "neg", "reciprocal",
    "maximum", "minimum", "sign", "round", "rint", "floor", "ceil", "sigmoid", "tanh", "matmul",
    "tensordot", "einsum", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
    "reduce_logsumexp", "reduce_any", "reduce_all", "reduce_variance", "reduce_std", "count_nonzero",
    "argmax", "argmin", "arg_max", "arg_min", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor", "cast", "to_float", "to_double", "to_int32",
    "to_int64", "saturate_cast", "add_n", "accumulate_n", "squared_difference", "clip_by_value",
    "clip_by_norm", "clip_by_global_norm", "global_norm", "norm", "l2_normalize", "cumsum",
    "scalar_mul", "in_top_k", "softplus", "is_nan", "is_finite", "is_inf", "multiply_no_nan",
    "divide_no_nan", "lbeta", "erf", "softsign", "xdivy", "trace", "log_sigmoid",
]


def _scope(name, default):
    return name or default


# ------------------------------------------------------------------------- arithmetic
def add(x, y, name=None):
    """x + y (broadcasting)."""
    return F.add(x, y, name=name)


def subtract(x, y, name=None):
    """x − y."""
    return F.sub(x, y, name=name)


def multiply(x, y, name=None):
    """x · y element-wise."""
    return F.mul(x, y, name=name)


def divide(x, y, name=None):
    """x / y (true division; integers divide as float64 like Python 3)."""
    return F.truediv(x, y, name=name)


def truediv(x, y, name=None):
    """x / y, integers cast to float64 first."""
    return F.truediv(x, y, name=name)


def div(x, y, name=None):
    """TF1 ``tf.div``: floor division for integers, true division for floats."""
    return F.div(x, y, name=name)


def floordiv(x, y, name=None):
    """⌊x / y⌋."""
    return F.floordiv(x, y, name=name)


floor_div = floordiv


def mod(x, y, name=None):
    """x mod y (sign of y)."""
    return F.mod(x, y, name=name)


floormod = mod


def pow(x, y, name=None):
    """x ** y."""
    return F.pow(x, y, name=name)


def square(x, name=None):
    """x²."""
    return F.square(x, name=name)


def sqrt(x, name=None):
    """√x."""
    return F.sqrt(x, name=name)


def rsqrt(x, name=None):
    """1/√x."""
    x = F.as_tensor(x)
    return F.truediv(F.constant(1, dtype=x.dtype), F.sqrt(x), name=name or "Rsqrt")


def exp(x, name=None):
    """eˣ."""
    return F.exp(x, name=name)


def expm1(x, name=None):
    """eˣ − 1."""
    return F.sub(F.exp(x), 1, name=name or "Expm1")


def log(x, name=None):
    """ln x."""
    return F.log(x, name=name)


def log1p(x, name=None):
    """ln(1 + x)."""
    return F.log(F.add(1, x), name=name or "Log1p")


def abs(x, name=None):
    """|x|."""
    return F.abs(x, name=name)


def negative(x, name=None):
    """−x."""
    return F.neg(x, name=name or "Neg")


neg = negative


def reciprocal(x, name=None):
    """1/x."""
    return F.truediv(1, x, name=name or "Reciprocal")


def maximum(x, y, name=None):
    """max(x, y) element-wise."""
    return F.maximum(x, y, name=name)


def minimum(x, y, name=None):
    """min(x, y) element-wise."""
    return F.minimum(x, y, name=name)


def squared_difference(x, y, name=None):
    """(x − y)²."""
    return F.square(F.sub(x, y), name=name or "SquaredDifference")


def sign(x, name=None):
    """sign(x)."""
    return F.sign(x, name=name)


def round(x, name=None):
    """x rounded half to even (TF's banker's rounding)."""
    return F.rounding("round", x, name=name)


def rint(x, name=None):
    """x rounded to the nearest integer (half to even)."""
    return F.rounding("rint", x, name=name)


def floor(x, name=None):
    """⌊x⌋."""
    return F.rounding("floor", x, name=name)


def ceil(x, name=None):
    """⌈x⌉."""
    return F.rounding("ceil", x, name=name)


def sigmoid(x, name=None):
    """σ(x) = 1/(1 + e⁻ˣ)."""
    return F.unary(A.Sigmoid, x, name=name or "Sigmoid")


def tanh(x, name=None):
    """tanh x."""
    return F.unary(A.Tanh, x, name=name or "Tanh")


def softplus(features, name=None):
    """ln(1 + eˣ)."""
    return F.unary(A.Softplus, features, name=name or "Softplus")


def softsign(features, name=None):
    """x / (1 + |x|)."""
    x = F.as_tensor(features)
    return F.truediv(x, F.add(1, F.abs(x)), name=name or "Softsign")


def log_sigmoid(x, name=None):
    """log σ(x) = −softplus(−x)."""
    return F.neg(softplus(F.neg(x)), name=name or "LogSigmoid")


def scalar_mul(scalar, x, name=None):
    """scalar · x."""
    return F.mul(scalar, x, name=name)


def is_nan(x, name=None):
    """x != x (true for NaN)."""
    x = F.as_tensor(x)
    return F.not_equal(x, x, name=name or "IsNan")


def is_inf(x, name=None):
    """|x| == ∞."""
    x = F.as_tensor(x)
    return F.equal(F.abs(x), numpy.inf, name=name or "IsInf")


def is_finite(x, name=None):
    """Neither NaN nor ±∞."""
    return F.logical_not(F.logical_or(is_nan(x), is_inf(x)), name=name or "IsFinite")


def multiply_no_nan(x, y, name=None):
    """x·y, but 0 where y == 0 (even if x is NaN/∞)."""
    x, y = F.as_tensor(x), F.as_tensor(y)
    return F.where(F.equal(y, 0), F.zeros_like(x), F.mul(x, y), name=name)


def divide_no_nan(x, y, name=None):
    """x/y, but 0 where y == 0."""
    x, y = F.as_tensor(x), F.as_tensor(y)
    zero = F.equal(y, 0)
    safe = F.where(zero, F.ones_like(y), y)
    return F.where(zero, F.zeros_like(F.truediv(x, safe)), F.truediv(x, safe), name=name)


def xdivy(x, y, name=None):
    """0 if x == 0 else x/y."""
    return divide_no_nan(x, y, name=name)


def erf(x, name=None):  # pragma: no cover - no op defines erf yet
    """Not available: no op defines erf yet."""
    raise NotImplementedError("tf.math.erf: tensorflux has no erf op yet")


def lbeta(x, name=None):  # pragma: no cover
    """Not available."""
    raise NotImplementedError("tf.math.lbeta is not supported")


# ------------------------------------------------------------------------- linear algebra
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, a_is_sparse=False,
           b_is_sparse=False, name=None):
    """a @ b, optionally transposing either operand's last two axes first."""
    a, b = F._pair("matmul", a, b)
    for t, which in ((a, "a"), (b, "b")):
        if t.ndim is not None and t.ndim < 2:
            raise ValueError(f"matmul: '{t.name}' ({which}) has shape {t.shape}; tf.matmul needs rank >= 2")
    if transpose_a or adjoint_a:
        a = _swap_last(a, "transpose_a")
    if transpose_b or adjoint_b:
        b = _swap_last(b, "transpose_b")
    if a.ndim is None or b.ndim is None:
        return F.op_node(L.MatMul, (a, b), name=name, type_name="MatMul", static=_unknown_rank_matmul_out(a, b))
    return F.matmul(a, b, name=name)


def _unknown_rank_matmul_out(a, b):
    """TF's (Batch)MatMul shape rule with an operand of unknown rank: both operands are matrices (or
    batches of them), so the result has the known operand's batch dims, a's rows and b's columns —
    ``matmul(placeholder(tf.float32), W)`` with W (2, 10) is (?, 10)."""
    dt = F._pair("matmul", a, b)[0].dtype.dtype
    if a.ndim is None and b.ndim is None:
        return shapes.Out(None, dt)
    if a.ndim is None:
        return shapes.Out(tuple(b._dims[:-2]) + (None, b._dims[-1]), dt)
    return shapes.Out(tuple(a._dims[:-2]) + (a._dims[-2], None), dt)


def _swap_last(t, flag="transpose"):
    nd = t.ndim
    if nd is None:
        raise ValueError(f"matmul: {flag}=True needs an operand of known rank, got '{t.name}' of unknown shape")
    perm = list(range(nd))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return F.transpose(t, perm)


def tensordot(a, b, axes, name=None):
    """Σ over the paired axes of a and b (NumPy's tensordot), as an einsum."""
    a, b = F._pair("tensordot", a, b)
    if isinstance(axes, int):
        axes = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    ax_a = [axes[0]] if isinstance(axes[0], int) else list(axes[0])
    ax_b = [axes[1]] if isinstance(axes[1], int) else list(axes[1])
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(ax_a, ax_b):
        sb[j % b.ndim] = sa[i % a.ndim]
    contracted = {sa[i % a.ndim] for i in ax_a}
    out = [c for c in sa if c not in contracted] + [c for c in sb if c not in contracted]
    return F.einsum("".join(sa) + "," + "".join(sb) + "->" + "".join(out), a, b, name=name)


def einsum(equation, *inputs, **kwargs):
    """Einstein summation (explicit '->' form)."""
    return F.einsum(equation, *inputs, name=kwargs.get("name"))


def trace(x, name=None):
    """Σ of the main diagonal of a matrix."""
    x = F.as_tensor(x)
    if x.ndim != 2:
        raise ValueError(f"trace: expects a matrix, got shape {x.shape}")
    return F.reduce("sum", F.mul(x, numpy.eye(*x.shape.as_list(), dtype=x.dtype.dtype)), name=name or "Trace")


# ------------------------------------------------------------------------- reductions
def _keep(keepdims, keep_dims):
    if keep_dims is not None:
        return bool(keep_dims)
    return bool(keepdims) if keepdims is not None else False


def _axis(axis, reduction_indices):
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
        return reduction_indices
    return axis


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Σ over ``axis`` (all axes when None)."""
    return F.reduce("sum", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name=name)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Mean over ``axis`` (integer inputs give a truncated integer mean, as in TF)."""
    return F.reduce("mean", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name=name)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Max over ``axis``."""
    return F.reduce("max", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name=name)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Min over ``axis``."""
    return F.reduce("min", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name=name)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Product over ``axis``."""
    return F.reduce("prod", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name=name)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """log Σ exp over ``axis`` (stable)."""
    return F.reduce("logsumexp", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims),
                    name=name)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance over ``axis``."""
    return F.reduce("var", input_tensor, axis, keepdims, name=name)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation over ``axis``."""
    return F.sqrt(reduce_variance(input_tensor, axis, keepdims), name=name)


def _bool_reduce(kind, x, axis, keepdims, name):
    x = F.as_tensor(x)
    if not x.dtype.is_bool:
        raise TypeError(f"reduce_{'any' if kind == 'max' else 'all'}: expects a bool tensor, got {x.dtype.name}")
    return F.reduce(kind, x, axis, keepdims, name=name)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Logical OR over ``axis``."""
    return _bool_reduce("max", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Logical AND over ``axis``."""
    return _bool_reduce("min", input_tensor, _axis(axis, reduction_indices), _keep(keepdims, keep_dims), name)


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=D.int64, name=None, reduction_indices=None,
                  keep_dims=None):
    """Number of non-zero entries over ``axis``."""
    x = F.as_tensor(input_tensor)
    nz = F.cast(F.not_equal(x, F.constant(0, dtype=x.dtype) if not x.dtype.is_bool else False), D.int64)
    return F.cast(F.reduce("sum", nz, _axis(axis, reduction_indices), _keep(keepdims, keep_dims)), dtype, name=name)


def argmax(input, axis=None, name=None, dimension=None, output_type=D.int64):  # noqa: A002
    """Index of the largest entry along ``axis`` (TF 1.x: axis 0 when not given)."""
    if dimension is not None:
        axis = dimension
    return F.argmax(input, axis, output_type, name=name)


def argmin(input, axis=None, name=None, dimension=None, output_type=D.int64):  # noqa: A002
    """Index of the smallest entry along ``axis`` (TF 1.x: axis 0 when not given)."""
    if dimension is not None:
        axis = dimension
    return F.argmin(input, axis, output_type, name=name)


def arg_max(input, dimension, output_type=D.int64, name=None):  # noqa: A002
    """TF 1.x's older ``tf.arg_max(input, dimension)``: ``argmax`` with a required axis."""
    return F.argmax(input, dimension, output_type, name=name)


def arg_min(input, dimension, output_type=D.int64, name=None):  # noqa: A002
    """TF 1.x's older ``tf.arg_min(input, dimension)``: ``argmin`` with a required axis."""
    return F.argmin(input, dimension, output_type, name=name)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis`` (as a matmul with a triangular matrix, so it has a gradient)."""
    x = F.as_tensor(x)
    n = x.shape[axis].value
    if n is None:
        raise ValueError(f"cumsum: axis {axis} of '{x.name}' must have a static size")
    tri = numpy.tril(numpy.ones((n, n), dtype=x.dtype.dtype), -1 if exclusive else 0)
    if reverse:
        tri = tri[::-1, ::-1]
    nd = x.ndim
    ax = axis % nd
    letters = "abcdefghij"[:nd]
    out = letters[:ax] + "z" + letters[ax + 1:]
    return F.einsum(f"{letters},z{letters[ax]}->{out}", x, F.constant(tri), name=name or "Cumsum")


# ------------------------------------------------------------------------- comparison / logic
def equal(x, y, name=None):
    """x == y element-wise."""
    return F.equal(x, y, name=name)


def not_equal(x, y, name=None):
    """x != y element-wise."""
    return F.not_equal(x, y, name=name)


def greater(x, y, name=None):
    """x > y element-wise."""
    return F.greater(x, y, name=name)


def greater_equal(x, y, name=None):
    """x >= y element-wise."""
    return F.greater_equal(x, y, name=name)


def less(x, y, name=None):
    """x < y element-wise."""
    return F.less(x, y, name=name)


def less_equal(x, y, name=None):
    """x <= y element-wise."""
    return F.less_equal(x, y, name=name)


def logical_and(x, y, name=None):
    """x AND y."""
    return F.logical_and(x, y, name=name)


def logical_or(x, y, name=None):
    """x OR y."""
    return F.logical_or(x, y, name=name)


def logical_xor(x, y, name="LogicalXor"):
    """x XOR y."""
    return F.logical_xor(x, y, name=name)


def logical_not(x, name=None):
    """NOT x."""
    return F.logical_not(x, name=name)


def in_top_k(predictions, targets, k, name=None):
    """Whether each target class is among the top k predictions of its row."""
    from ...graph import kernels as K
    return F.op_node(K.InTopK, (predictions, targets), args=(int(k),), name=name)


# ------------------------------------------------------------------------- casts
def cast(x, dtype, name=None):
    """x converted to ``dtype``."""
    return F.cast(x, dtype, name=name)


def saturate_cast(value, dtype, name=None):
    """cast, clipping to the target type's range first."""
    dt = D.as_dtype(dtype)
    x = F.as_tensor(value)
    if dt.is_integer and x.dtype.is_floating:
        x = F.clip(x, float(dt.min), float(dt.max))
    return F.cast(x, dt, name=name)


def to_float(x, name="ToFloat"):
    """cast to float32."""
    return F.cast(x, D.float32, name=name)


def to_double(x, name="ToDouble"):
    """cast to float64."""
    return F.cast(x, D.float64, name=name)


def to_int32(x, name="ToInt32"):
    """cast to int32."""
    return F.cast(x, D.int32, name=name)


def to_int64(x, name="ToInt64"):
    """cast to int64."""
    return F.cast(x, D.int64, name=name)


# ------------------------------------------------------------------------- sums and clipping
def add_n(inputs, name=None):
    """Σ of a list of tensors of one shape."""
    return F.add_n(inputs, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Σ of a list of tensors (same as add_n)."""
    return F.add_n(inputs, name=name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """t clipped to [min, max] (gradient flows inside the range)."""
    return F.clip(t, clip_value_min, clip_value_max, name=name)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t · clip_norm / max(‖t‖₂, clip_norm) (the L2 norm over ``axes``, all by default)."""
    t = F.as_tensor(t)
    l2 = F.sqrt(F.reduce("sum", F.square(t), axes, keepdims=True))
    return F.truediv(F.mul(t, clip_norm), F.maximum(l2, clip_norm), name=name or "clip_by_norm")


def global_norm(t_list, name=None):
    """√(Σ over the list of ‖t‖₂²) (None entries ignored)."""
    parts = [F.reduce("sum", F.square(t)) for t in t_list if t is not None]
    return F.sqrt(F.add_n(parts), name=name or "global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(list scaled by clip_norm / max(global_norm, clip_norm), global_norm) — TF's gradient clipping."""
    t_list = list(t_list)
    gn = use_norm if use_norm is not None else global_norm(t_list)
    gn_t = F.as_tensor(gn)
    scale = F.truediv(F.constant(clip_norm, dtype=gn_t.dtype) if not F.is_tensor(clip_norm) else clip_norm,
                      F.maximum(gn_t, clip_norm))
    return [None if t is None else F.mul(t, scale, name=name) for t in t_list], gn


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """The vector norm over ``axis`` (euclidean/2, 1, or inf)."""
    x = F.as_tensor(tensor)
    keep = _keep(keepdims, keep_dims)
    if ord in ("euclidean", 2, 2.0, "fro"):
        return F.sqrt(F.reduce("sum", F.square(x), axis, keep), name=name or "norm")
    if ord in (1, 1.0):
        return F.reduce("sum", F.abs(x), axis, keep, name=name or "norm")
    if ord == numpy.inf:
        return F.reduce("max", F.abs(x), axis, keep, name=name or "norm")
    raise ValueError(f"norm: unsupported ord {ord!r}")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / √(max(Σ x², ε)) along ``axis``."""
    if dim is not None:
        axis = dim
    x = F.as_tensor(x)
    sq = F.reduce("sum", F.square(x), axis, True)
    return F.mul(x, rsqrt(F.maximum(sq, epsilon)), name=name or "l2_normalize")
