"""``tf.nn.rnn_cell`` / ``tf.contrib.rnn`` cells with TF 1.x variables, names and gate layouts.

A cell creates its variables on first use inside ``<current variable scope>/<cell name>``
(``rnn/basic_lstm_cell/kernel``, ``.../bias``), then keeps them. TF's layouts are kept: the
LSTM kernel is (input_depth + num_units, 4·num_units) with gate columns i, j, f, o and
``forget_bias`` added to f; the GRU has ``gates/kernel`` (r, u; bias initialised to 1) and
``candidate/kernel``, with TF's (Cho et al.) candidate tanh(W·[x, r ⊙ h]).

Speed: ``dynamic_rnn`` runs an LSTM or basic RNN cell over the whole sequence with one fused
sequence op (``ops.recurrent``): the TF kernel is sliced and reordered into the op's PyTorch
layout by graph ops, so gradients reach the TF variables. Other cells (GRU, custom cells)
are unrolled step by step with the cell's own ``__call__``.
"""
from __future__ import annotations

import collections
import contextlib

import numpy

from ....graph import dtypes as D
from ....graph import functions as F
from ....ops import activation as A
from ....ops import recurrent as R
from .. import initializers as init
from ..variable_scope import get_variable, get_variable_scope, variable_scope

__all__ = ["RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple"]


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """(c, h): the LSTM's cell and hidden state."""

    __slots__ = ()

    @property
    def dtype(self):
        return F.as_tensor(self.c).dtype


def _batch_size(inputs):
    x = F.as_tensor(inputs)
    n = x._dims[0] if x._dims else None
    return n if n is not None else F.getitem(F.shape(x), 0)


def _zeros(batch_size, size, dtype):
    dt = D.as_dtype(dtype)
    if F.is_tensor(batch_size):
        return F.fill(F.stack([F.cast(batch_size, D.int32), F.constant(size, dtype=D.int32)]),
                      F.constant(0, dtype=dt))
    return F.constant(numpy.zeros((int(batch_size), size), dtype=dt.dtype), name="zeros")


class RNNCell:
    """Base class: ``cell(inputs, state) -> (output, new_state)``, ``state_size``, ``zero_state``."""

    _base_name = "rnn_cell"

    def __init__(self, trainable=True, name=None, dtype=None, reuse=None, **kwargs):
        self._name = name
        self._reuse = reuse
        self._dtype = None if dtype is None else D.as_dtype(dtype)
        self._scope = None
        self.built = False
        self.trainable = trainable

    @property
    def state_size(self):  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def output_size(self):  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def name(self):
        return self._name or self._base_name

    def zero_state(self, batch_size, dtype):
        """Zero state(s) for a batch (``batch_size`` may be a tensor)."""
        return _map_structure(lambda size: _zeros(batch_size, size, dtype), self.state_size)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return self.zero_state(batch_size if batch_size is not None else _batch_size(inputs),
                               dtype or F.as_tensor(inputs).dtype)

    # -------------------------------------------------------------- variable scope of the cell
    def _enter_scope(self):
        """The cell's own variable scope: created (unique name) on first use, re-entered after (and
        left as it is when ``call`` already runs inside it, so a first ``cell(x, state)`` can create)."""
        if getattr(self, "_in_call", False):
            return contextlib.nullcontext()
        if self._scope is None:
            parent_reuse = get_variable_scope().reuse
            if self._name is not None or self._reuse or parent_reuse is True:
                cm = variable_scope(self._name or self._base_name, reuse=True if self._reuse else None)
            else:
                cm = variable_scope(None, default_name=self._base_name)
            return _Capture(self, cm)
        return variable_scope(self._scope, reuse=True, auxiliary_name_scope=False)

    def __call__(self, inputs, state, scope=None):
        if scope is not None:
            with variable_scope(scope):
                return self._call_in_scope(inputs, state)
        return self._call_in_scope(inputs, state)

    def _call_in_scope(self, inputs, state):
        with self._enter_scope():
            outer, self._in_call = getattr(self, "_in_call", False), True
            try:
                out = self.call(inputs, state)
            finally:
                self._in_call = outer
        self.built = True
        return out

    def call(self, inputs, state):  # pragma: no cover - interface
        raise NotImplementedError

    def _can_fuse(self):
        """Whether ``_fused`` can run this cell over a whole sequence as one op."""
        return False

    @property
    def trainable_variables(self):
        return [v for v in getattr(self, "_vars", {}).values()]

    variables = trainable_variables
    weights = trainable_variables


