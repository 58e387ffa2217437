"""TF 1.x eager execution (``tf.enable_eager_execution()``) over tensorflux's graph and session.

Once enabled, the default graph is an ``EagerGraph``: every operation runs as soon as it is
built, on the values of its inputs (fed to a private session), and its outputs keep their
values (``t.numpy()``, ``int(t)``, ``'{:.3f}'.format(t)``, ``np.array(t)``, ``print(t)``).
Variables live in that session and are initialized when created; ``assign``s and optimizer
updates apply at once. Control dependencies are ignored, as in TF's eager mode. The graph keeps
only variables: other operations go away with their last Python reference, so a training loop
does not grow.

Gradients (``tfe.implicit_gradients``, ``tfe.gradients_function``, ``tf.gradients``) use the
operations still referenced from the loss: backward nodes run eagerly too, re-running a
forward kernel when they need its saved state (so a random op such as dropout would draw anew).
"""
from __future__ import annotations

import numpy

from ...graph import core
from ...graph import errors
from ...graph.session import Session
from ...graph.variables import Variable

__all__ = ["EagerGraph", "EagerTensor", "EagerVariable", "enable_eager_execution", "executing_eagerly"]

_STATE = {"graph": None}


class _CountedOps(list):
    """The eager graph's operation list: keeps variables only, but counts every operation so that
    operation ids stay in creation order (gradients and plans sort by them)."""

    def __init__(self):
        super().__init__()
        self._count = 0

    def append(self, op):
        self._count += 1
        if op.kind == "variable":
            super().append(op)

    def __len__(self):
        return self._count


class _VariableNames(dict):
    """Name -> operation, kept for variables only (other operations may be freed)."""

    def __setitem__(self, name, op):
        if op.kind == "variable":
            super().__setitem__(name, op)


def _value_of(t):
    """The value of an eager tensor (a variable's: its current value)."""
    if t.op.kind == "variable":
        graph = t.op.graph
        value = graph._session._store.get(t.op)
        if value is None:
            raise errors.FailedPreconditionError(f"Attempting to use uninitialized value {t.op.name}")
        return value
    try:
        return t.__dict__["_eager_value"]
    except KeyError:
        raise ValueError(f"Tensor '{t.name}' has no eager value (it was built outside eager execution)") from None


class _EagerValueMixin:
    """Python conversions of a value that already exists (eager tensors and variables)."""

    __slots__ = ()

    def numpy(self):
        """The value as a NumPy array (or NumPy scalar)."""
        v = _value_of(self._as_graph_tensor())
        if not isinstance(v, numpy.ndarray):
            return v
        return v[()] if v.ndim == 0 else v.copy()

    def __array__(self, dtype=None, copy=None):
        v = numpy.asarray(_value_of(self._as_graph_tensor()))
        return v if dtype is None else v.astype(dtype)

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __index__(self):
        if not self.dtype.is_integer:
            raise TypeError(f"only integer tensors can be used as an index, got dtype {self.dtype.name}")
        return int(self.numpy())

    def __bool__(self):
        return bool(self.numpy())

    def __len__(self):
        shape = numpy.shape(_value_of(self._as_graph_tensor()))
        if not shape:
            raise TypeError("len() of a scalar tensor")
        return shape[0]

    def __format__(self, spec):
        return format(self.numpy(), spec)

    def __str__(self):
        return f"tf.Tensor({self.numpy()}, shape={self.shape}, dtype={self.dtype.name})"

    def __repr__(self):
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={self.numpy()!r}>"


def _with_values(cls):
    """``cls`` with the conversions of ``_EagerValueMixin`` taking precedence over its base's.

    (The mixin is not a first base: a built tensor or variable becomes an eager one by ``__class__``
    assignment, which needs the base's memory layout first.)"""
    for name, fn in vars(_EagerValueMixin).items():
        if callable(fn) and name not in vars(cls):
            setattr(cls, name, fn)
    return cls


@_with_values
class EagerTensor(core.Tensor, _EagerValueMixin):
    """A tensor built under eager execution: it holds its value."""

    __slots__ = ()

    def __iter__(self):
        return iter([self[i] for i in range(len(self))])


@_with_values
class EagerVariable(Variable, _EagerValueMixin):
    """A variable under eager execution: its value is readable at any time."""

    __slots__ = ()

    def __repr__(self):
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, numpy={self.numpy()!r}>"

    def __iter__(self):
        return iter(self.value())


class EagerGraph(core.Graph):
    """A graph whose operations run when they are built (TF's eager execution)."""

    def __init__(self):
        super().__init__()
        self._ops = _CountedOps()
        self._by_name = _VariableNames()
        self._session = Session(graph=self)

    def _current_control_inputs(self):
        return []  # eager execution runs in program order: control dependencies are moot

    def create_op(self, kind, type_name, inputs, specs, attrs=None, name=None, control_inputs=()):
        if kind == "placeholder":
            raise RuntimeError("tf.placeholder() is not compatible with eager execution")
        op = super().create_op(kind, type_name, inputs, specs, attrs, name=name, control_inputs=())
        if kind == "variable":
            variable = op.attrs.get("variable")
            if type(variable) is Variable:
                variable.__class__ = EagerVariable
            return op
        for t in op.outputs:
            t.__class__ = EagerTensor
        self._execute(op)
        return op

    def _execute(self, op):
        """Run ``op`` now on its inputs' values; keep the values of its outputs."""
        feeds = {}
        sources = [op] + ([op.attrs["fwd"]] if op.kind == "grad" else [])
        for src in sources:
            for t in src.inputs:
                if t is not None and t.op.kind != "variable" and "_eager_value" in t.__dict__:
                    feeds[t] = t.__dict__["_eager_value"]
        fetches = [t for t in op.outputs if t.op is op]
        sess = self._session
        try:
            values = sess.run(fetches if fetches else op, feeds)
        finally:
            sess._plans.clear()
        for t, v in zip(fetches, values or ()):
            t.__dict__["_eager_value"] = numpy.asarray(v) if not isinstance(v, bytes) else v


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Switch to eager execution: operations run when built (call it at program start, as in TF)."""
    graph = core.get_default_graph()
    if isinstance(graph, EagerGraph):
        return
    if core._default_stack() or graph.get_operations():
        raise ValueError("tf.enable_eager_execution must be called at program startup.")
    core._global_default = EagerGraph()


def executing_eagerly():
    """True when the default graph runs operations eagerly."""
    return isinstance(core.get_default_graph(), EagerGraph)
