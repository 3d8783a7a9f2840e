"""How near the modes the README job's samples can get (a benchmark, not a test: nothing here asserts).

Loads a trained 2D model (the shipped `ring8` weights by default: the README's `vmt_nb_train --data ring8 --preset toy`,
seed 0) and compares, for its density: the mass that the exact density and the learned π_α put within 3 widths of a
mode (π_α normalised on a 256² grid), and the fraction of x̂ and of x̃ within 3 widths, x̃ from chains of the training's
length and longer. If x̃ approaches π_α's mass as the chains grow, the chains are too short to converge from x̂; if π_α
itself holds less mass near the modes, the energy is not sharp enough.

    python benchmarks/toy_chain_length.py --out benchmarks/results/toy_chain_length.json
"""
import argparse, json, os
import torch
from vmt_nb.pretrained import from_pretrained
from vmt_nb.data import toy_density, mode_distance, nearness
from vmt_nb.metrics2d import energy_log_prob_grid, grid2d
from _common import cpu_model

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--name', default='ring8', help='a registered 2D model of `vmt_nb.pretrained`')
    p.add_argument('--steps', type=int, nargs='+', default=[20, 50, 100, 300]); p.add_argument('--n', type=int, default=2000)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--out', default=None)
    a = p.parse_args()
    torch.set_num_threads(1)
    learn, _ = from_pretrained(a.name, device="cpu")   # the learner and its registry entry
    dist = toy_density(a.name)
    pts, area = grid2d(dist.lim, 256)
    d, _ = mode_distance(dist, pts)
    near = d < 3
    mass = lambda lp: float((lp.exp() * area)[near].sum())
    res = dict(name=a.name, cpu=cpu_model(), training_steps=learn.cfg.n_steps, delta=learn.cfg.delta,
               mass_near_data=mass(dist.log_prob(pts.double())), mass_near_ebm=mass(energy_log_prob_grid(learn.model.energy, pts, area)),
               chains=[])
    for k in a.steps:
        torch.manual_seed(a.seed)
        s = learn.sample(a.n, n_steps=k)
        res['chains'].append(dict(n_steps=k, near_init=nearness(dist, s.x_init)['near'], near_syn=nearness(dist, s.x_syn)['near']))
    print(f"{a.name}: mass within 3 widths of a mode: data {res['mass_near_data']:.3f}, π_α {res['mass_near_ebm']:.3f}")
    for c in res['chains']: print(f"  {c['n_steps']:4d} Langevin steps: x̂ {c['near_init']:.3f}, x̃ {c['near_syn']:.3f} within 3 widths")
    if a.out: json.dump(res, open(a.out, 'w'), indent=1); print(f"wrote {a.out}")

if __name__ == '__main__': main()
