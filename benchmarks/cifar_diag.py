"""Why the CIFAR-10 CPU preset collapses: the first iterations of a run, logged (a diagnostic, not a test: nothing asserts).

Trains `vmt_nb.presets.build('cifar10', --preset)` with `VMTConfig` overrides for a few hundred iterations and prints, every
`--every` iterations, the energies, ‖x̃ − x̂‖, the per-batch diversity of x̂ and x̃ (`vmt_nb.train.spread`; training
images: about 38), the KL term and the share of x̃ pixels at the clamp. Two knobs that are not part of VMT test where the
collapse comes from:

* `--n_out K`: an energy with K summed outputs (the MNIST energy has 100; the authors' CIFAR one has 1);
* `--vae_warmup N`: for the first N iterations the VAE learns from the data instead of x̃ (the EBM learns as usual), so
  that the VAE is diverse when it starts to learn from x̃.

    python benchmarks/cifar_diag.py --iters 60 --set beta=0.3
    python benchmarks/cifar_diag.py --iters 300 --vae_warmup 100 --set delta=0.5
"""
import argparse, os, time
import torch
from vmt_nb.presets import build
from vmt_nb.energy import EnergyConv
from vmt_nb.train import fit, VMTConfig, Callback, VMTStep
from _common import cpu_model, overrides

class WarmupStep(VMTStep):
    "Algorithm 1, except that the VAE learns from the data during the first `warmup` iterations."
    def __init__(self, warmup): self.warmup = warmup
    def __call__(self, learn, x_obs):
        self.x_obs = x_obs
        return super().__call__(learn, x_obs)
    def vae_update(self, learn, x): return super().vae_update(learn, self.x_obs if learn.iter < self.warmup else x)

class LogCB(Callback):
    "Print the first iterations' statistics every `every` iterations."
    def __init__(self, every): self.every = every
    def after_langevin(self): self.clamped = (self.learn.x_syn.abs() > 0.999).float().mean().item()
    def after_step(self):
        l, h = self.learn, self.learn.history[-1]
        if l.iter % self.every: return
        keys = ('e_obs', 'e_syn', 'dist', 'div_init', 'div_syn', 'kl', 'grad_norm')
        print(l.iter, f'clamped {self.clamped:.2f}', ' '.join(f'{k} {float(h[k]):.2f}' for k in keys if k in h), flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--preset', default='cifar10_cpu'); p.add_argument('--iters', type=int, default=200)
    p.add_argument('--every', type=int, default=25); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--n_out', type=int, default=None, help="energy with this many summed outputs (default: the preset's)")
    p.add_argument('--vae_warmup', type=int, default=0, help='iterations in which the VAE learns from the data')
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='VMTConfig overrides')
    p.add_argument('--threads', type=int, default=1); p.add_argument('--root', default=os.environ.get('VMT_DATA'))
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    print('cpu:', cpu_model())
    nets, x, cfg, _ = build('cifar10', a.preset, a.root)
    # the energy is always rebuilt here (same width, K = 1 unless --n_out), so every run shares the other random draws
    nets['energy'] = EnergyConv((3, 32, 32), a.n_out or 1, nets['energy'].width, 'cifar', 0.005)
    cfg.update(overrides(a.set), seed=a.seed)
    t = time.perf_counter()
    learn = fit(**nets, data=x, n_iters=a.iters, cfg=VMTConfig(**cfg), cbs=[LogCB(a.every)], device='cpu',
                step=WarmupStep(a.vae_warmup) if a.vae_warmup else None)
    print(f'{learn.iter} iterations in {time.perf_counter() - t:.0f} s')

if __name__ == '__main__': main()
