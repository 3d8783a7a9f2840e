"""`python -m vmt_nb.sweep` with each run's training history kept: the same rows in the same table, and for each run
`results/traces/<table>/<options>_seed<S>.json.gz` with the per-iteration mean energies of the data, x̂ and x̃, the Langevin
gradient norm and ‖x̃ − x̂‖ (4 significant digits), to see how a run diverges. Usage: the arguments of `python -m
vmt_nb.sweep`, e.g.

    python benchmarks/trace_sweep.py benchmarks/results/recipe_scale.jsonl --runner image --seeds 1 \\
        --set data=fashion_mnist preset=mnist_cpu budget=600.0 grad_reg=0.001
"""
import gzip, json, sys
from pathlib import Path
import vmt_nb.sweep as S

KEYS = ('e_obs', 'e_init', 'e_syn', 'grad_norm', 'dist')

def _name(argv, seed):
    "The run's file name: the table's fixed options (`--set`) and the seed."
    i = argv.index('--set') + 1 if '--set' in argv else len(argv)
    opts = []
    for a in argv[i:]:
        if a.startswith('--'): break
        opts.append(a.replace('/', '-'))
    return '_'.join(opts + [f'seed{seed}'])

def _keep(learn, argv):
    "Write the learner's history (`KEYS`, 4 significant digits) beside the table."
    out = Path(argv[0]).parent/'traces'/Path(argv[0]).stem
    out.mkdir(parents=True, exist_ok=True)
    h = {k: [float(f"{r[k]:.4g}") if r.get(k) is not None else None for r in learn.history] for k in KEYS}
    with gzip.open(out/f"{_name(argv, learn.cfg.seed)}.json.gz", 'wt') as f: json.dump(dict(argv=argv, seed=learn.cfg.seed, iters=learn.iter, history=h), f)

def main(argv):
    fit = S.fit
    def kept(*a, **k):   # `run_image`'s fit, whose learner (or the divergence's) leaves its history here
        try: learn = fit(*a, **k)
        except S.DivergenceError as e: _keep(e.learn, argv); raise
        _keep(learn, argv); return learn
    S.fit = kept
    S.sweep_main(argv)

if __name__ == '__main__': main(sys.argv[1:])
