"""Do two checkouts of vmt_nb train the same runs, bit for bit? Seeded short runs of every method, one image run and
the conditional model, trained by each checkout, every tensor of their checkpoints compared; and each checkout's
checkpoints loaded and resumed by the other.

    python tools/compare_checkpoints.py --old /tmp/old --new .       # two checkouts (e.g. `git archive <commit>` unpacked)

For each checkout it runs, in a fresh process with that checkout first on PYTHONPATH:
* `fit` on ring8 (the `toy` preset's networks, small batches) for each method: vmt, short_run, coop, vae;
* `vmt_nb_train`'s function on ring8 (a run folder: checkpoint.pt, metrics.json);
* the `mnist_cpu` networks on 256 MNIST images ($VMT_DATA, default /work/shared/data) for 3 iterations;
* `fit_cond` with the `tiny` preset on twelve seeded random photos, with the L1 anchor and flips, and with `PAPER_COND`;
  and `vmt_nb_train_cond`'s function on the same photos;
* the old checkout's runs resumed to twice their length, and its run folders sampled (`load_run`, `load_cond`), by
  each checkout (that the old code also reads the new checkpoints is reported, not required).
Every tensor (weights, optimiser states, random states) must be equal; every other value is compared too and reported
(a network class recorded under its old module, `vmt_nb.core.MOVED_NETS`, counts as the same class).
Exit code 0 when everything is equal. About a minute on one CPU thread.
"""
import argparse, json, os, subprocess, sys, tempfile
from pathlib import Path

# --- the runs, executed inside one checkout (`python compare_checkpoints.py _train OUT` with PYTHONPATH set) ---

SMALL = dict(batch_size=32, n_chains=32, n_steps=3)  # the toy runs' batches and chains
ITERS = 4

def _api():
    "The functions used below, from this checkout's modules (their place changed in the redesign of issue 22)."
    import vmt_nb.train as T, vmt_nb.conditional as C
    try: import vmt_nb.presets as P, vmt_nb.runs as R
    except ImportError: import vmt_nb.cli as P, vmt_nb.complete_cli as R; R.train, R.load_run = P.train, P.load_run  # before
    return dict(fit=T.fit, VMTConfig=T.VMTConfig, Learner=T.Learner, build=P.build, cond_nets=C.cond_nets, fit_cond=C.fit_cond,
                COND_PRESETS=C.COND_PRESETS, PAPER_COND=C.PAPER_COND, folder_pairs=C.folder_pairs, load_cond=C.load_cond,
                complete=C.complete, predict=C.predict, train=R.train, train_cond=R.train_cond, load_run=R.load_run)

def _photos(folder):
    "Twelve seeded random 40x36 photos."
    import numpy as np
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(12): Image.fromarray(rng.integers(0, 256, (36, 40, 3), dtype=np.uint8)).save(folder/f'photo_{i:02d}.png')
    return folder

