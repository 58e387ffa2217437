"""The benchmark suite: tensorflux against PyTorch, side by side, in one run.

    python -m benchmarks.run                      # every workload, eager + graph, 3 repeats
    python -m benchmarks.run --quick              # shorter windows, 1 repeat
    python -m benchmarks.run --only logreg,mlp --repeats 5 --json out.json
    python -m benchmarks.run --time-to-accuracy   # + the cnn on full MNIST to 99% (long)
    python benchmarks/run.py --no-torch           # tensorflux only
    python -m benchmarks.run --threads 1          # both frameworks on one thread

Each (workload, mode, framework) runs in its own fresh subprocess (``_worker``), built and
warmed up once; the tensorflux and PyTorch workers of a row stay alive side by side and
their timed windows alternate (A B, B A, A B ...), so that load on a shared machine hits
both alike. Throughput is the median over ``--repeats`` windows of steady-state samples/s
(forward + loss + backward + Adam step); the ratio is the median of the ratios of paired
(back-to-back) windows; memory is each worker's peak resident set. The table goes to
stdout (Markdown), everything measured to ``benchmarks/results/latest.json``.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"
    import benchmarks  # noqa: F401  (makes the relative imports below resolve)

from ._common import MODES, WORKLOADS, blas_info, cpu_times, machine_busy, median, n_cores
from . import gemm as _gemm
from ._driver import Worker

__all__ = ["main", "run_suite", "format_table", "parse_args"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"
FRAMEWORKS = ("tensorflux", "torch")


def torch_available() -> bool:
    """True when PyTorch can be imported here (it is an optional extra)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def _is_clean(w, threshold):
    share = w.get("others_cpu_share")
    return w.get("status") == "ok" and (share is None or share <= threshold)


def _summary(info, windows, end, threshold):
    """Median throughput over the clean windows (all ok windows when none is clean) of one
    framework in one row, and its memory."""
    out = {k: v for k, v in info.items() if k not in ("framework", "workload", "mode", "batch")}
    out.update(end)
    ok = [w for w in windows if w.get("status") == "ok"]
    out["windows"] = windows
    if out.get("status") == "ok" and not ok:
        out["status"] = "error"
    if out.get("status") != "ok":
        return out
    clean = [w for w in ok if _is_clean(w, threshold)]
    use = clean or ok
    out["clean_windows"] = len(clean)
    out["samples_per_s"] = median([w["samples_per_s"] for w in use])
    out["ms_per_step"] = median([w["ms_per_step"] for w in use])
    out["samples_per_s_all_windows"] = median([w["samples_per_s"] for w in ok])
    shares = [w["others_cpu_share"] for w in ok if "others_cpu_share" in w]
    if shares:
        out["others_cpu_share"] = median(shares)
    return out


def _wait_for_quiet(max_wait, threshold=0.25):
    """Wait (up to ``max_wait`` s) until other processes use at most ``threshold`` of the
    machine's cores; (busy fraction seen last, seconds waited)."""
    t0 = time.monotonic()
    busy = None
    while max_wait > 0:
        busy = machine_busy(0.25)
        if busy is None or busy <= threshold or time.monotonic() - t0 >= max_wait:
            break
        time.sleep(0.25)
    return busy, time.monotonic() - t0


def _timed_window(worker, idle_wait):
    """One window of ``worker``, with how busy the rest of the machine was during it."""
    busy_before, waited = _wait_for_quiet(idle_wait)
    load = _load()
    c0 = cpu_times()
    res = worker.window()
    c1 = cpu_times()
    res["load_average_1min"] = load[0] if load else None
    res["idle_wait_s"] = waited
    if busy_before is not None:
        res["busy_before"] = busy_before
    if c0 and c1 and res.get("status") == "ok" and c1[1] > c0[1]:
        # share of all cores used by other processes during the window (ours: the worker's CPU time)
        others = (c1[0] - c0[0]) - res.get("cpu_seconds_command", 0.0)
        res["others_cpu_share"] = min(max(others / (c1[1] - c0[1]), 0.0), 1.0)
    return res


