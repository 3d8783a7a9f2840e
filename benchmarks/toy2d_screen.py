"""The screen behind the `toy` preset (`10_toy2d`): one 2D run per call, with options the package does not have as well
as `VMTConfig` fields (a benchmark, not a test: nothing here asserts). Appends one JSON row to `--out`.

Options beyond `VMTConfig` (each tried in the screen and not kept):
  sn=1            spectral normalisation of every linear layer of the energy (torch.nn.utils.parametrizations.spectral_norm)
  anneal=[d0,k0]  step-size annealing within the chain: k0 steps of size d0, then the rest at `delta`
  persist=[f,B,r] a fraction f of the chains from a persistent buffer of B chains (uniform noise at first; a chain taken
                  from it restarts from noise with probability r), written back after the revision (Du & Mordatch 2019)
  gate=q          with `restart`: a restarted chain also teaches the VAE when its x̃'s energy is at most the q-quantile of
                  the energies of the x̃ from proposals
  boxclamp=1      clamp the Langevin samples to the density's box [-lim, lim]² (VMTConfig.clamp_to_init)
  affine=1|2      generator and encoder in the data's units (1: with the generator's skip connection, 2: without);
                  in the package as `vmt_nb.presets.toy_nets(data=...)`

    python benchmarks/toy2d_screen.py mix0 0 60 tag=Y ebm_reg=0.1 beta=4.0 vae_steps=4 lr_ebm=5e-3 --out benchmarks/results/toy2d_screen.jsonl
"""
import argparse, json, torch
from vmt_nb.data import toy_family, toy_density
from vmt_nb.train import VMTStep
from vmt_nb.callbacks import Callback
from vmt_nb.langevin import langevin
import vmt_nb.study2d as study2d
from vmt_nb.study2d import heldout_family
from _common import overrides

class AnnealStep(VMTStep):
    "Algorithm 1 with a chain of k0 steps of size d0, then the rest at the configured δ."
    def __init__(self, anneal): self.anneal = anneal
    def revise(self, learn, x_init, n_steps=None, trace=True):
        d0, k0 = self.anneal
        kw, k = learn.sampler_kwargs(), learn.cfg.n_steps if n_steps is None else n_steps
        x1 = langevin(learn.model.energy, x_init, k0, **{**kw, 'delta': d0})
        return langevin(learn.model.energy, x1, k - k0, trace=trace, **kw)

class PersistStep(VMTStep):
    "Algorithm 1 with a fraction of the chains taken from a persistent buffer and written back after their revision."
    def __init__(self, persist): (self.frac, self.size, self.reset), self.buf = persist, None
    def start(self, learn, n):
        m = int(self.frac * n)
        if self.buf is None: self.buf = self.uniform(learn, int(self.size))
        self.idx = torch.randint(len(self.buf), (m,), device=learn.device)
        x = self.buf[self.idx].clone()
        fresh = torch.rand(m, device=learn.device) < self.reset
        x[fresh] = self.uniform(learn, int(fresh.sum()))
        return torch.cat([self.propose(learn, n - m), x])
    def __call__(self, learn, x_obs):
        out = super().__call__(learn, x_obs)
        if len(self.idx) and torch.isfinite(learn.x_syn).all(): self.buf[self.idx] = learn.x_syn[-len(self.idx):].detach()
        return out

class GateStep(VMTStep):
    "`restart`, with the restarted chains whose x̃ is as low in energy as the proposals' (quantile q) teaching the VAE too."
    def __init__(self, q): self.q = q
    def __call__(self, learn, x_obs):
        with torch.no_grad(): learn.x_init = self.start(learn, learn.chains)
        learn.x_syn, tr = self.revise(learn, learn.x_init)
        learn.callback('after_langevin')
        if (bad := self.diverged(learn)): return bad
        k = self.n_proposed(learn, len(learn.x_syn))
        with torch.no_grad(): e = learn.model.energy(learn.x_syn)
        keep = torch.cat([torch.ones(k, dtype=torch.bool), e[k:] <= torch.quantile(e[:k], self.q)])
        stats = self.ebm_update(learn, x_obs, learn.x_syn)
        stats.update(self.vae_update(learn, learn.x_syn[keep]))
        return {**stats, 'gated': (~keep).float().sum() / max(len(e) - k, 1), **self.langevin_stats(learn.x_init, learn.x_syn, tr)}

class Screen(Callback):
    "Swap in the annealed step and/or spectrally normalise the energy before training."
    order = -100
    def __init__(self, sn, anneal, persist=None, gate=None): self.sn, self.anneal, self.persist, self.gate = sn, anneal, persist, gate
    def before_fit(self):
        if self.anneal: self.learn.step = AnnealStep(self.anneal)
        if self.persist: self.learn.step = PersistStep(self.persist)
        if self.gate is not None: self.learn.step = GateStep(self.gate)
        if self.sn:
            for m in self.learn.model.energy.modules():
                if isinstance(m, torch.nn.Linear): torch.nn.utils.parametrizations.spectral_norm(m)
            self.learn.opt, self.learn.sched = self.learn._optimisers()

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('member'); p.add_argument('seed', type=int); p.add_argument('budget', type=float)
    p.add_argument('options', nargs='*', metavar='KEY=VALUE'); p.add_argument('--out', required=True)
    a = p.parse_args()
    kw = overrides(a.options)
    tag, sn, anneal, affine = kw.pop('tag', ''), kw.pop('sn', 0), kw.pop('anneal', None), kw.pop('affine', 0)
    persist, gate = kw.pop('persist', None), kw.pop('gate', None)
    method = kw.pop('method', 'vmt')
    fam = {**toy_family(), **heldout_family()}; dist = fam[a.member] if a.member in fam else toy_density(a.member)
    boxclamp = kw.pop('boxclamp', 0)
    if boxclamp: kw['clamp_to_init'] = True   # run_member starts uniform chains on the box: init_scale = dist.lim
    if affine == 2:  # standardised networks without the skip connection
        nets = study2d.toy_nets
        def no_skip(h, z, data=None):
            n = nets(h, z, data)
            if data is not None: n['gen'].skip = False
            return n
        study2d.toy_nets = no_skip
    cbs = [Screen(sn, anneal, persist, gate)] if (sn or anneal or persist or gate is not None) else []
    r, learn, s = study2d.run_member(dist, a.seed, a.budget, method, every=a.budget / 3, cbs=cbs, standardize=bool(affine), **kw)
    h = learn.history
    last = {k: sum(x[k] for x in h[-50:] if k in x) / 50 for k in ('e_obs', 'e_syn', 'recon', 'kl', 'dist', 'grad_norm', 'gated') if k in h[-1]}
    row = dict(tag=tag, member=a.member, seed=a.seed, budget=a.budget, method=method, options=kw, sn=sn, anneal=anneal, persist=persist, gate=gate, affine=affine,
               iters=r['iters'], kl_ebm=r.get('kl_ebm'), flat=r['flat'], kl_gen=r.get('kl_gen'), hat=r.get('hat'), syn=r.get('syn'),
               restores=r['restores'], error=r['error'], curve=[c.get('kl_ebm') for c in r['curve']], last=last)
    with open(a.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print(json.dumps({k: row[k] for k in ('tag', 'member', 'seed', 'iters', 'kl_ebm', 'kl_gen', 'hat', 'syn')}))