def _runs(a, out, resume_from=None):
    "Train every run into `out` (resuming the checkpoints of `resume_from` to twice the length, if given)."
    import torch
    from vmt_nb.core import set_seed
    root = os.environ.get('VMT_DATA', '/work/shared/data')
    n = ITERS * (2 if resume_from else 1)
    res = lambda name: dict(resume=Path(resume_from)/name) if resume_from else {}
    for method in ('vmt', 'short_run', 'coop', 'vae'):
        set_seed(0); nets, dist, cfg, _ = a['build']('ring8', 'toy')
        a['fit'](**nets, data=dist, n_iters=n, cfg=a['VMTConfig'](**{**cfg, **SMALL}), method=method, ckpt=out/f'toy_{method}.pt',
                 ckpt_every=2, device='cpu', **res(f'toy_{method}.pt'))
    if resume_from: _copy(Path(resume_from)/'run_toy', out/'run_toy')
    a['train']('ring8', 'toy', out/'run_toy', iters=n, resume=bool(resume_from), progress=False, device='cpu', options=SMALL)
    set_seed(0); nets, x, cfg, _ = a['build']('mnist', 'mnist_cpu', root)
    a['fit'](**nets, data=x[:256], n_iters=3 * n // ITERS, cfg=a['VMTConfig'](**{**cfg, **SMALL}), ckpt=out/'mnist.pt', device='cpu',
             **res('mnist.pt'))
    photos = _photos(out/'photos')
    tr = a['folder_pairs'](photos, 32, 16)
    tiny = a['COND_PRESETS']['tiny']
    for name, kw in (('cond_l1', dict(tiny['cfg'], l1=1.0, flip=True)), ('cond_paper', {**tiny['cfg'], **a['PAPER_COND']})):
        set_seed(0)
        a['fit_cond'](*a['cond_nets']('tiny'), tr.y, tr.mask, n_iters=n, ckpt=out/f'{name}.pt', ckpt_every=2, device='cpu', seed=0,
                      **kw, **res(f'{name}.pt'))
    if resume_from: _copy(Path(resume_from)/'run_cond', out/'run_cond')
    a['train_cond']('folder', photos, 'tiny', out/'run_cond', iters=n, resume=bool(resume_from), flip=True, device='cpu', progress=False)

def _copy(src, dst):
    "Copy the run folder `src` to `dst`, to be resumed there."
    import shutil
    shutil.copytree(src, dst)

def _samples(a, runs, out):
    "Samples drawn from the run folders in `runs` by this checkout, saved to `out`."
    import torch
    learn, _ = a['load_run'](Path(runs)/'run_toy', 'cpu')
    torch.manual_seed(1); s = learn.sample(64, n_steps=5)
    cond = a['load_cond'](Path(runs)/'run_cond'/'checkpoint.pt', 'cpu')
    c = a['folder_pairs'](Path(runs)/'photos', 32, 16, split='test').c
    torch.manual_seed(1)
    torch.save(dict(x_init=s.x_init, x_syn=s.x_syn, predict=a['predict'](cond, c, n_steps=None), complete=a['complete'](cond, c, 3)), out)

def _inside(argv):
    "The part that runs inside one checkout."
    import torch, vmt_nb
    torch.set_num_threads(1)
    print(Path(vmt_nb.__file__).parent, flush=True)  # which checkout this process runs
    a, out = _api(), Path(argv[1]); out.mkdir(parents=True, exist_ok=True)
    if argv[0] == '_train': _runs(a, out)
    elif argv[0] == '_resume': _runs(a, out, resume_from=argv[2])
    elif argv[0] == '_sample': _samples(a, argv[2], out/'samples.pt')
    elif argv[0] == '_moved':  # the network classes this checkout has moved: old name -> current
        import vmt_nb.core
        (out/'moved.json').write_text(json.dumps(getattr(vmt_nb.core, 'MOVED_NETS', {})))

# --- the comparison ---

def _leaves(x, path=''):
    "(path, value) of every leaf of nested dicts, lists and tuples."
    if isinstance(x, dict):
        for k, v in x.items(): yield from _leaves(v, f'{path}/{k}')
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x): yield from _leaves(v, f'{path}[{i}]')
    else: yield path, x

def compare(a, b, ignore=(), moved=None):
    "The differences between two loaded checkpoints: (number of tensors compared, list of differing paths); a network class named by its old and its current name (`moved`) counts as the same."
    import torch
    moved = moved or {}
    la, lb = dict(_leaves(a)), dict(_leaves(b))
    diff = sorted(set(la) ^ set(lb))
    n = 0
    for k in sorted(set(la) & set(lb)):
        if any(k.startswith(i) for i in ignore): continue
        x, y = la[k], lb[k]
        if isinstance(x, torch.Tensor) or isinstance(y, torch.Tensor):
            n += 1
            same = isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and x.dtype == y.dtype and x.shape == y.shape \
                   and torch.equal(x, y)
        elif k.endswith('/cls') and isinstance(x, str) and isinstance(y, str): same = moved.get(x, x) == moved.get(y, y)
        else: same = x == y or (x != x and y != y)  # NaN equals NaN here
        if not same: diff.append(k)
    return n, diff

