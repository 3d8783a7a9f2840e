"""The fills without learning (mean colour, harmonic, nearest known pixel) added to the stored comparison of 08_conditional.

The fills need no training and are deterministic, so they are scored on the same 30 CMP Facade test photos (cpu preset:
64x64, a 32x32 centre hole) without retraining the learned methods: reads nbs/results/cond_facade.json and
cond_holes.npz (written by cond_facade.py), checks that the stored mean-colour fill is reproduced to 1e-5 (the same
photos, loaded the same way), and writes both files back with every fill of `vmt_nb.conditional.FILLS` (scores, and
the hole crops of the first test photos for Figure 8). A few seconds:

    OMP_NUM_THREADS=1 VMT_DATA=/work/shared/data python benchmarks/cond_fills.py
"""
import argparse, json
from pathlib import Path
import numpy as np
import torch
from vmt_nb.conditional import COND_PRESETS, cond_data, fill_baselines

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--results', default='nbs/results', help='the folder of cond_facade.json and cond_holes.npz')
    p.add_argument('--root', default=None, help='the data root (default: $VMT_DATA)')
    a = p.parse_args()
    torch.set_num_threads(1)
    res_path, holes_path = Path(a.results, 'cond_facade.json'), Path(a.results, 'cond_holes.npz')
    res, holes = json.loads(res_path.read_text()), dict(np.load(holes_path))
    preset = COND_PRESETS[res['config'].get('preset', 'cpu')]
    te = cond_data('facade', a.root, preset['size'], preset['hole'], 'test')
    if len(te.y) != res['config']['n_test']: raise SystemExit(f"{len(te.y)} test photos, the stored results {res['config']['n_test']}")
    fills, crops = fill_baselines(te, n_fig=len(holes['mean_fill']))
    for k, v in res['mean_fill'].items():
        if abs(fills['mean_fill'][k] - v) > 1e-5: raise SystemExit(f"mean fill {k}: {fills['mean_fill'][k]} here, {v} stored: other photos?")
    if not np.array_equal(crops['mean_fill'], holes['mean_fill']): raise SystemExit("the mean fill's crops differ from the stored ones")
    out = {}
    for k, v in res.items():  # the fills after the stored mean fill, the stored values unchanged
        out[k] = v
        if k == 'mean_fill': out.update({f: fills[f] for f in fills if f != 'mean_fill'})
    res_path.write_text(json.dumps(out, indent=1))
    np.savez_compressed(holes_path, **{**holes, **{f: crops[f] for f in crops if f != 'mean_fill'}})
    print('\n'.join(f"{k}: hole PSNR {v['psnr_hole']:.2f} dB, hole SSIM {v['ssim_hole']:.3f}" for k, v in fills.items()))
