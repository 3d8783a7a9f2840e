"""Conditional VMT on CMP Facade, cpu preset (64x64, 32x32 hole): the comparison of 08_conditional, from the command line.

Runs `vmt_nb.conditional.compare_completion`: per seed and for the same number of iterations (batch 16), conditional
VMT with the L1 anchor (ours), conditional VMT without it (the presets' chain, so not the paper's algorithm), a
conditional VAE on the data alone and a U-Net trained with L1 alone; scores g(c, 0), g(c, 0) + noise-free Langevin and
the fills without learning (mean colour, harmonic, nearest known pixel) on the 30 test photos.
Writes nbs/results/cond_facade.json (metrics) and nbs/results/cond_holes.npz (uint8 hole crops of the first test
photos, for the notebook's figures). Run single-threaded:

    OMP_NUM_THREADS=1 VMT_DATA=/work/shared/data python benchmarks/cond_facade.py --seeds 0 1 2 --iters 400
"""
import argparse
import torch
from vmt_nb.conditional import compare_completion

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    p.add_argument('--iters', type=int, default=400)
    p.add_argument('--out', default='nbs/results')
    a = p.parse_args()
    torch.set_num_threads(1)
    compare_completion(a.seeds, a.iters, out=a.out)