def run_row(workload, mode, args, frameworks, torch_reference=None, log=print):
    """Measure one (workload, mode) row: the frameworks' workers side by side, their timed
    windows alternating (A B, B A, A B ...), until ``args.repeats`` pairs of windows are clean
    (other processes used at most ``args.clean_threshold`` of the CPU during both) or
    ``args.max_windows`` pairs were taken."""
    timing = args.timing
    spec = {"workload": workload, "mode": mode, "seed": args.seed, "batch": args.batch,
            "probe_time": timing["probe_time"], "ceiling_sizes": timing["ceiling_sizes"], **timing["worker"]}
    workers = {}
    for fw in frameworks:
        if fw == "torch" and torch_reference is not None and not workers["tensorflux"].ok:
            continue  # nothing to compare against; the reference comes from the eager row
        workers[fw] = Worker({**spec, "framework": fw}, in_process=args.in_process)
        if not workers[fw].ok:
            log(f"  {workload:>9} {mode:<5} {fw:<10} {_short(workers[fw].info)}")
    windows = {fw: [] for fw in workers}
    names = [fw for fw in workers if workers[fw].ok]
    r = clean_pairs = 0
    while names and r < max(args.max_windows, args.repeats) and (r < args.repeats or clean_pairs < args.repeats):
        pair = {}
        for fw in (names if r % 2 == 0 else names[::-1]):
            if workers[fw].ok:
                pair[fw] = res = _timed_window(workers[fw], args.idle_wait)
                windows[fw].append(res)
                share = res.get("others_cpu_share")
                log(f"  {workload:>9} {mode:<5} {fw:<10} window {r + 1}: {_short(res)}"
                    + (f", others used {100 * share:.0f}% of the CPU" if share is not None else ""))
        clean_pairs += all(_is_clean(w, args.clean_threshold) for w in pair.values())
        r += 1
    # peak memory now, before the GEMM probes below allocate their own matrices
    ends = {fw: (workers[fw].ask("memory") if workers[fw].ok else {}) for fw in workers}
    probes = {fw: [] for fw in workers}
    if not args.no_gemm and workload == "mlp" and mode == "eager":
        for k in range(args.repeats):
            for fw in (names if k % 2 == 0 else names[::-1]):
                if workers[fw].ok:
                    probes[fw].append(workers[fw].probe())
    row = {"workload": workload, "mode": mode, "batch": args.batch or WORKLOADS[workload].batch}
    for fw in workers:
        end = workers[fw].close()
        end.update({k: v for k, v in ends[fw].items() if k == "peak_rss_mb"})
        row[fw] = _summary(workers[fw].info, windows[fw], end, args.clean_threshold)
        got = [p for p in probes[fw] if "gemm_seconds_per_step" in p]
        if got and row[fw].get("status") == "ok":  # best-of, see gemm's method
            row[fw]["gemm_seconds_per_step"] = min(p["gemm_seconds_per_step"] for p in got)
            row[fw]["best_ms_per_step"] = min(w["ms_per_step"] for w in windows[fw] if w.get("status") == "ok")
            ceilings = [p["ceiling_gflops"] for p in got if "ceiling_gflops" in p]
            if ceilings:
                row[fw]["ceiling_gflops"] = {n: max(c[n] for c in ceilings) for n in ceilings[0]}
    if "torch" in frameworks and "torch" not in workers and torch_reference is not None:
        row["torch"] = {**torch_reference, "note": "PyTorch eager (from the eager row)"}
    tx, th = row.get("tensorflux", {}), row.get("torch", {})
    if tx.get("status") == "ok" and th.get("status") == "ok":
        pairs = [(a, b) for a, b in zip(tx["windows"], th.get("windows", []))
                 if a.get("status") == "ok" and b.get("status") == "ok"]
        clean = [(a, b) for a, b in pairs if _is_clean(a, args.clean_threshold) and _is_clean(b, args.clean_threshold)]
        # paired windows ran back to back: the median of their ratios resists load changes best
        use = clean or pairs
        row["pairs"], row["clean_pairs"] = len(pairs), len(clean)
        row["ratio"] = (median([a["samples_per_s"] / b["samples_per_s"] for a, b in use]) if use
                        else tx["samples_per_s"] / th["samples_per_s"])
        row["ratio_of_medians"] = tx["samples_per_s"] / th["samples_per_s"]
        if tx.get("peak_rss_mb") and th.get("peak_rss_mb"):
            row["mem_ratio"] = tx["peak_rss_mb"] / th["peak_rss_mb"]
    return row


