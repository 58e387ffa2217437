"""The optimizer base: groups, skipping, in-place updates, zero_grad, closures, state_dict, errors."""
import tracemalloc

import numpy as np
import pytest

import tensorflux as tx
from tensorflux import optim

ALL = {
    "SGD": lambda ps, **kw: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True, **kw),
    "Adagrad": lambda ps, **kw: optim.Adagrad(ps, lr=0.1, weight_decay=0.01, **kw),
    "RMSprop": lambda ps, **kw: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01, **kw),
    "Adam": lambda ps, **kw: optim.Adam(ps, lr=0.01, weight_decay=0.01, amsgrad=True, **kw),
    "AdamW": lambda ps, **kw: optim.AdamW(ps, lr=0.01, **kw),
    "Ftrl": lambda ps, **kw: optim.Ftrl(ps, lr=0.1, l1=0.01, l2=0.01, l2_shrinkage=0.01, **kw),
}


def make_params(seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return [tx.nn.Parameter(rng.standard_normal(s).astype(dtype)) for s in [(4, 3), (3,), (4, 3)]]


def set_grads(params, seed):
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad = rng.standard_normal(p.shape).astype(p.dtype)


@pytest.mark.parametrize("name", sorted(ALL))
def test_updates_in_place_and_never_writes_into_grad(name):
    params = make_params()
    opt = ALL[name](params)
    arrays = [p.data for p in params]
    set_grads(params, 1)
    shared = params[0].grad
    params[2].grad = shared                     # one gradient array shared by two tensors (as the engine may)
    before = shared.copy()
    for _ in range(3):
        opt.step()
    assert all(p.data is a for p, a in zip(params, arrays))          # same arrays, updated in place
    np.testing.assert_array_equal(shared, before)                    # .grad is read, never written
    assert all(p.data.dtype == np.float32 for p in params)
    assert all(v.dtype == np.float32 for s in opt.state.values() for v in s.values() if isinstance(v, np.ndarray))


@pytest.mark.parametrize("name", sorted(ALL))
def test_step_allocates_no_full_size_temporaries(name):
    """After the first step, a step on a 512×512 parameter allocates (almost) nothing."""
    p = tx.nn.Parameter(np.ones((512, 512), np.float32))
    opt = ALL[name]([p])
    p.grad = np.full((512, 512), 0.5, np.float32)
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, f"{name}: a step allocated {peak} bytes (a float32 temporary would be {512 * 512 * 4})"


@pytest.mark.parametrize("name", sorted(ALL))
def test_parameters_without_grad_are_skipped(name):
    params = make_params()
    opt = ALL[name](params)
    set_grads(params, 1)
    params[1].grad = None
    frozen = params[1].data.copy()
    opt.step()
    np.testing.assert_array_equal(params[1].data, frozen)
    assert sorted(opt.state) == [0, 2]                              # state keyed by index, none for 1
    assert opt.state[0]["step"] == 1


def test_state_is_keyed_by_index_across_groups():
    a, b, c = make_params()
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    for p in (a, b, c):
        p.grad = np.ones(p.shape, np.float32)
    opt.step()
    assert sorted(opt.state) == [0, 1, 2]
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["lr"] == 0.1


def test_param_groups_use_their_own_hyperparameters_and_lr_is_mutable():
    a = tx.nn.Parameter(np.ones(2, np.float32))
    b = tx.nn.Parameter(np.ones(2, np.float32))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad = b.grad = np.ones(2, np.float32)
    opt.step()
    np.testing.assert_allclose(a.data, 0.9)
    np.testing.assert_allclose(b.data, 0.5)
    opt.param_groups[0]["lr"] = 0.2
    opt.step()
    np.testing.assert_allclose(a.data, 0.7)


def test_add_param_group():
    a, b, c = make_params()
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": [b, c], "momentum": 0.9})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than once"):
        opt.add_param_group({"params": [a]})


def test_zero_grad():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    set_grads(params, 1)
    shared = params[0].grad
    params[1].grad = None
    kept = shared.copy()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(params[0].grad, 0)
    np.testing.assert_array_equal(shared, kept)                      # a fresh array, the old one untouched
    assert params[1].grad is None
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_step_with_closure_through_autograd():
    w = tx.nn.Parameter(np.array([1.0, -2.0], np.float32))
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()              # ∇ = 2w
        loss.backward()
        return loss

    with tx.no_grad():                   # step turns gradients back on for the closure
        loss = opt.step(closure)
    assert float(loss.item()) == 5.0
    np.testing.assert_allclose(w.data, [0.5, -1.0])


