#!/usr/bin/env python3
"""Checks a `byzlab-cli export byzfl` configuration against ByzFL itself (not run in CI).

    pip install byzfl            # pulls torch and torchvision
    cargo run --release --bin byzlab-cli -- export byzfl "problem=mnist&agg=median,krum&pre=nnm&attack=alie" > config.json
    python3 scripts/check_byzfl_config.py config.json

It expands the configuration with ByzFL's own loader steps (byzfl/benchmark/benchmark.py:
ensure_optional_config_parameters, generate_all_combinations, ensure_key_parameters, the f /
tolerated_f filtering, set_declared_as_aggregation_parameter, compute_number_of_workers), then
builds every experiment's RobustAggregator and ByzantineClient (byzfl/fed_framework) and looks the
model up in byzfl.fed_framework.models, so an unknown name or a bad parameter fails as it would
in `byzfl.run_benchmark()`. It does not download MNIST or train. Exit status 0: ByzFL reads it;
1: it would not (the reasons are printed).
"""
import json
import sys


def main(path):
    import numpy as np
    from byzfl import ByzantineClient, RobustAggregator
    from byzfl.benchmark import benchmark as bm
    from byzfl.fed_framework import models

    with open(path) as f:
        data = json.load(f)
    problems = []
    for k, v in data.get("byzlab_notes", {}).items():
        print(f"note ({k}): {v}")
    data = bm.ensure_optional_config_parameters(data)
    combos = bm.generate_all_combinations(data, ["pre_aggregators", "milestones"])
    combos = bm.ensure_key_parameters(combos)
    if "tolerated_f" not in data["benchmark_config"]:
        combos = bm.set_tolerated_f_equal_to_real_f(combos)
    else:
        combos = bm.remove_real_greater_declared(combos)
    combos = bm.set_declared_as_aggregation_parameter(combos)
    combos = bm.compute_number_of_workers(combos)
    if not combos:
        problems.append("ByzFL would run no experiment (tolerated_f < f?)")
    model = data.get("model", {}).get("name")
    if model is None:
        problems.append("no model name: ByzFL would train its default cnn_mnist")
    elif not hasattr(models, model):
        problems.append(f"ByzFL has no model {model!r}")
    for c in combos:
        label = f"{c['aggregator']['name']} / {[p['name'] for p in c['pre_aggregators']]} / {c['attack']['name']}"
        try:
            agg = RobustAggregator(c["aggregator"], c["pre_aggregators"])
            bc = c["benchmark_config"]
            params = dict(c["attack"].get("parameters", {}))
            params.update(aggregator_info=c["aggregator"], pre_agg_list=c["pre_aggregators"], f=bc["f"])
            byz = ByzantineClient({"name": c["attack"]["name"], "f": bc["f"], "parameters": params})
            honest = [np.random.default_rng(i).standard_normal(10) for i in range(bc["nb_honest_clients"])]
            out = agg.aggregate_vectors(honest + byz.apply_attack(honest))
            print(f"ok   {label}: n = {bc['nb_workers']}, f = {bc['f']}, tolerated f = {bc['tolerated_f']}, |aggregate| = {np.linalg.norm(out):.3g}")
        except Exception as e:  # noqa: BLE001 - report every failure ByzFL raises
            problems.append(f"{label}: {type(e).__name__}: {e}")
    for p in problems:
        print(f"FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
