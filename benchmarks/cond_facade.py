"""Conditional VMT on CMP Facade, cpu preset (64x64, 32x32 hole): the comparison of 08_conditional.

Trains, per seed and for the same number of iterations (batch 16): conditional VMT with the L1 anchor (ours), the
paper's conditional VMT without it, a conditional VAE on the data alone, and a U-Net trained with L1 alone; scores
g(c, 0), g(c, 0) + noise-free Langevin and the mean-colour fill on the 30 test photos. Writes
nbs/results/cond_facade.json (metrics) and nbs/results/cond_holes.npz (uint8 hole crops of the first test photos,
for the notebook's figures). Run single-threaded:

    OMP_NUM_THREADS=1 VMT_DATA=/work/shared/data python benchmarks/cond_facade.py --seeds 0 1 2 --iters 400
"""
import argparse, json, time
from pathlib import Path
import numpy as np
import torch
from vmt_nb.conditional import *
from vmt_nb.core import from_pm1

from vmt_nb.complete_cli import COND_PRESETS

NETS, VMT = COND_PRESETS['cpu']['nets'], COND_PRESETS['cpu']['cfg']  # the cpu preset of vmt_nb_train_cond (08a)
L1_WEIGHT, N_FIG, N_Z = 1.0, 4, 6

def nets(seed):
    torch.manual_seed(seed)
    return CondEnergy(64, **NETS['energy']), CondUNet(64, **NETS['gen']), CondEncoder(64, **NETS['enc'])

def g0(gen, c, mask):
    with torch.no_grad(): return compose(gen(c, torch.zeros(len(c), gen.z_dim)), c, mask)

def fit_plain(gen, enc, y, mask, iters, loss, seed, lr=VMT['lr_vae'], bs=VMT['batch_size']):
    "The baselines: a cVAE on the data (loss='cvae') or the U-Net g(c, 0) with L1 on the hole (loss='l1'), same batches and flips."
    torch.manual_seed(seed); g = torch.Generator().manual_seed(seed)
    params = list(gen.parameters()) + (list(enc.parameters()) if loss == 'cvae' else [])
    opt = torch.optim.Adam(params, lr, betas=(0.5, 0.999))
    for _ in range(iters):
        yb = random_hflip(y[torch.randint(len(y), (bs,), generator=g)]); c = yb * mask
        if loss == 'cvae': out = cond_vae_loss(gen, enc, yb, c, mask, VMT['beta'])['loss']
        else: out = ((1 - mask) * (gen(c, torch.zeros(len(c), gen.z_dim)) - yb)).abs().flatten(1).sum(1).mean()
        opt.zero_grad(); out.backward(); opt.step()
    return gen

def u8(x, box): r0, r1, c0, c1 = box; return (from_pm1(x[:N_FIG, :, r0:r1, c0:c1]).clamp(0, 1) * 255).round().byte().numpy()

def main(seeds, iters, out_dir):
    tr, te = (facade_pairs(None, **FACADE_PRESETS['cpu'], split=s) for s in ('train', 'test'))
    mask, box = tr.mask, hole_box(tr.mask)
    score = lambda yp: completion_metrics(yp, te.y, mask)
    mean_fill = compose(te.c.sum((2, 3), keepdim=True) / mask.sum() + 0 * te.y, te.c, mask)
    res = dict(config=dict(nets=NETS, vmt=VMT, l1_weight=L1_WEIGHT, iters=iters, flip=True, up='resize',
                           n_train=len(tr.y), n_test=len(te.y), threads=torch.get_num_threads()),
               mean_fill=score(mean_fill), runs=[])
    holes = dict(mean_fill=u8(mean_fill, box))
    for seed in seeds:
        for name, l1 in (('vmt_l1', L1_WEIGHT), ('vmt', 0.)):
            t0 = time.perf_counter()
            try:
                run = fit_cond(*nets(seed), tr.y, mask, n_iters=iters, l1=l1, flip=True, device='cpu', seed=seed, **VMT)
                err = None
            except Exception as e: run, err = None, f"{type(e).__name__}: {e}"
            row = dict(method=name, seed=seed, minutes=(time.perf_counter() - t0) / 60, error=err)
            if run is not None:
                p0, pl = predict(run, te.c, n_steps=0), predict(run, te.c)
                row.update(g0=score(p0), langevin=score(pl), last={k: run.history[-1][k] for k in ('ebm_loss', 'recon', 'kl', 'dist')})
                if seed == seeds[0]:
                    torch.manual_seed(123)
                    comps = complete(run, te.c[:N_FIG], N_Z)
                    holes.update({f'{name}_g0': u8(p0, box), f'{name}_langevin': u8(pl, box),
                                  f'{name}_z': np.stack([u8(comps[:, j], box) for j in range(N_Z)], 1)})
            res['runs'].append(row); print(json.dumps(row), flush=True)
        for name in ('cvae', 'l1'):
            t0 = time.perf_counter()
            _, gen, enc = nets(seed)
            fit_plain(gen, enc, tr.y, mask, iters, name, seed)
            p0 = g0(gen, te.c, mask)
            row = dict(method=name, seed=seed, minutes=(time.perf_counter() - t0) / 60, g0=score(p0))
            if seed == seeds[0]: holes[f'{name}_g0'] = u8(p0, box)
            res['runs'].append(row); print(json.dumps(row), flush=True)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        Path(out_dir, 'cond_facade.json').write_text(json.dumps(res, indent=1))
        np.savez_compressed(Path(out_dir, 'cond_holes.npz'), **holes)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    p.add_argument('--iters', type=int, default=400)
    p.add_argument('--out', default='nbs/results')
    a = p.parse_args()
    torch.set_num_threads(1)
    main(a.seeds, a.iters, a.out)