def _short(res):
    if res.get("status") == "ok":
        return f"{res['samples_per_s']:,.0f} samples/s ({res['steps']} steps in {res['seconds']:.2f} s)"
    if res.get("status") == "missing":
        return "n/a (missing: " + ", ".join(res["missing"]) + ")"
    return "error: " + str(res.get("error"))[:160]


# ---------------------------------------------------------------- the table
def _cell_speed(s):
    return f"{s['samples_per_s']:,.0f}" if s.get("status") == "ok" else ("—" if not s else "n/a")


def _note(s, who):
    if s.get("status") == "missing":
        return f"{who}: n/a (missing: {', '.join(s['missing'])})"
    if s.get("status") == "error":
        return f"{who}: error ({str(s.get('error'))[:120]})"
    return ""


def format_table(rows):
    """The suite's table as Markdown: one line per (workload, mode)."""
    head = ["workload", "mode", "batch", "tensorflux samples/s", "PyTorch samples/s", "ratio tx/torch",
            "peak MB tx / torch", "mem ratio", "clean pairs", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in rows:
        tx, th = row.get("tensorflux", {}), row.get("torch", {})
        mem_tx = f"{tx['peak_rss_mb']:.0f}" if tx.get("status") == "ok" else "—"
        mem_th = f"{th['peak_rss_mb']:.0f}" if th.get("status") == "ok" else "—"
        notes = "; ".join(n for n in (_note(tx, "tx"), _note(th, "torch")) if n)
        if row["mode"] == "graph" and th.get("status") == "ok":
            notes = "; ".join(n for n in (notes, "vs PyTorch eager") if n)
        cells = [row["workload"], row["mode"], str(row["batch"]), _cell_speed(tx), _cell_speed(th),
                 f"{row['ratio']:.2f}×" if "ratio" in row else "—", f"{mem_tx} / {mem_th}",
                 f"{row['mem_ratio']:.2f}×" if "mem_ratio" in row else "—",
                 f"{row['clean_pairs']}/{row['pairs']}" if "pairs" in row else "—", notes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_gemm(g):
    """The GEMM ceiling and the mlp's use of it, as text lines."""
    if not g:
        return ""
    lines = ["NumPy float32 GEMM ceiling (best of): " + ", ".join(f"{n}: {v:.1f}" for n, v in g["ceiling_gflops"].items())
             + " GFLOP/s"]
    for fw in FRAMEWORKS:
        m = g.get("mlp", {}).get(fw)
        if not m:
            continue
        lines.append(
            f"mlp ({fw}): {m['gemm_flops_per_step'] / 1e9:.3f} GFLOP of GEMMs per step; alone they take "
            f"{m['gemm_seconds_per_step'] * 1e3:.2f} ms = {m['gemm_gflops']:.1f} GFLOP/s "
            f"({100 * m['fraction_of_ceiling']:.0f}% of the NumPy ceiling); the fastest step took "
            f"{m['step_seconds'] * 1e3:.2f} ms, so GEMMs are {100 * m['gemm_share_of_step']:.0f}% of it "
            f"(step: {m['step_effective_gflops']:.1f} GFLOP/s effective)")
    return "\n".join(lines)


# ---------------------------------------------------------------- the suite
def _timing(args):
    if args.tiny:
        return {"worker": {"warmup_steps": 0, "warmup_time": 0.0, "rewarm_steps": 0, "min_time": 0.0, "min_steps": 1,
                           "max_steps": 1},
                "probe_time": 0.0, "ceiling_sizes": (64,), "ceiling_time": 0.0}
    if args.quick:
        return {"worker": {"warmup_steps": 2, "warmup_time": 0.2, "min_time": 0.6, "min_steps": 3},
                "probe_time": 0.3, "ceiling_sizes": (512, 1024, 2048), "ceiling_time": 0.3}
    return {"worker": {"warmup_steps": 3, "warmup_time": 0.5, "min_time": 2.0, "min_steps": 5},
            "probe_time": 0.5, "ceiling_sizes": (512, 1024, 2048), "ceiling_time": 1.0}


def _git_commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        return head or None
    except (OSError, subprocess.SubprocessError):
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _load():
    try:
        return list(os.getloadavg())
    except (AttributeError, OSError):
        return None


def compiled_kernels():
    """Whether tensorflux's compiled kernels (LSTM cell, max pooling) run: numba's version, or why not."""
    if os.environ.get("TENSORFLUX_NUMBA", "1") == "0":
        return "off (TENSORFLUX_NUMBA=0): pure NumPy"
    try:
        import numba
    except ImportError:
        return "off (numba not installed): pure NumPy"
    return f"numba {numba.__version__}"


def machine_meta(args):
    """Where and how this run happened (date, CPU, versions, threads, load)."""
    import numpy
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "platform": platform.platform(), "cpu": _cpu_model(), "cores": n_cores(),
        "python": platform.python_version(), "numpy": numpy.__version__, "git_commit": _git_commit(),
        "compiled_kernels": compiled_kernels(),
        "load_average_start": _load(), "threadpools_parent": blas_info(),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))},
        "args": {k: v for k, v in vars(args).items() if k not in ("timing",)},
    }