@pytest.mark.parametrize("name", sorted(ALL))
def test_state_dict_round_trip_continues_identically(name):
    params = make_params()
    opt = ALL[name](params)
    for s in range(3):
        set_grads(params, s)
        opt.step()
    sd = opt.state_dict()
    clone = [tx.nn.Parameter(p.data.copy()) for p in params]
    opt2 = ALL[name](clone)
    opt2.load_state_dict(sd)
    for s in range(3, 6):
        set_grads(params, s)
        set_grads(clone, s)
        opt.step()
        opt2.step()
    for p, q in zip(params, clone):
        np.testing.assert_array_equal(p.data, q.data)
    # the loaded state is a copy, not shared with the saved dict
    assert all(opt2.state[i][k] is not v for i, s in sd["state"].items() for k, v in s.items()
               if isinstance(v, np.ndarray))


def test_state_dict_holds_plain_arrays_and_numbers():
    params = make_params()
    opt = optim.Adam(params)
    set_grads(params, 0)
    opt.step()
    sd = opt.state_dict()
    for i, s in sd["state"].items():
        assert isinstance(i, int)
        assert all(isinstance(v, (np.ndarray, int, float)) for v in s.values())
    for g in sd["param_groups"]:
        assert all(isinstance(v, (int, float, bool, tuple, list)) for v in g.values())


def test_load_state_dict_restores_hyperparameters():
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    opt.param_groups[0]["lr"] = 0.01
    opt2 = optim.Adam([tx.nn.Parameter(p.data.copy()) for p in params], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.01


def test_load_state_dict_errors():
    params = make_params()
    opt = optim.Adam(params)
    set_grads(params, 0)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match=r"groups of sizes \[3\], this optimizer has \[2\]"):
        optim.Adam(params[:2]).load_state_dict(sd)
    other = [tx.nn.Parameter(np.zeros((2, 2), np.float32)) for _ in range(3)]
    with pytest.raises(ValueError, match=r"parameter 0: state 'exp_avg' has shape \(4, 3\), expected \(2, 2\)"):
        optim.Adam(other).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"missing state \['momentum_buffer'\].*unexpected state \['exp_avg'"):
        optim.SGD(params, lr=0.1, momentum=0.9).load_state_dict(
            {"state": sd["state"], "param_groups": [dict(sd["param_groups"][0], momentum=0.9, dampening=0.0,
                                                         nesterov=False, weight_decay=0.0, lr=0.1)]})
    with pytest.raises(ValueError, match="expected a dict with 'state' and 'param_groups'"):
        opt.load_state_dict({"foo": 1})


