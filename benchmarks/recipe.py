"""Training-recipe benchmark for vmt_nb's image presets (a benchmark, not a test: nothing here asserts).

Trains one configuration (a preset of `vmt_nb.presets`, with overrides) for a number of iterations or a wall-clock budget and
records what a recipe is judged by: wall-clock time, divergences, the range of the energies and of the Langevin
gradient norms over the run, the per-batch diversity of x̂ and x̃, and the classifier Fréchet distance and score
(`vmt_nb.metrics.classifier_metrics`) of x̂ and x̃, or for CIFAR-10 (no classifier) their Inception FID against the test
images (`--fid_n`). Each run appends one JSON row to `--out`.

    python benchmarks/recipe.py --data mnist --preset mnist_cpu --seed 0 --out benchmarks/results/recipe.jsonl
    python benchmarks/recipe.py --tag old_delta --set delta=0.002 ref_sigma=0.016 --iters 1000 --threads 1 --out ...
    python benchmarks/recipe.py --method vae --minutes 10 --out ...      # a baseline for the same wall-clock time

x̃ is scored with the preset's chain length and, by default, also with 30 steps (`--eval_steps`).
"""
import argparse, json, os, time
import torch
from vmt_nb.presets import build, PRESETS
from vmt_nb.train import fit, VMTConfig, DivergenceError, DivergenceGuardCB
from vmt_nb.metrics import classifier_metrics
from _common import cpu_model, overrides, span

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--data', default='mnist'); p.add_argument('--preset', default='mnist_cpu')
    p.add_argument('--method', default='vmt'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--iters', type=int, default=None, help="default: the preset's")
    p.add_argument('--minutes', type=float, default=None, help='wall-clock budget (stops before --iters if reached)')
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='VMTConfig overrides')
    p.add_argument('--init', default=None, help="the VAE networks' initialisation: official or torch (default: the preset's)")
    p.add_argument('--gen_up', default=None, help="CIFAR-10 generator's upsampling: transpose or resize (default: the preset's)")
    p.add_argument('--threads', type=int, default=None); p.add_argument('--n_eval', type=int, default=5000)
    p.add_argument('--eval_steps', type=int, nargs='*', default=[30],
                   help="also score x̃ from chains of these lengths at test time (the authors' test chains are longer than training's)")
    p.add_argument('--fid_n', type=int, default=1000,
                   help='data sets without a classifier (CIFAR-10): Inception FID of this many samples against as many test images (0: none)')
    p.add_argument('--grid', default=None, help='also write 64 samples of x̂ and x̃ to this PNG file')
    p.add_argument('--root', default=os.environ.get('VMT_DATA')); p.add_argument('--tag', default='')
    p.add_argument('--out', default='benchmarks/results/recipe.jsonl')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.init: PRESETS[a.preset] = dict(PRESETS[a.preset], init=a.init)
    if a.gen_up: PRESETS[a.preset] = dict(PRESETS[a.preset], gen_up=a.gen_up)
    nets, x, cfg, iters = build(a.data, a.preset, a.root)
    cfg.update(overrides(a.set), method=a.method, seed=a.seed)
    guard = DivergenceGuardCB()
    t0, error = time.perf_counter(), None
    try:
        learn = fit(**nets, data=x, n_iters=a.iters or iters, cfg=VMTConfig(**cfg), cbs=[guard], device='cpu',
                    time_limit=a.minutes * 60 if a.minutes else None)
    except DivergenceError as e: error, learn = str(e), e.learn
    seconds = time.perf_counter() - t0
    h = learn.history
    row = dict(tag=a.tag, data=a.data, preset=a.preset, method=a.method, seed=a.seed, overrides=a.set, init=a.init, gen_up=a.gen_up,
               iters=learn.iter, seconds=round(seconds, 1), sec_per_iter=round(seconds / max(1, learn.iter), 4),
               divergence_error=error, guard_events=guard.events,
               ranges={k: span(h, k) for k in ('e_obs', 'e_syn', 'e_init', 'grad_norm', 'dist')},
               last={k: h[-1].get(k) for k in ('e_obs', 'e_syn', 'e_init', 'grad_norm', 'dist', 'div_init', 'div_syn', 'recon', 'kl')},
               config=vars(learn.cfg), precision=learn.precision,
               machine=dict(cpu=cpu_model(), threads=torch.get_num_threads(), torch=torch.__version__))
    if a.data in ('mnist', 'fashion_mnist') and a.n_eval:
        t = time.perf_counter()
        s = learn.sample(a.n_eval)
        for k, xs in (('x_init', s.x_init), ('x_syn', s.x_syn)):
            if k == 'x_syn' and a.method == 'vae': continue
            m = classifier_metrics(xs, a.data, a.root, device='cpu')
            row[k] = dict(fd=m['fd'], score=m['score'])
        if a.method != 'vae':
            for k in a.eval_steps:
                if k == learn.cfg.n_steps: continue
                torch.manual_seed(a.seed)
                m = classifier_metrics(learn.sample(a.n_eval, n_steps=k).x_syn, a.data, a.root, device='cpu')
                row[f'x_syn_{k}'] = dict(fd=m['fd'], score=m['score'])
        row['protocol'] = m['protocol']; row['eval_seconds'] = round(time.perf_counter() - t, 1)
    elif a.fid_n:   # no classifier (CIFAR-10): the Inception FID of x̂ and x̃ against the first fid_n test images
        from vmt_nb.data import image_tensor
        from vmt_nb.metrics import fid_metric, fid_update
        t = time.perf_counter()
        s = learn.sample(a.fid_n)
        fid = fid_update(fid_metric(device='cpu'), image_tensor(a.data, a.root, train=False, n=a.fid_n), real=True)
        for k, xs in (('x_init', s.x_init), ('x_syn', s.x_syn)):
            if k == 'x_syn' and a.method == 'vae': continue
            fid.reset(); row[k] = dict(inception_fid=float(fid_update(fid, xs.cpu(), real=False).compute()))
        row['protocol'] = dict(n_samples=a.fid_n, n_ref=a.fid_n, ref='test split', features=fid.source)
        row['eval_seconds'] = round(time.perf_counter() - t, 1)
    if a.grid:
        from vmt_nb.plots import plot_images
        torch.manual_seed(a.seed); plot_images(learn.sample(64), a.grid)
    with open(a.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps({k: v for k, v in row.items() if k in ('tag', 'seed', 'iters', 'seconds', 'divergence_error', 'ranges') or k.startswith('x_')}))

if __name__ == '__main__': main()
