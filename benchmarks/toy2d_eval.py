"""The 2D family study of `10_toy2d` from the command line (a benchmark, not a test: nothing here asserts).

Runs `vmt_nb.study2d.run_family` for one method on the tuning family (`toy_family()`) or the held-out one
(`heldout_family()`), for the given seeds and CPU budget, with `VMTConfig` overrides, appending each run to a JSON file
that the notebook reads (runs already there are skipped). One thread per run: start several processes for several cores.

    python benchmarks/toy2d_eval.py --family heldout --seeds 10 11 12 --method vmt --out nbs/results/toy2d_heldout.json
    python benchmarks/toy2d_eval.py --family tuning --seeds 0 --members ring8 mix0 --set ebm_reg=0.2 --label old --out ...
"""
import argparse
from vmt_nb.data import toy_family
from vmt_nb.study2d import run_family, heldout_family
from _common import value, overrides

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--family', choices=('tuning', 'heldout'), default='heldout')
    p.add_argument('--members', nargs='*', default=None, help='only these members (default: all)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--method', default='vmt'); p.add_argument('--budget', type=float, default=60.)
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='VMTConfig overrides')
    p.add_argument('--standardize', type=value, default=None, help='True/False: networks in the data units (default: the preset)')
    p.add_argument('--label', default=None); p.add_argument('--view_seed', type=int, default=None)
    p.add_argument('--out', required=True)
    a = p.parse_args()
    fam = toy_family() if a.family == 'tuning' else heldout_family()
    if a.members: fam = {k: fam[k] for k in a.members}
    kw = overrides(a.set)
    run_family(fam, a.seeds, a.budget, a.out, method=a.method, label=a.label, standardize=a.standardize,
               view_seed=a.seeds[0] if a.view_seed is None else a.view_seed, **kw)