def _run(checkout, *argv, may_fail=False):
    "Run `argv` of this script in a fresh process with `checkout` first on PYTHONPATH; where its vmt_nb comes from (None: it failed, `may_fail`)."
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(checkout).resolve()), os.environ.get('PYTHONPATH', '')]),
               OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, __file__, *argv], env=env, capture_output=True, text=True)
    if r.returncode and may_fail:
        print(f"(not required) {argv[0]} in {checkout} failed: {r.stderr.strip().splitlines()[-1]}"); return None
    if r.returncode: sys.exit(f"{' '.join(argv[:1])} in {checkout} failed:\n{r.stderr[-4000:]}")
    return r.stdout.splitlines()[0]

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--old', required=True, help='the checkout before'); p.add_argument('--new', default='.', help='the checkout after')
    p.add_argument('--keep', default=None, help='keep the checkpoints in this folder')
    args = p.parse_args()
    import torch
    d = Path(args.keep or tempfile.mkdtemp(prefix='compare_ck_'))
    if any(d.iterdir() if d.is_dir() else ()): sys.exit(f"--keep {d} is not empty: give a new or empty folder")
    for who in ('old', 'new'):
        print(f"{who}: vmt_nb from {_run(getattr(args, who), '_train', str(d/who))}", flush=True)
    for who, other in (('old', 'old'), ('new', 'old'), ('old', 'new')):  # resume a checkpoint's run, sample a run folder
        required = (who, other) != ('old', 'new')  # that old code reads new checkpoints is not required, only reported
        for what in ('_resume', '_sample'): _run(getattr(args, who), what, str(d/f'{who}{what}s_{other}'), str(d/other), may_fail=not required)
    _run(args.new, '_moved', str(d))
    moved = json.loads((d/'moved.json').read_text())
    names = [f.name for f in sorted((d/'old').glob('*.pt'))] + [f'{r}/checkpoint.pt' for r in ('run_toy', 'run_cond')]
    pairs = [(f'old/{f}', f'new/{f}') for f in names]                           # trained by each
    pairs += [(f'new_resumes_old/{f}', f'old_resumes_old/{f}') for f in names]  # an old checkpoint continued by each
    optional = [(f'old_resumes_new/{f}', f'old_resumes_old/{f}') for f in names]  # a new checkpoint continued by the old code
    pairs += [('new_samples_old/samples.pt', 'old_samples_old/samples.pt')]  # an old run folder sampled by each
    optional += [('old_samples_new/samples.pt', 'old_samples_old/samples.pt')]
    ok, total = True, 0
    for x, y in pairs + optional:
        required = (x, y) in pairs
        if not ((d/x).exists() and (d/y).exists()):
            if required: print(f'MISSING: {x} or {y}'); ok = False
            else: print(f'(not required) missing: {x} or {y}')
            continue
        n, diff = compare(torch.load(d/x, weights_only=True), torch.load(d/y, weights_only=True), moved=moved)
        total += n
        print(f"{'equal' if not diff else 'DIFFERENT' if required else '(not required) different'}: {x} ~ {y} ({n} tensors)" + (f": {diff[:8]}" if diff else ''))
        ok &= not diff or not required
    for r in ('run_toy', 'run_cond'):
        mo, mn = (json.loads((d/w/r/'metrics.json').read_text()) for w in ('old', 'new'))
        _, diff = compare(mo, mn, ignore=('/seconds', '/root'))  # root: each checkout's own copy of the photos
        print(f"metrics.json of {r}: " + ('equal but for the time taken' if not diff else f"differs at {diff[:8]}"))
    print(f"{'ALL EQUAL' if ok else 'NOT EQUAL'}: {total} tensors compared; checkpoints in {d}")
    sys.exit(0 if ok else 1)

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1].startswith('_'): _inside(sys.argv[1:])
    else: main()