@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.SGD(ps, lr=-0.1), r"SGD: invalid lr -0\.1 \(expected a value in \[0\.0, inf\)\)"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), r"SGD: nesterov=True requires momentum > 0"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), r"dampening = 0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, 1.0)), r"Adam: invalid beta parameter at index 1: 1\.0 \(expected a value in \[0, 1\)\)"),
    (lambda ps: optim.Adam(ps, betas=(-0.1, 0.9)), r"Adam: invalid beta parameter at index 0"),
    (lambda ps: optim.Adam(ps, betas=0.9), r"Adam: betas must be a pair"),
    (lambda ps: optim.AdamW(ps, eps=-1e-8), r"AdamW: invalid eps"),
    (lambda ps: optim.Adagrad(ps, lr_decay=-1), r"Adagrad: invalid lr_decay -1"),
    (lambda ps: optim.RMSprop(ps, alpha=1.5), r"RMSprop: invalid alpha 1\.5 \(expected a value in \[0\.0, 1\.0\]\)"),
    (lambda ps: optim.Ftrl(ps, lr=0.0), r"Ftrl: invalid lr 0\.0 \(expected a value in \(0\.0, inf\)\)"),
    (lambda ps: optim.Ftrl(ps, lr=0.1, lr_power=0.5), r"Ftrl: invalid lr_power 0\.5"),
    (lambda ps: optim.Ftrl(ps, lr=0.1, l1=-1.0), r"Ftrl: invalid l1"),
    (lambda ps: optim.Adam(ps, lr="fast"), r"Adam: lr must be a number, got 'fast'"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make(make_params())


def test_bad_parameter_lists():
    w = tx.nn.Parameter(np.ones(3, np.float32))
    with pytest.raises(ValueError, match="Adam: got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="Adam: got an empty parameter list"):
        optim.Adam(iter([]))
    with pytest.raises(TypeError, match="got a single Tensor; wrap it in a list"):
        optim.Adam(w)
    with pytest.raises(TypeError, match="can only optimize Tensors, but parameter 1 of group 0 is a ndarray"):
        optim.Adam([w, np.ones(3)])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.Adam([w * 2])
    with pytest.raises(ValueError, match="appears more than once"):
        optim.Adam([w, w])
    with pytest.raises(TypeError, match="floating tensors"):
        optim.Adam([tx.Tensor(np.arange(3))])
    with pytest.raises(ValueError, match="group 1 has an empty parameter list"):
        optim.Adam([{"params": [w]}, {"params": []}])


def test_grad_of_wrong_shape_is_named():
    w = tx.nn.Parameter(np.ones(3, np.float32))
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match=r"grad: got an array of shape \(4,\) for a tensor of shape \(3,\)"):
        w.grad = np.ones(4, np.float32)
    w._grad = np.ones(4, np.float32)  # bypass the setter: the optimizer still names the problem
    with pytest.raises(ValueError, match=r"SGD: parameter 0 has shape \(3,\) but its \.grad has shape \(4,\)"):
        opt.step()


def test_trains_a_model_end_to_end():
    """Adam drives a small regression through autograd to a low loss."""
    tx.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    model = tx.nn.Linear(3, 1)
    opt = optim.Adam(model.parameters(), lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        loss = ((model(tx.Tensor(x)) - tx.Tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
    assert float(loss.item()) < 1e-4
    np.testing.assert_allclose(model.weight.data.ravel(), [1.0, -2.0, 0.5], atol=1e-2)


class GD(optim.Optimizer):
    """The module docstring's example subclass: W −= α·dW."""

    def __init__(self, params, lr=optim.required):
        super().__init__(params, dict(lr=lr))

    def check_group(self, group):
        self.check_number(group, "lr", low=0.0)

    def update(self, param, grad, state, group):
        param -= np.multiply(grad, group["lr"], out=self.scratch(param))


def test_a_subclass_needs_only_its_update():
    w = tx.nn.Parameter(np.array([1.0, 2.0], np.float32))
    opt = GD([w], lr=0.5)
    w.grad = np.array([1.0, -1.0], np.float32)
    opt.step()
    np.testing.assert_array_equal(w.data, [0.5, 2.5])
    assert opt.state[0] == {"step": 1}
    with pytest.raises(ValueError, match="GD: parameter group 0 does not give 'lr', which has no default"):
        GD([w])
    with pytest.raises(ValueError, match="GD: invalid lr -1"):
        GD([{"params": [w], "lr": -1}])


def test_named_parameters_are_accepted():
    model = tx.nn.Sequential(tx.nn.Linear(3, 2), tx.nn.ReLU(), tx.nn.Linear(2, 1))
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert opt.param_groups[0]["params"][0] is model[0].weight
    opt2 = optim.SGD(model.named_parameters(), lr=0.5)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["param_names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert opt2.param_groups[0]["lr"] == 0.1


def test_default_learning_rates():
    ps = make_params()
    assert [cls(ps).param_groups[0]["lr"] for cls in (optim.Adagrad, optim.RMSprop, optim.Adam,
                                                        optim.AdamW)] == [1e-2, 1e-2, 1e-3, 1e-3]
    assert optim.AdamW(ps).param_groups[0]["weight_decay"] == 1e-2
    for cls in (optim.SGD, optim.Ftrl):                     # no default, as in TF1
        with pytest.raises(ValueError, match=rf"{cls.__name__}: parameter group 0 does not give 'lr'"):
            cls(ps)


def test_repr_lists_groups():
    text = repr(optim.Adam(make_params(), lr=0.01))
    assert text.startswith("Adam (") and "Parameter Group 0" in text and "lr: 0.01" in text


@pytest.mark.parametrize("name", sorted(ALL))
def test_column_major_parameters_update_like_row_major_ones_with_scratch_in_their_order(name):
    # a parameter held as a transposed view (column-major memory) gets a scratch buffer in its own
    # memory order, and exactly the update a row-major copy of it gets
    rng = np.random.default_rng(3)
    values = rng.standard_normal((5, 4)).astype(np.float32)
    grads = [rng.standard_normal((5, 4)).astype(np.float32) for _ in range(3)]
    p_row = tx.nn.Parameter(values.copy())
    p_col = tx.nn.Parameter(np.ascontiguousarray(values.T).T)
    assert p_col.data.flags.f_contiguous and not p_col.data.flags.c_contiguous
    opt_row, opt_col = ALL[name]([p_row]), ALL[name]([p_col])
    for g in grads:
        p_row.grad, p_col.grad = g.copy(), np.asfortranarray(g)
        opt_row.step()
        opt_col.step()
    np.testing.assert_array_equal(p_col.data, p_row.data)
    assert p_col.data.flags.f_contiguous
    assert opt_col.scratch(p_col.data).flags.f_contiguous
    assert opt_row.scratch(p_row.data).flags.c_contiguous