class _Capture:
    """Enter a variable scope and remember it as the cell's scope."""

    def __init__(self, cell, cm):
        self.cell, self.cm = cell, cm

    def __enter__(self):
        sc = self.cm.__enter__()
        self.cell._scope = sc
        return sc

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


LayerRNNCell = RNNCell


def _map_structure(fn, structure):
    if isinstance(structure, LSTMStateTuple):
        return LSTMStateTuple(*[_map_structure(fn, s) for s in structure])
    if isinstance(structure, (tuple, list)):
        return type(structure)(_map_structure(fn, s) for s in structure)
    return fn(structure)


class _KernelCell(RNNCell):
    """A cell with one TF-layout ``kernel`` (input_depth + num_units, k·num_units) and ``bias``."""

    _gates = 1
    _bias_init = None

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, kernel_initializer=None,
                 bias_initializer=None, **kwargs):
        super().__init__(name=name, dtype=dtype, reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._activation = activation
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._vars = {}

    def _build(self, input_depth, dtype):
        if self._vars:
            k = self._vars["kernel"]
            if k.shape[0].value != input_depth + self._num_units:
                raise ValueError(f"Trying to share variable {k.op.name}, but specified shape "
                                 f"({input_depth + self._num_units}, {self._gates * self._num_units}) and found "
                                 f"shape {k.shape}.")
            return self._vars
        width = self._gates * self._num_units
        self._vars["kernel"] = get_variable("kernel", [input_depth + self._num_units, width], dtype=dtype,
                                            initializer=self._kernel_initializer)
        self._vars["bias"] = get_variable("bias", [width], dtype=dtype,
                                          initializer=self._bias_initializer or init.Zeros(dtype=dtype))
        return self._vars

    def _weights(self, inputs):
        """Build (or fetch) the variables for ``inputs`` inside the cell's scope."""
        x = F.as_tensor(inputs)
        depth = x.shape[-1].value
        if depth is None:
            raise ValueError(f"{type(self).__name__}: the inputs' last dimension must be known, got {x.shape}")
        with self._enter_scope():
            vs = self._build(depth, self._dtype or x.dtype)
        self.built = True
        return depth, vs


class BasicRNNCell(_KernelCell):
    """output = new_state = act(W·[x, h] + b) (tanh by default)."""

    _base_name = "basic_rnn_cell"

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def _nonlinearity(self):
        """'tanh' / 'relu' when the fused sequence op can run this cell's activation, else None."""
        act = self._activation
        if act is None:
            return "tanh"
        # tf.tanh / tf.nn.tanh / tf.nn.relu (and TFLearn's activations of those names) are tensorflux
        # functions; any other callable is applied by the unrolled cell
        if getattr(act, "__module__", "").startswith("tensorflux.") and \
                getattr(act, "__name__", "") in ("tanh", "relu"):
            return act.__name__
        return None

    def call(self, inputs, state):
        x = F.as_tensor(inputs)
        depth = x.shape[-1].value
        vs = self._build(depth, self._dtype or x.dtype)
        z = F.add(F.matmul(F.concat([x, state], 1), vs["kernel"]), vs["bias"])
        act = self._activation or (lambda t: F.unary(A.Tanh, t))
        h = act(z)
        return h, h

    def _can_fuse(self):
        return self._nonlinearity() is not None

    def _fused(self, x_seq, state, lengths, reverse):
        nl = self._nonlinearity()
        if nl is None:
            return None
        depth, vs = self._weights(x_seq)
        H = self._num_units
        k = vs["kernel"]
        w_ih = F.transpose(F.getitem(k, slice(0, depth)))
        w_hh = F.transpose(F.getitem(k, slice(depth, depth + H)))
        y, h = _sequence(R.RNNSequence, (x_seq, w_ih, w_hh, vs["bias"], None, state), lengths, reverse,
                         kwargs={"nonlinearity": nl})
        return y, h


class BasicLSTMCell(_KernelCell):
    """LSTM: [i, j, f, o] = W·[x, h] + b;  c' = c·σ(f + forget_bias) + σ(i)·tanh(j);  h' = tanh(c')·σ(o)."""

    _base_name = "basic_lstm_cell"
    _gates = 4

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(num_units, activation=activation, reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._forget_bias = float(forget_bias)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        H = self._num_units
        return LSTMStateTuple(H, H) if self._state_is_tuple else 2 * H

    @property
    def output_size(self):
        return self._num_units

    def _split_state(self, state):
        if self._state_is_tuple:
            c, h = state
            return c, h
        c, h = F.split(state, 2, axis=1)
        return c, h

    def _pack_state(self, c, h):
        return LSTMStateTuple(c, h) if self._state_is_tuple else F.concat([c, h], 1)

    def call(self, inputs, state):
        x = F.as_tensor(inputs)
        c, h = self._split_state(state)
        y, (c2, h2) = self._fused(F.expand_dims(x, 0), LSTMStateTuple(c, h) if not self._state_is_tuple
                                  else state, None, False, _unpacked=True)
        return F.squeeze(y, 0), self._pack_state(c2, h2)

    def _can_fuse(self):
        return self._activation is None or getattr(self._activation, "__name__", "") == "tanh"

    def _fused(self, x_seq, state, lengths, reverse, _unpacked=False):
        if not self._can_fuse():
            return None
        _, vs = self._weights(x_seq)
        if state is None:
            c0 = h0 = None
        elif _unpacked or self._state_is_tuple:
            c0, h0 = state
        else:
            c0, h0 = self._split_state(state)
        # one op reads TF's kernel (I+H, 4H), gates (i, j, f, o), and adds forget_bias to f itself
        y, h, c = _sequence(R.LSTMKernelSequence, (x_seq, vs["kernel"], vs["bias"], h0, c0), lengths, reverse,
                            kwargs={"forget_bias": float(self._forget_bias)})
        return y, (LSTMStateTuple(c, h) if (_unpacked or self._state_is_tuple) else F.concat([c, h], 1))


class LSTMCell(BasicLSTMCell):
    """TF's ``LSTMCell`` (variables ``lstm_cell/kernel``, ``bias``); peepholes, clipping and projection are not supported."""

    _base_name = "lstm_cell"

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None, num_proj=None,
                 proj_clip=None, num_unit_shards=None, num_proj_shards=None, forget_bias=1.0, state_is_tuple=True,
                 activation=None, reuse=None, name=None, dtype=None, **kwargs):
        if use_peepholes or cell_clip is not None or num_proj is not None:
            raise NotImplementedError("LSTMCell: use_peepholes, cell_clip and num_proj are not supported")
        super().__init__(num_units, forget_bias=forget_bias, state_is_tuple=state_is_tuple, activation=activation,
                         reuse=reuse, name=name, dtype=dtype, kernel_initializer=initializer, **kwargs)


class GRUCell(_KernelCell):
    """GRU (Cho et al., TF's form): [r, u] = σ(W_g·[x, h] + b_g);  c = tanh(W_c·[x, r ⊙ h] + b_c);
    h' = u ⊙ h + (1 − u) ⊙ c. Variables ``gates/kernel`` (bias init 1.0) and ``candidate/kernel``."""

    _base_name = "gru_cell"

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def _build(self, input_depth, dtype):
        if self._vars:
            return self._vars
        H = self._num_units
        with variable_scope("gates"):
            self._vars["gates/kernel"] = get_variable("kernel", [input_depth + H, 2 * H], dtype=dtype,
                                                      initializer=self._kernel_initializer)
            self._vars["gates/bias"] = get_variable("bias", [2 * H], dtype=dtype, initializer=(
                self._bias_initializer or init.Constant(1.0, dtype=dtype)))
        with variable_scope("candidate"):
            self._vars["candidate/kernel"] = get_variable("kernel", [input_depth + H, H], dtype=dtype,
                                                          initializer=self._kernel_initializer)
            self._vars["candidate/bias"] = get_variable("bias", [H], dtype=dtype, initializer=(
                self._bias_initializer or init.Zeros(dtype=dtype)))
        return self._vars

    def call(self, inputs, state):
        x = F.as_tensor(inputs)
        vs = self._build(x.shape[-1].value, self._dtype or x.dtype)
        gates = F.unary(A.Sigmoid, F.add(F.matmul(F.concat([x, state], 1), vs["gates/kernel"]), vs["gates/bias"]))
        r, u = F.split(gates, 2, axis=1)
        cand = F.add(F.matmul(F.concat([x, F.mul(r, state)], 1), vs["candidate/kernel"]), vs["candidate/bias"])
        c = (self._activation or (lambda t: F.unary(A.Tanh, t)))(cand)
        new_h = F.add(F.mul(u, state), F.mul(F.sub(1.0, u), c))
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked in layers: layer i runs inside variable scope ``cell_i``; the state is a tuple."""

    _base_name = "multi_rnn_cell"

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not state_is_tuple:
            raise NotImplementedError("MultiRNNCell: only state_is_tuple=True is supported")
        self._cells = list(cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def call(self, inputs, state):
        cur, new_states = inputs, []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                cur, s = cell(cur, state[i])
            new_states.append(s)
        return cur, tuple(new_states)

    def _can_fuse(self):
        return all(c._can_fuse() for c in self._cells)

    def _fused(self, x_seq, state, lengths, reverse):
        if not self._can_fuse():
            return None
        with self._enter_scope():
            cur, states = x_seq, []
            for i, cell in enumerate(self._cells):
                with variable_scope(f"cell_{i}"):
                    cur, s = cell._fused(cur, None if state is None else state[i], lengths, reverse)
                states.append(s)
        self.built = True
        return cur, tuple(states)


class DropoutWrapper(RNNCell):
    """Dropout on a cell's inputs and outputs (keep probabilities; ``state_keep_prob`` needs unrolling)."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__()
        if variational_recurrent:
            raise NotImplementedError("DropoutWrapper: variational_recurrent=True is not supported")
        self._cell = cell
        self._in, self._out, self._state = input_keep_prob, output_keep_prob, state_keep_prob

    @property
    def wrapped_cell(self):
        return self._cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    @staticmethod
    def _is_one(p):
        return not F.is_tensor(p) and float(p) == 1.0

    def _drop(self, x, p):
        from . import dropout
        return x if self._is_one(p) else dropout(x, p)

    def __call__(self, inputs, state, scope=None):
        out, new_state = self._cell(self._drop(inputs, self._in), state, scope=scope)
        if not self._is_one(self._state):
            new_state = _map_structure(lambda s: self._drop(s, self._state), new_state)
        return self._drop(out, self._out), new_state

    def _can_fuse(self):
        return self._is_one(self._state) and getattr(self._cell, "_can_fuse", lambda: False)()

    def _fused(self, x_seq, state, lengths, reverse):
        fused = getattr(self._cell, "_fused", None)
        if not self._can_fuse():
            return None
        out = fused(self._drop(x_seq, self._in), state, lengths, reverse)
        if out is None:
            return None
        y, s = out
        return self._drop(y, self._out), s


class ResidualWrapper(RNNCell):
    """output = cell output + inputs."""

    def __init__(self, cell, residual_fn=None):
        super().__init__()
        self._cell, self._fn = cell, residual_fn

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        out, new_state = self._cell(inputs, state, scope=scope)
        return (self._fn(inputs, out) if self._fn else F.add(inputs, out)), new_state


def _sequence(cls, inputs, lengths, reverse, kwargs=None):
    """Run a fused sequence op (``ops.recurrent``) on (T, N, I) inputs; ``lengths`` may be a tensor."""
    kwargs = dict(kwargs or {}, reverse=reverse)
    dyn = None
    if lengths is not None:
        lv = F.constant_value(lengths)
        if lv is not None:
            kwargs["lengths"] = lv
        else:
            dyn = {"lengths": lengths}
    ins = list(inputs)
    while ins and ins[-1] is None:
        ins.pop()
    if dyn is None:
        return F.op_node(cls, ins, kwargs=kwargs, type_name=cls.__name__)
    from ....graph import shapes as S
    proto_static = S.infer(cls(**kwargs), [... if t is None else F.as_tensor(t)._dims for t in ins],
                           [None if t is None else F.as_tensor(t).dtype.dtype for t in ins])
    return F.op_node(cls, ins, kwargs=kwargs, dyn=dyn, static=proto_static, type_name=cls.__name__)
