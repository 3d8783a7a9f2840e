"""Does the Langevin descent of the prediction help? Trains ours (conditional VMT with the L1 anchor, the settings of
the comparison of 08_conditional, seed 0) and scores on the 30 test photos g(c, 0) after k noise-free steps of step size delta.

    OMP_NUM_THREADS=1 VMT_DATA=/work/shared/data python benchmarks/cond_langevin_sweep.py

Writes benchmarks/results/cond_langevin_sweep.json.
"""
import json
from pathlib import Path
import torch
from vmt_nb.conditional import *
from vmt_nb.io import write_json

P = COND_PRESETS['cpu']  # the comparison's networks and options

if __name__ == '__main__':
    torch.set_num_threads(1)
    tr, te = (facade_pairs(None, **FACADE_PRESETS['cpu'], split=s) for s in ('train', 'test'))
    torch.manual_seed(0)
    run = fit_cond(*cond_nets('cpu'), tr.y, tr.mask, n_iters=400, l1=P['l1'], flip=True, device='cpu', seed=0, **P['cfg'])
    y0 = predict(run, te.c, n_steps=0)
    step, out = CondVMTStep(tr.mask), []
    for delta in (0.25, 0.5, 1.0):
        for k in (0, 1, 2, 5, 10, 15):
            yk = step.revise(run, y0, te.c, k, trace=False, noise=False, delta=delta)
            out.append(dict(delta=delta, n_steps=k, dist=float((yk - y0).flatten(1).norm(dim=1).mean()), **completion_metrics(yk, te.y, tr.mask)))
            print(json.dumps(out[-1]), flush=True)
    write_json(out, Path('benchmarks/results/cond_langevin_sweep.json'))
