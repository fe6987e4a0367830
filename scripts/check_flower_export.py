#!/usr/bin/env python3
"""Runs a `byzlab-cli export flower` app in Flower's simulation and compares its first rounds'
error with byzlab's own trace (not run in CI).

    pip install "flwr[simulation]>=1.42" numpy
    python3 scripts/check_flower_export.py "problem=linreg&agg=median&attack=signflip" [ROUNDS] [RULE]

It builds byzlab-cli (cargo build --release --bin byzlab-cli), exports the app into a temporary
directory, runs `byzlab-cli run "<query>" --csv FILE` (columns curve,t,err,...) and the app's
simulate.py with BYZLAB_TRACE set (the server appends "round,err" after every round), then prints
both errors round by round. The random streams differ (NumPy in the app, byzlab's generator in the
engine), so the numbers agree only statistically: the script reports the ratio of the errors and
exits non-zero only if a run fails or the app's error is not finite.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(query, rounds=5, rule=None):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--bin", "byzlab-cli"], cwd=ROOT, check=True)
    cli = os.path.join(target, "release", "byzlab-cli")
    with tempfile.TemporaryDirectory() as tmp:
        app = os.path.join(tmp, "app")
        subprocess.run([cli, "export", "flower", query, app], check=True)
        sep = "&" if query else ""
        trace_csv = os.path.join(tmp, "byzlab.csv")
        subprocess.run([cli, "run", f"{query}{sep}T={rounds}", "--csv", trace_csv], check=True, stdout=subprocess.DEVNULL)
        sys.path.insert(0, app)
        from byzlab_app import task  # noqa: E402

        rule = rule or task.RULES[0]
        byzlab = {}
        with open(trace_csv) as f:
            for row in csv.DictReader(f):
                if row["curve"] == rule and row["err"]:
                    byzlab[int(row["t"])] = float(row["err"])
        trace = os.path.join(tmp, "flower.csv")
        env = dict(os.environ, BYZLAB_TRACE=trace, PYTHONPATH=app)
        subprocess.run([sys.executable, os.path.join(app, "simulate.py"), rule, str(rounds)], cwd=app, env=env, check=True)
        flower = {}
        with open(trace) as f:
            for line in f:
                r, e = line.strip().split(",")
                flower[int(r)] = float(e)
    print(f"{'round':>5} {'byzlab err':>14} {'flower err':>14} {'ratio':>8}   ({rule})")
    bad = False
    for r in sorted(flower):
        b, w = byzlab.get(r, float("nan")), flower[r]
        bad |= not math.isfinite(w)
        print(f"{r:>5} {b:>14.6g} {w:>14.6g} {w / b if b else float('nan'):>8.3f}")
    return 1 if bad or not flower else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5, sys.argv[3] if len(sys.argv) > 3 else None))
