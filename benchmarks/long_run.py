"""Long-run stability benchmark (a benchmark, not a test: nothing here asserts).

Trains one preset of `vmt_nb.presets` for many iterations with the divergence guard on and records, for every window of
`--window` iterations, the range (min, max) of the mean energies of the data, of x̃ and of x̂, of ‖x̃ − x̂‖ and of the
Langevin gradient norm, plus the guard's events (restores, skipped batches). For 2D densities it also records
KL(p_data ‖ p_θ) and KL(p_data ‖ q_gen) on the grid at the end. Each run appends one JSON row to `--out`.

    python benchmarks/long_run.py --data ring8 --preset toy --iters 20000 --threads 1 --out benchmarks/results/long_runs.jsonl
"""
import argparse, json, os, time
import torch
from vmt_nb.presets import build
from vmt_nb.data import TOY_DENSITIES
from vmt_nb.train import fit, VMTConfig, DivergenceError, DivergenceGuardCB
from _common import cpu_model, overrides

KEYS = ('e_obs', 'e_syn', 'e_init', 'dist', 'grad_norm')

def windows(history, size):
    "Per window of `size` iterations: the first and last iteration and the (min, max) of each statistic in `KEYS`."
    out = []
    for s in range(0, len(history), size):
        w = history[s:s + size]
        row = dict(first=w[0].get('step', s + 1), last=w[-1].get('step', s + len(w)))
        for k in KEYS:
            v = [h[k] for h in w if k in h]
            if v: row[k] = [round(min(v), 4), round(max(v), 4)]
        out.append(row)
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--data', default='ring8'); p.add_argument('--preset', default='toy')
    p.add_argument('--iters', type=int, default=20_000); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--minutes', type=float, default=None, help='wall-clock budget (stops before --iters if reached)')
    p.add_argument('--window', type=int, default=1000); p.add_argument('--threads', type=int, default=None)
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='VMTConfig overrides')
    p.add_argument('--root', default=os.environ.get('VMT_DATA')); p.add_argument('--tag', default='')
    p.add_argument('--out', default='benchmarks/results/long_runs.jsonl')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    nets, x, cfg, _ = build(a.data, a.preset, a.root)
    cfg.update(overrides(a.set), seed=a.seed)
    guard = DivergenceGuardCB()
    t0, error = time.perf_counter(), None
    try:
        learn = fit(**nets, data=x, n_iters=a.iters, cfg=VMTConfig(**cfg), cbs=[guard], device='cpu',
                    time_limit=a.minutes * 60 if a.minutes else None)
    except DivergenceError as e: error, learn = str(e), e.learn
    seconds = time.perf_counter() - t0
    row = dict(tag=a.tag, data=a.data, preset=a.preset, seed=a.seed, overrides=a.set, iters=learn.iter,
               seconds=round(seconds, 1), divergence_error=error, guard_events=guard.events,
               windows=windows(learn.history, a.window),
               machine=dict(cpu=cpu_model(), threads=torch.get_num_threads(), torch=torch.__version__))
    if a.data in TOY_DENSITIES:
        from vmt_nb.metrics2d import kl_data_ebm, kl_data_gen
        torch.manual_seed(a.seed)
        e, g = learn.model.energy.cpu().eval(), learn.model.gen.cpu().eval()
        row['kl_data_ebm'] = float(kl_data_ebm(x, e))
        row['kl_data_gen'] = float(kl_data_gen(x, g, learn.cfg.sigma))
    with open(a.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps({k: v for k, v in row.items() if k != 'windows'}))
    for w in row['windows']: print(w)

if __name__ == '__main__': main()
