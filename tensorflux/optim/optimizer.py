"""The optimizer base class: parameter groups, per-parameter state, the step loop, serialization.

A subclass owns only its update equation. It defines

- ``check_group(group)``: validate its hyper-parameters (with the ``check_*`` helpers here);
- ``init_state(param, group)``: the state arrays of one parameter (zeros, usually);
- ``update(param, grad, state, group)``: change ``param`` in place from the raw arrays.

The base runs the loop: for every parameter whose ``.grad`` is not None it creates the state on
first use, counts ``state["step"]`` (1 at the first update) and calls ``update``. State lives in
``self.state``, a dict keyed by the parameter's index in the groups (0, 1, ... across all groups
in order), never by ``id()``: that is also how ``state_dict`` packs it, with plain arrays and
numbers only, so a checkpoint stores it without pickle.

Example — plain gradient descent, W −= α·dW::

    class GD(Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, dict(lr=lr))

        def check_group(self, group):
            self.check_number(group, "lr", low=0.0)

        def update(self, param, grad, state, group):
            param -= xp.multiply(grad, group["lr"], out=self.scratch(param))
"""
from __future__ import annotations

import math

from ..autograd import Tensor, enable_grad
from ..backend import xp

__all__ = ["Optimizer", "required"]


class _Required:
    """Marks a hyper-parameter without a default (``lr`` of SGD and Ftrl, as in TF1 and the classic PyTorch)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _is_number(value):
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, xp.generic) and value.dtype.kind in "iuf")


class Optimizer:
    """Base class of all optimizers: owns ``param_groups``, ``state`` and the ``step`` loop.

    ``params`` is an iterable of Tensors (``model.parameters()``), of (name, Tensor) pairs
    (``model.named_parameters()``), or of dicts ``{"params": [...], "lr": ...}`` (parameter
    groups with their own hyper-parameters). See the module docstring for writing a subclass.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.param_groups = []
        self.state = {}
        self._scratch = {}
        if isinstance(params, Tensor):
            raise TypeError(f"{self._name}: params must be an iterable of Tensors or of dicts "
                            f"(parameter groups), got a single Tensor; wrap it in a list")
        if isinstance(params, dict):
            raise TypeError(f"{self._name}: params must be an iterable of Tensors or of dicts, got a dict; "
                            f"pass model.parameters(), or a list of parameter-group dicts")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"{self._name}: params must be an iterable of Tensors or of dicts, "
                            f"got {type(params).__name__}") from None
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list (did the model register "
                             f"its Parameters, or was the parameters() generator already consumed?)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self):
        return type(self).__name__

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a dict ``{"params": [...], hyper-parameter: value ...}``; missing values come from the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry, got keys {sorted(param_group)}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        names = None
        if params and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in params):
            names, params = [n for n, _ in params], [p for _, p in params]   # model.named_parameters()
        if not params:
            raise ValueError(f"{self._name}: parameter group {len(self.param_groups)} has an empty parameter list")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for k, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name}: can only optimize Tensors, but parameter {k} of group "
                                f"{len(self.param_groups)} is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor (parameter {k} of group "
                                 f"{len(self.param_groups)}, produced by {p.grad_fn.name}); "
                                 f"optimize the leaf it was computed from, or .detach() it first")
            if p.dtype.kind != "f":
                raise TypeError(f"{self._name}: can only optimize floating tensors, parameter {k} of group "
                                f"{len(self.param_groups)} has dtype {p.dtype}")
            if id(p) in seen:
                raise ValueError(f"{self._name}: parameter {k} of group {len(self.param_groups)} "
                                 f"(shape {p.shape}) appears more than once in the parameter groups")
            seen.add(id(p))
        group = {"params": params}
        if names is not None:
            group["param_names"] = names
        for key, value in param_group.items():
            if key != "params":
                group[key] = value
        for key, default in self.defaults.items():
            if key not in group:
                if default is required:
                    raise ValueError(f"{self._name}: parameter group {len(self.param_groups)} "
                                     f"does not give '{key}', which has no default")
                group[key] = default
        self.check_group(group)
        self.param_groups.append(group)

    # ------------------------------------------------------------------ the loop
    def zero_grad(self, set_to_none=True):
        """Clear every parameter's gradient (to None, or to a fresh zero array)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    # NOTE: a new array, never fill(0): the old one may be shared with another tensor.
                    p.grad = xp.zeros_like(p.data)

    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure()`` recomputes and returns the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        index = 0
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is not None:
                    if grad.shape != p.data.shape:
                        raise ValueError(f"{self._name}: parameter {index} has shape {p.data.shape} "
                                         f"but its .grad has shape {grad.shape}")
                    state = self.state.get(index)
                    if state is None:
                        state = self.state[index] = {"step": 0, **self.init_state(p.data, group)}
                    state["step"] += 1
                    self.update(p.data, grad, state, group)
                index += 1
        return loss

    def scratch(self, like, slot=0, dtype=None):
        """A reusable work array shaped like ``like`` (not part of the state; contents undefined).

        Parameters of one shape and memory order share it: updates run one after the other. It
        has ``like``'s memory order (a parameter may be a transposed view, column-major), so that
        the update's passes run over contiguous memory; a row-major buffer beside column-major
        parameters made Adam's step on the mlp 4× slower (measured).
        """
        dtype = like.dtype if dtype is None else dtype
        fortran = like.flags.f_contiguous and not like.flags.c_contiguous
        key = (like.shape, dtype, slot, fortran)
        buf = self._scratch.get(key)
        if buf is None:
            buf = self._scratch[key] = xp.empty(like.shape, dtype=dtype, order="F" if fortran else "C")
        return buf

    # ------------------------------------------------------------------ subclass hooks
    def check_group(self, group):  # pragma: no cover - interface
        """Validate one parameter group's hyper-parameters (subclasses)."""

    def init_state(self, param, group):
        """The state arrays of one parameter before its first update (subclasses; {} by default)."""
        return {}

    def update(self, param, grad, state, group):  # pragma: no cover - interface
        """Apply the update equation to ``param`` in place (subclasses)."""
        raise NotImplementedError(f"{self._name} does not define update()")

    # ------------------------------------------------------------------ validation helpers
    def check_number(self, group, key, low=None, high=None, low_open=False, high_open=False, what=None):
        """Raise ValueError unless ``group[key]`` is a number in the given interval."""
        value = group[key]
        if not _is_number(value) or math.isnan(value):
            raise TypeError(f"{self._name}: {key} must be a number, got {value!r}")
        bad = (low is not None and (value <= low if low_open else value < low)) or \
              (high is not None and (value >= high if high_open else value > high))
        if bad:
            if what is None:
                lo = "" if low is None else ("(" if low_open else "[") + f"{low}, "
                hi = "" if high is None else f"{high}" + (")" if high_open else "]")
                what = f"a value in {lo or '(-inf, '}{hi or 'inf)'}"
            raise ValueError(f"{self._name}: invalid {key} {value!r} (expected {what})")

    def check_betas(self, group, key="betas"):
        """Raise ValueError unless ``group[key]`` is a pair of numbers in [0, 1)."""
        betas = group[key]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{self._name}: {key} must be a pair (beta1, beta2), got {betas!r}")
        for i, b in enumerate(betas):
            if not _is_number(b) or not 0.0 <= b < 1.0:
                raise ValueError(f"{self._name}: invalid beta parameter at index {i}: {b!r} "
                                 f"(expected a value in [0, 1))")
        group[key] = (float(betas[0]), float(betas[1]))

    # ------------------------------------------------------------------ serialization
    def state_dict(self):
        """``{"state": {index: {name: array | number}}, "param_groups": [...]}`` — no pickle needed.

        Arrays are shared with the optimizer, not copied (as for ``Module.state_dict``).
        """
        groups, start = [], 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(packed)
        return {"state": {i: dict(s) for i, s in sorted(self.state.items())}, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore state and hyper-parameters saved by ``state_dict`` (arrays are copied).

        The groups must match this optimizer's in number and size; every problem is reported.
        """
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{self._name}.load_state_dict: expected a dict with 'state' and 'param_groups', "
                             f"got {type(state_dict).__name__}"
                             + (f" with keys {sorted(map(str, state_dict))}" if isinstance(state_dict, dict) else ""))
        saved_groups = state_dict["param_groups"]
        ours = [len(g["params"]) for g in self.param_groups]
        theirs = [len(g.get("params", ())) for g in saved_groups]
        if ours != theirs:
            raise ValueError(f"{self._name}.load_state_dict: the saved state has parameter groups of sizes "
                             f"{theirs}, this optimizer has {ours}")
        params = [p for g in self.param_groups for p in g["params"]]
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = {"params": group["params"]}
            new.update({k: (tuple(v) if isinstance(v, list) and isinstance(group.get(k), tuple) else v)
                        for k, v in saved.items() if k != "params"})
            self.check_group(new)
            new_groups.append(new)
        group_of = [g for g in new_groups for _ in g["params"]]
        new_state, problems = {}, []
        for key, saved in state_dict["state"].items():
            i = int(key)
            if not 0 <= i < len(params):
                problems.append(f"state for parameter {i}, but there are only {len(params)} parameters")
                continue
            p = params[i]
            template = {"step": 0, **self.init_state(p.data, group_of[i])}
            missing = sorted(set(template) - set(saved))
            unexpected = sorted(set(saved) - set(template))
            if missing or unexpected:
                problems.append(f"parameter {i}: missing state {missing}, unexpected state {unexpected}")
                continue
            entry = {}
            for name, value in saved.items():
                like = template[name]
                if isinstance(like, xp.ndarray):
                    value = value.data if isinstance(value, Tensor) else xp.asarray(value)
                    if value.shape != like.shape:
                        problems.append(f"parameter {i}: state '{name}' has shape {value.shape}, "
                                        f"expected {like.shape}")
                        continue
                    entry[name] = xp.array(value, dtype=like.dtype, copy=True)
                else:
                    entry[name] = type(like)(value)
            new_state[i] = entry
        if problems:
            raise ValueError(f"{self._name}.load_state_dict failed — " + "; ".join(problems))
        self.param_groups[:] = new_groups
        self.state = new_state

    # ------------------------------------------------------------------ repr
    def __repr__(self):
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"
