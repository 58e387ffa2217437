"""The LSTM step-cost experiment times the op's own code: with its timing proxies in place the op
gives the same outputs and gradients bit for bit, every timed call is attributed to the pass it
ran in, the parts never add up to more than the pass, and the module is left as it was."""
import numpy as np

from benchmarks.experiments import lstm_step_costs as exp
from tensorflux.ops import _kernels
from tensorflux.ops import recurrent as R


def test_timed_run_matches_the_plain_run_and_restores_the_module():
    args, gh = exp.inputs(seed=3)
    plain, _, _ = exp.run_op(args, gh)
    timed, t_fwd, t_bwd, parts = exp.timed_op(args, gh)
    assert len(timed) == len(plain) == 7           # y, h_n, c_n and the four weight/bias gradients
    for a, b in zip(timed, plain):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert R.xp is np and R._jit is _kernels
    for name, total in (("forward", t_fwd), ("backward", t_bwd)):
        assert parts[name]["matmul"] > 0           # one GEMM per step in either pass
        assert 0 < sum(parts[name].values()) <= total
    kernel = "cell_forward" if _kernels.enabled(args[0]) else "multiply"
    assert parts["forward"][kernel] > 0 and "cell_backward" not in parts["forward"]


def test_the_proxy_passes_untimed_names_through_and_counts_timed_ones():
    totals = {}
    proxy = exp._Timing(np, ("add",), totals)
    assert proxy.float32 is np.float32 and proxy.multiply is np.multiply
    assert proxy.add(2, 3) == 5 and proxy.add(1, 1) == 2
    assert set(totals) == {"add"} and totals["add"] >= 0
