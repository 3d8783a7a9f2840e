"""Ours (conditional VMT with the L1 anchor, the `cpu` preset) trained with the random zoomed crops of `cond_l1_long.py
--crop` (a benchmark, not a test: nothing here asserts). A callback that runs before `CondCB` replaces each training
batch by `random_crops` of the same photos loaded at 1.5× the size (64–96 px of 96, resized to 64), drawn from its own
seeded generator so that the stored numbers reproduce (`fit_cond(crop=...)` draws them from torch's global generator). Scores g(c, 0) on the 30 whole test photos every `--every` iterations.

    OMP_NUM_THREADS=1 VMT_DATA=... python benchmarks/cond_crop_vmt.py --iters 800 --seed 0 --crop 0.67 --out benchmarks/results/cond_l1_aug/vmt_crop067_s0.json
"""
import argparse, json, time
import torch
from vmt_nb.callbacks import Callback
from vmt_nb.conditional import FILLS, fit_cond, predict
from vmt_nb.photos import facade_files, split_files, load_photo, random_crops
from vmt_nb.presets import cond_preset, cond_nets, cond_data
from vmt_nb.metrics import completion_metrics
from _common import cpu_model

class CropCB(Callback):
    "Each training batch replaced by random square crops (a fraction `crop` of the side or more) of the photos `big`, resized to `size`."
    order = -200   # before CondCB's flip
    def __init__(self, big, size, crop, seed): self.big, self.size, self.crop, self.g = big, size, crop, torch.Generator().manual_seed(seed)
    def before_step(self):
        y = random_crops(self.big, len(self.learn.x_obs), self.size, self.crop, self.g)
        self.learn.x_obs = y.to(self.learn.x_obs).contiguous(memory_format=self.learn.fmt)

class ScoreCB(Callback):
    "g(c, 0) on the test photos every `every` iterations."
    def __init__(self, te, every): self.te, self.every, self.curve, self.t0 = te, every, [], time.process_time()
    def after_step(self):
        if self.learn.iter % self.every: return
        m = completion_metrics(predict(self.learn, self.te.c), self.te.y, self.te.mask)
        self.curve.append(dict(iter=self.learn.iter, cpu_s=time.process_time() - self.t0, test=m))
        print(self.learn.iter, f"{self.curve[-1]['cpu_s']:.0f} s  test hole PSNR {m['psnr_hole']:.2f}", flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--iters', type=int, default=800); p.add_argument('--every', type=int, default=200)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--crop', type=float, default=None)
    p.add_argument('--root', default=None); p.add_argument('--out', required=True)
    a = p.parse_args()
    torch.set_num_threads(1)
    pre = cond_preset('cpu')
    tr, te = (cond_data('facade', a.root, pre['size'], pre['hole'], s) for s in ('train', 'test'))
    fills = {k: completion_metrics(f(te.c, te.mask), te.y, te.mask) for k, f in FILLS.items()}
    score = ScoreCB(te, a.every); cbs = [score]
    if a.crop:
        big = torch.stack([load_photo(f, pre['size'] * 3 // 2) for f in split_files(facade_files(a.root), 'train')])
        cbs.append(CropCB(big, pre['size'], a.crop, a.seed))
    torch.manual_seed(a.seed)
    fit_cond(*cond_nets('cpu'), tr.y, tr.mask, n_iters=a.iters, l1=pre['l1'], flip=True, device='cpu', seed=a.seed, cbs=cbs, **pre['cfg'])
    json.dump(dict(cpu=cpu_model(), args=vars(a), fills=fills, curve=score.curve, n_train=len(tr.y), n_test=len(te.y)), open(a.out, 'w'), indent=1)