def run_suite(args, log=print):
    """Run what ``args`` asks for; the JSON-ready result dict."""
    args.timing = _timing(args)
    frameworks = ["tensorflux"]
    if not args.no_torch:
        if torch_available():
            frameworks.append("torch")
        else:
            log("PyTorch is not installed: tensorflux's numbers only (pip install tensorflux[bench])")
    result = {"meta": machine_meta(args), "frameworks": frameworks, "rows": []}
    for name in args.only:
        reference = None
        for mode in args.modes:
            row = run_row(name, mode, args, frameworks, torch_reference=reference, log=log)
            if mode == "eager" and row.get("torch", {}).get("status") == "ok":
                reference = {k: v for k, v in row["torch"].items() if k != "windows"}
            result["rows"].append(row)
    if not args.no_gemm:
        result["gemm"] = _gemm_section(args, result["rows"])
    if args.time_to_accuracy:
        from . import tta
        result["time_to_accuracy"] = tta.run(frameworks, root=args.mnist_root, target=args.target_accuracy,
                                             max_epochs=args.max_epochs, in_process=args.in_process, log=log)
    result["meta"]["load_average_end"] = _load()
    threadpools = {}
    for row in result["rows"]:
        for fw in frameworks:
            if "threadpools" in row.get(fw, {}) and fw not in threadpools:
                threadpools[fw] = row[fw]["threadpools"]
    result["meta"]["threadpools"] = threadpools
    return result


def _gemm_section(args, rows):
    """NumPy's GEMM ceiling and the mlp's GEMM accounting (see ``gemm``'s method)."""
    out = {"method": _gemm.__doc__.split("Method (documented in docs/benchmarks.md):")[1].strip(), "mlp": {}}
    mlp = next((r for r in rows if r["workload"] == "mlp" and r["mode"] == "eager"), None)
    ceiling = (mlp or {}).get("tensorflux", {}).get("ceiling_gflops")
    if ceiling is None:  # no tensorflux mlp worker ran: measure the ceiling here
        t = args.timing
        ceiling = {str(n): v for n, v in _gemm.gemm_ceiling(t["ceiling_sizes"], t["ceiling_time"]).items()}
    out["ceiling_gflops"] = ceiling
    best = {int(k): v for k, v in ceiling.items()}
    for fw in FRAMEWORKS:
        s = (mlp or {}).get(fw, {})
        if s.get("status") == "ok" and "gemm_seconds_per_step" in s:
            flops = _gemm.mlp_gemm_flops(mlp["batch"])
            out["mlp"][fw] = _gemm.summarize(best, flops, s["gemm_seconds_per_step"], s["best_ms_per_step"] / 1e3)
    return out


