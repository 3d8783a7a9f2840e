"""How far can a learned fill get above the harmonic fill on CMP Facade at the `cpu` preset's size (64 px, a 32 px hole)?
The `cpu` preset's U-Net g(c, 0) trained with L1 on the hole alone (the '(d) L1 U-Net' baseline of `08_conditional`), for
many more iterations than the preset's 400, scored on the test photos every `--every` iterations (a benchmark: nothing
here asserts). The hole PSNR of the fills is stored beside it.

    OMP_NUM_THREADS=1 VMT_DATA=/work/shared/data python benchmarks/cond_l1_long.py --iters 4000 --out benchmarks/results/cond_l1_long.json
    ... --crop 0.67   # each training photo loaded at 1.5x the size; every batch a random square crop of 67-100 % of its side, resized

`--crop` is data augmentation the presets do not have (random zoomed crops, as pix2pix's random jitter): the test photos
stay whole, centre-cropped and resized as always.
"""
import argparse, json, time
import torch
from vmt_nb.photos import facade_files, split_files, load_photo, random_crops
from vmt_nb.conditional import FILLS, random_hflip, compose
from vmt_nb.presets import cond_preset, cond_nets, cond_data
from vmt_nb.metrics import completion_metrics
from _common import cpu_model

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--iters', type=int, default=4000); p.add_argument('--every', type=int, default=500)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--root', default=None); p.add_argument('--out', required=True)
    p.add_argument('--crop', type=float, default=None, help='random crops of this fraction of the side or more, from photos loaded at 1.5x')
    a = p.parse_args()
    torch.set_num_threads(1)
    pre = cond_preset('cpu')
    tr, te = (cond_data('facade', a.root, pre['size'], pre['hole'], s) for s in ('train', 'test'))
    mask = tr.mask
    fills = {k: completion_metrics(f(te.c, te.mask), te.y, te.mask) for k, f in FILLS.items()}
    torch.manual_seed(a.seed); g = torch.Generator().manual_seed(a.seed)
    _, gen, _ = cond_nets('cpu')
    opt = torch.optim.Adam(gen.parameters(), a.lr, betas=(0.5, 0.999))
    curve, t0, bs = [], time.process_time(), pre['cfg']['batch_size']
    def score():
        gen.eval()
        with torch.no_grad(): m = completion_metrics(compose(gen(te.c, torch.zeros(len(te.c), gen.z_dim)), te.c, mask), te.y, mask)
        with torch.no_grad(): mt = completion_metrics(compose(gen(tr.c[:60], torch.zeros(60, gen.z_dim)), tr.c[:60], mask), tr.y[:60], mask)
        gen.train(); return m, mt
    size = pre['size']
    if a.crop:
        big = torch.stack([load_photo(f, size * 3 // 2) for f in split_files(facade_files(a.root), 'train')])
    def batch():
        if a.crop: return random_crops(big, bs, size, a.crop, g)   # the same draws as tr.y's: len(big) == len(tr.y)
        return tr.y[torch.randint(len(tr.y), (bs,), generator=g)]
    for it in range(1, a.iters + 1):
        yb = random_hflip(batch()); c = yb * mask
        loss = ((1 - mask) * (gen(c, torch.zeros(len(c), gen.z_dim)) - yb)).abs().flatten(1).sum(1).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        if it % a.every == 0:
            m, mt = score()
            curve.append(dict(iter=it, cpu_s=time.process_time() - t0, test=m, train=mt))
            print(it, f"{time.process_time() - t0:.0f} s  test hole PSNR {m['psnr_hole']:.2f}  train(60) {mt['psnr_hole']:.2f}  harmonic {fills['harmonic_fill']['psnr_hole']:.2f}", flush=True)
    json.dump(dict(cpu=cpu_model(), args=vars(a), fills=fills, curve=curve, n_train=len(tr.y), n_test=len(te.y)), open(a.out, 'w'), indent=1)
