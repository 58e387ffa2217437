"""Small TF 1.x odds and ends: session config objects, collections, v2-behaviour switches, py_func."""
from __future__ import annotations

import contextlib

import numpy

from ...graph import core
from ...graph import dtypes as D
from ...graph import functions as F
from ...graph import kernels as K
from ...graph.shapes import Out
from ...graph.variables import global_variables, local_variables, variables_initializer

__all__ = ["ConfigProto", "GPUOptions", "RunOptions", "RunMetadata", "OptimizerOptions", "GraphOptions",
           "get_collection", "get_collection_ref", "add_to_collection", "add_to_collections", "device",
           "container", "colocate_with", "disable_v2_behavior", "enable_v2_behavior", "disable_eager_execution",
           "initialize_all_variables", "initialize_local_variables",
           "initialize_variables", "all_variables", "make_template", "py_func", "numpy_function", "get_seed",
           "NotDifferentiable", "no_gradient", "RegisterGradient"]


class _Options:
    """A permissive stand-in for TF's protobuf option messages: any attribute can be set."""

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _Options()
        object.__setattr__(self, name, value)
        return value

    def __repr__(self):
        return f"{type(self).__name__}({vars(self)})"


class ConfigProto(_Options):
    """Session configuration (accepted and ignored: tensorflux has one CPU backend)."""


class GPUOptions(_Options):
    """GPU options (accepted and ignored)."""


class OptimizerOptions(_Options):
    """Graph optimizer options (accepted and ignored)."""


class GraphOptions(_Options):
    """Graph options (accepted and ignored)."""


class RunOptions(_Options):
    """Per-run options (accepted and ignored)."""
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3


class RunMetadata(_Options):
    """Per-run metadata (left empty)."""


def get_collection(key, scope=None):
    """A copy of the default graph's collection ``key`` (filtered by name ``scope``)."""
    return core.get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    """The default graph's collection list itself."""
    return core.get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    """Append ``value`` to collection ``name`` of the default graph."""
    core.get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    """Append ``value`` to several collections."""
    core.get_default_graph().add_to_collections(names, value)


def device(device_name_or_function):
    """Accepted for compatibility: everything runs on tensorflux's one backend."""
    return contextlib.nullcontext()


def container(container_name):
    """Accepted for compatibility."""
    return contextlib.nullcontext()


def colocate_with(op, ignore_existing=False):
    """Accepted for compatibility."""
    return contextlib.nullcontext()


def disable_v2_behavior():
    """No-op: tensorflux.compat.v1 always behaves like TF 1.x."""


def enable_v2_behavior():
    """Not supported: compat.v1 is the TF 1.x graph API."""
    raise NotImplementedError("tensorflux.compat.v1 implements TF 1.x graph semantics only")


disable_eager_execution = disable_v2_behavior  # (enable_eager_execution: see eager.py)


def initialize_all_variables():
    """Deprecated alias of ``global_variables_initializer``."""
    return variables_initializer(global_variables(), name="init")


def initialize_local_variables():
    """Deprecated alias of ``local_variables_initializer``."""
    return variables_initializer(local_variables(), name="init")


def initialize_variables(var_list, name="init"):
    """Deprecated alias of ``variables_initializer``."""
    return variables_initializer(var_list, name=name)


def all_variables():
    """Deprecated alias of ``global_variables``."""
    return global_variables()


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, **kwargs):
    """``func_`` wrapped so every call shares the variables made by the first one."""
    from .variable_scope import AUTO_REUSE, variable_scope

    def template(*args, **kw):
        with variable_scope(unique_name_ or name_, reuse=AUTO_REUSE):
            return func_(*args, **dict(kwargs, **kw))
    return template


class _PyFunc(K._Kernel):
    """Run a Python function on the input arrays (no gradient)."""

    def __init__(self, fn, out_dtypes):
        self.fn, self.out_dtypes = fn, out_dtypes

    def forward(self, *xs):
        out = self.fn(*xs)
        if isinstance(out, (list, tuple)):
            return tuple(numpy.asarray(o, dtype=d) for o, d in zip(out, self.out_dtypes))
        return numpy.asarray(out, dtype=self.out_dtypes[0])


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF's argument name
    """A node running the Python function ``func`` on the input values (no gradient)."""
    multi = isinstance(Tout, (list, tuple))
    douts = [D.as_dtype(t).dtype for t in (Tout if multi else [Tout])]
    static = [Out(None, d) for d in douts] if multi else Out(None, douts[0])
    return F.op_node(_PyFunc, list(inp), args=(func, douts), static=static, name=name or "PyFunc")


numpy_function = py_func


def get_seed(op_seed):
    """(graph seed, op seed) as TF derives them."""
    g = core.get_default_graph()
    if g.seed is None and op_seed is None:
        return None, None
    return F._op_seed(g, op_seed)


class NotDifferentiable:
    """Accepted for compatibility (ops without a gradient are already known)."""

    def __init__(self, op_type):
        pass


no_gradient = NotDifferentiable


class RegisterGradient:
    """Custom gradient registration is not supported: gradients come from the ops' backward."""

    def __init__(self, op_type):
        self.op_type = op_type

    def __call__(self, f):
        raise NotImplementedError(f"RegisterGradient({self.op_type!r}): custom gradients are not supported; "
                                  "tensorflux graphs use each op's own backward")
