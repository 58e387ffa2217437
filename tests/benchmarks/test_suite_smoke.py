"""The benchmark suite runs end to end in a tiny configuration (tensorflux only, in-process,
one step per workload, batch 4) and writes valid JSON. No timing assertions: speed is
measured by ``python -m benchmarks.run``, not by the unit suite."""
import json
import math

import pytest

from benchmarks import gemm, run
from benchmarks._common import WORKLOADS, init_params, param_shapes


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "tiny.json"
    result = run.main(["--tiny", "--no-torch", "--in-process", "--batch", "4", "--json", str(out)])
    return result, out


def test_every_workload_and_mode_has_a_row(tiny):
    result, _ = tiny
    assert [(r["workload"], r["mode"]) for r in result["rows"]] == [(w, m) for w in WORKLOADS for m in ("eager", "graph")]


def test_rows_run_or_name_what_is_missing(tiny):
    result, _ = tiny
    for row in result["rows"]:
        tx = row["tensorflux"]
        assert tx["status"] in ("ok", "missing"), (row["workload"], row["mode"], tx.get("error"), tx.get("traceback"))
        if tx["status"] == "ok":
            assert math.isfinite(tx["samples_per_s"]) and tx["samples_per_s"] > 0
            assert tx["peak_rss_mb"] > 0
        else:
            assert tx["missing"] and all(isinstance(n, str) for n in tx["missing"])


def test_json_is_valid_and_complete(tiny):
    result, path = tiny
    data = json.loads(path.read_text())
    assert data["frameworks"] == ["tensorflux"]
    assert len(data["rows"]) == len(result["rows"])
    assert data["meta"]["cores"] >= 1 and "threadpools_parent" in data["meta"]
    assert data["meta"]["compiled_kernels"].startswith(("numba ", "off ("))
    assert all(math.isfinite(v) and v > 0 for v in data["gemm"]["ceiling_gflops"].values())


def test_table_reports_missing_pieces_as_na():
    rows = [{"workload": "cnn", "mode": "eager", "batch": 64,
             "tensorflux": {"status": "missing", "missing": ["tx.nn.Conv2d"]},
             "torch": {"status": "ok", "samples_per_s": 1000.0, "peak_rss_mb": 300.0}}]
    table = run.format_table(rows)
    assert "n/a (missing: tx.nn.Conv2d)" in table and "1,000" in table


def test_mlp_gemm_count():
    # forward 3 GEMMs, weight gradients 3, input gradients 2 (none for the data)
    assert len(gemm.mlp_gemms(128)) == 8
    per_layer = 784 * 512 + 512 * 512 + 512 * 10
    assert gemm.mlp_gemm_flops(128) == 2 * 128 * (3 * per_layer - 784 * 512)


def test_shared_init_matches_declared_shapes():
    for model in ("logreg", "mlp", "cnn", "lstm"):
        params = init_params(model)
        assert [(k, v.shape) for k, v in params.items()] == param_shapes(model)
        assert all(v.dtype.name == "float32" for v in params.values())


def test_time_to_accuracy_report_formats():
    from benchmarks import tta
    res = {"tensorflux": {"status": "ok", "target": 0.99, "seconds": 100.0, "epochs": 2.0, "peak_rss_mb": 300.0},
           "torch": {"status": "ok", "target": 0.99, "seconds": 80.0, "epochs": 2.0, "peak_rss_mb": 600.0}}
    text = tta.format_result(res)
    assert "100.0 s" in text and "0.80×" in text


def test_time_to_accuracy_summary_over_seeds():
    from benchmarks import tta

    def one(tx_s, th_s, tx_status="ok"):
        return {"tensorflux": {"status": tx_status, "seconds": tx_s, "epochs": 3.0},
                "torch": {"status": "ok", "seconds": th_s, "epochs": 2.25}}
    summary = tta.seed_summary({0: one(150.0, 100.0), 1: one(60.0, 120.0), 2: one(90.0, 100.0),
                                3: one(None, 100.0, tx_status="not reached")})
    assert summary["ratios"] == {"0": 1.5, "1": 0.5, "2": 0.9, "3": None}
    assert summary["seeds_compared"] == 3 and summary["median_ratio"] == 0.9   # median of 0.5, 0.9, 1.5
    text = tta.format_seed_summary(summary)
    assert "seed 0: 1.50×" in text and "seed 3: n/a" in text and "median over 3 seeds: 0.90×" in text


def test_time_to_accuracy_reads_the_same_mnist_as_tensorflux():
    from benchmarks import tta
    if not (tta.DEFAULT_ROOT / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip("the shared MNIST files are not here")
    x_tx, y_tx = tta.load_mnist("test", tta.DEFAULT_ROOT, use_tensorflux=True)
    x_np, y_np = tta.load_mnist("test", tta.DEFAULT_ROOT, use_tensorflux=False)
    assert x_tx.shape == x_np.shape == (10000, 28, 28)
    assert (x_tx == x_np).all() and (y_tx == y_np).all()


def test_runs_without_torch(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(run, "torch_available", lambda: False)
    out = tmp_path / "no_torch.json"
    result = run.main(["--tiny", "--in-process", "--batch", "2", "--only", "logreg", "--modes", "eager",
                       "--no-gemm", "--json", str(out)])
    assert result["frameworks"] == ["tensorflux"]
    assert "PyTorch is not installed" in capsys.readouterr().out
    assert json.loads(out.read_text())["rows"][0]["tensorflux"]["status"] == "ok"
