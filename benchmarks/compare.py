"""VMT against its baselines at equal wall-clock time on MNIST (a benchmark, not a test: nothing here asserts).

One run = one method and seed, trained on one thread for `--minutes` of training time, measured as the process's CPU
time by `vmt_nb.callbacks.TimeBudgetCB` (on one thread that is the wall-clock time of a quiet core, and it does not
depend on what else the machine runs; the row also records the wall-clock time). Every `--every` minutes of it the
run draws `--n_mark` samples and records their classifier Fréchet distance and score
(`vmt_nb.metrics.classifier_metrics`); that evaluation is not counted as training time. At the end it scores
`--n_eval` samples. Each run appends one JSON row to `--out`.

Methods (networks of the `mnist_cpu` preset for all; options over that preset's):
  vmt        the `mnist_cpu` preset: Algorithm 1
  coop       CoopNets with the same Langevin as VMT (the generator regresses x̃ on its own ẑ)
  vae        the plain VAE on the data
  short_run  a short-run EBM as Nijkamp et al. (2019) train it: chains from uniform noise in [-1, 1], K = 100 steps of
             x ← x − ∇E + 0.01·U (δ = √2 with noise_sigma 0.01), no clamp inside the chain, data noised with σ = 0.03,
             Adam lr 1e-4, β₁ 0.9, PyTorch's default initialisation of the energy (their released minimal script's
             settings; VMT, CoopNets and the VAE keep the authors' N(0, 0.005²) initialisation)

    python benchmarks/compare.py --method vmt --seed 0 --threads 1 --out benchmarks/results/compare_mnist.jsonl

`--set FIELD=VALUE ...` sets fields of `VMTConfig` over the method's. The stored `compare_mnist.jsonl` ran when the
preset took 15 Langevin steps in fp32: `--set n_steps=15 precision=fp32 vae_precision=fp32` (vmt, coop, vae) repeats it.
"""
import argparse, json, math, os
import torch
from vmt_nb.presets import build, PRESETS
from vmt_nb.energy import EnergyConvMNIST
from vmt_nb.train import fit, VMTConfig, DivergenceError, DivergenceGuardCB, TimeBudgetCB
from vmt_nb.metrics import classifier_metrics
from _common import cpu_model, span, overrides

SHORT_RUN = dict(langevin='paper', delta=math.sqrt(2), noise_sigma=0.01, n_steps=100, clamp=None, ref_sigma=None,
                 init_scale=1.0, data_noise=0.03, lr_ebm=1e-4, adam_beta1=0.9)
OPTIONS = dict(vmt={}, coop={}, vae={}, short_run=SHORT_RUN)

def score(learn, method, n, root):
    "Classifier FD / score of the samples a user of `method` gets: x̃ (and x̂ where there is a generator)."
    s = learn.sample(n)
    out = {}
    if method != 'short_run': out['x_init'] = s.x_init
    if method != 'vae': out['x_syn'] = s.x_syn
    return {k: {m: v for m, v in classifier_metrics(x, 'mnist', root, device='cpu').items() if m in ('fd', 'score')}
            for k, x in out.items()}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--method', default='vmt', choices=list(OPTIONS)); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--minutes', type=float, default=10.); p.add_argument('--every', type=float, default=2.)
    p.add_argument('--n_mark', type=int, default=1000); p.add_argument('--n_eval', type=int, default=5000)
    p.add_argument('--threads', type=int, default=1); p.add_argument('--root', default=os.environ.get('VMT_DATA'))
    p.add_argument('--save', default=None, help='write the final checkpoint here')
    p.add_argument('--out', default='benchmarks/results/compare_mnist.jsonl')
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='fields of VMTConfig over the method\'s')
    a = p.parse_args()
    try: VMTConfig(**OPTIONS[a.method], **overrides(a.set))   # a typo in --set fails here, before the data are read
    except (TypeError, ValueError) as e: p.error(f"--set: {e}")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    nets, x, cfg, _ = build('mnist', 'mnist_cpu', a.root)
    if a.method == 'short_run': nets['energy'] = EnergyConvMNIST(width=PRESETS['mnist_cpu']['width'], init_std=None)
    cfg.update(OPTIONS[a.method], **overrides(a.set), method=a.method, seed=a.seed)
    def evaluate(learn):
        torch.manual_seed(1234)
        return score(learn, a.method, a.n_mark, a.root)
    budget, guard = TimeBudgetCB(a.minutes * 60, a.every * 60, evaluate), DivergenceGuardCB()
    error = None
    try: learn = fit(**nets, data=x, n_iters=10**9, cfg=VMTConfig(**cfg), cbs=[guard, budget], device='cpu')
    except DivergenceError as e: error, learn = str(e), e.learn
    last = dict(t=budget.t, step=learn.iter, **evaluate(learn))
    torch.manual_seed(1234)
    final = score(learn, a.method, a.n_eval, a.root)
    if a.save: learn.save(a.save)
    h = learn.history
    row = dict(method=a.method, seed=a.seed, minutes=a.minutes, iters=learn.iter, train_seconds=round(budget.t, 1),
               wall_seconds=round(budget.wall, 1), sec_per_iter=round(budget.t / max(1, learn.iter), 4),
               divergence_error=error, guard_events=guard.events, curve=budget.curve + [last], final=final,
               n_mark=a.n_mark, n_eval=a.n_eval,
               ranges={k: span(h, k) for k in ('e_obs', 'e_syn', 'e_init', 'grad_norm', 'dist')},
               config=vars(learn.cfg), machine=dict(cpu=cpu_model(), threads=torch.get_num_threads(), torch=torch.__version__))
    with open(a.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps({k: row[k] for k in ('method', 'seed', 'iters', 'train_seconds', 'final', 'divergence_error')}))

if __name__ == '__main__': main()