# ---------------------------------------------------------------- command line
def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="short timing windows and 1 repeat")
    p.add_argument("--only", default=",".join(WORKLOADS),
                   help=f"comma-separated workloads (default: all = {','.join(WORKLOADS)})")
    p.add_argument("--modes", default=",".join(MODES), help="comma-separated: eager,graph (default both)")
    p.add_argument("--repeats", type=int, default=None, help="measurements per framework per row (default 3; 1 with --quick)")
    p.add_argument("--json", default=str(DEFAULT_JSON), help=f"where to write the results (default {DEFAULT_JSON.relative_to(REPO)})")
    p.add_argument("--no-torch", action="store_true", help="tensorflux only, even when PyTorch is installed")
    p.add_argument("--no-gemm", action="store_true", help="skip the NumPy GEMM ceiling and the mlp GEMM accounting")
    p.add_argument("--batch", type=int, default=None, help="override every workload's batch size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None,
                   help="threads for both frameworks (BLAS/OpenMP and torch.set_num_threads); default one per core")
    p.add_argument("--clean-threshold", type=float, default=0.10,
                   help="a window is clean when other processes used at most this share of the CPU (default 0.10)")
    p.add_argument("--max-windows", type=int, default=None,
                   help="most window pairs per row while waiting for --repeats clean ones (default 3 x repeats)")
    p.add_argument("--idle-wait", type=float, default=None,
                   help="before each window wait up to this many seconds for other processes to leave the CPU "
                        "(default 10; 0 with --quick/--tiny)")
    p.add_argument("--tiny", action="store_true", help="1 timed step, no warm-up (a smoke test, not a measurement)")
    p.add_argument("--in-process", action="store_true",
                   help="run measurements in this process (fast, but memory numbers are not per run)")
    p.add_argument("--time-to-accuracy", action="store_true", help="also train the cnn on full MNIST to the target (long)")
    p.add_argument("--target-accuracy", type=float, default=0.99)
    p.add_argument("--max-epochs", type=int, default=10)
    p.add_argument("--mnist-root", default=str(REPO.parent / "shared" / "datasets" / "mnist"))
    args = p.parse_args(argv)
    aliases = {"cnn_infer": "cnn-infer", "cnn-inference": "cnn-infer", "cnn_inference": "cnn-infer"}
    args.only = [aliases.get(w.strip(), w.strip()) for w in args.only.split(",") if w.strip()]
    unknown = [w for w in args.only if w not in WORKLOADS]
    if unknown:
        p.error(f"--only: unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(m not in MODES for m in args.modes):
        p.error(f"--modes: choose from {', '.join(MODES)}")
    if args.repeats is None:
        args.repeats = 1 if (args.quick or args.tiny) else 3
    if args.max_windows is None:
        args.max_windows = args.repeats if (args.quick or args.tiny) else 3 * args.repeats
    if args.idle_wait is None:
        args.idle_wait = 0.0 if (args.quick or args.tiny) else 10.0
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    return args


def limit_threads(n):
    """Make every worker run with ``n`` threads: the BLAS/OpenMP variables their libraries read at
    import, and the count ``_torch.setup_threads`` gives PyTorch (workers inherit the environment)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "TENSORFLUX_BENCH_THREADS"):
        os.environ[var] = str(int(n))


def main(argv=None):
    args = parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            raise SystemExit(f"--threads must be at least 1, got {args.threads}")
        limit_threads(args.threads)
    print(f"tensorflux benchmarks: {', '.join(args.only)} × {', '.join(args.modes)}, {args.repeats} repeat(s), "
          f"{n_cores()} cores; compiled kernels: {compiled_kernels()}", flush=True)
    result = run_suite(args, log=lambda s: print(s, flush=True))
    print()
    print(format_table(result["rows"]))
    if "gemm" in result:
        print()
        print(format_gemm(result["gemm"]))
    if "time_to_accuracy" in result:
        from . import tta
        print()
        print(tta.format_result(result["time_to_accuracy"]))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(result, indent=1, default=str))
    os.replace(tmp, out)
    print(f"\nresults written to {out}")
    return result


if __name__ == "__main__":
    main()
