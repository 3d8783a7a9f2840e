"""Run every notebook as "Open in Colab → Run all" would, on a machine without a GPU.

    python tools/colab_check.py                  # all notebooks, two at a time
    python tools/colab_check.py nbs/02_energy.ipynb nbs/12_mnist.ipynb --jobs 1
    python tools/colab_check.py --base /tmp/colab_base   # keep (and reuse) the "Colab" environment between runs

What it does:
1. builds the wheel of this working tree (tracked and untracked, not ignored files);
2. makes a fresh virtual environment holding only what a Colab runtime has preinstalled and this project uses
   (torch, torchvision, numpy, matplotlib, pillow, ipykernel), without vmt_nb or its other requirements;
3. for each notebook, a fresh environment on top of that one (a `.pth` file; nothing of vmt_nb in it), a fresh HOME,
   and an empty folder holding the notebook alone; its install cell is pointed at the wheel instead of GitHub, and
   pip resolves it from the wheels of vmt_nb's requirements, downloaded once (the pip cache of a Colab session);
4. executes every cell top to bottom, `#| slow` and `#| cuda` ones included (Colab ignores nbdev's flags), with
   `VMT_DATA` pointing at the shared data folder in place of the downloads;
5. fails on any error, and on a page that takes longer than `--limit` seconds (default 300) to run.

Needs `nbclient` (installed with the `dev` extra)."""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GITHUB = 'git+https://github.com/vmt-nb/vmt_nb.git'   # what each install cell installs from
LONGEST = ('05_train', '09b_cli', '05a_distributed', '09a_runs')  # 2-4 minutes each here
COLAB_BASE = ['torch', 'torchvision', 'numpy', 'matplotlib', 'pillow', 'ipykernel']  # preinstalled on Colab

T0 = time.perf_counter()
def log(*a): print(f'[{time.perf_counter() - T0:5.0f} s]', *a, flush=True)

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode: sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout

def build_wheel(work:Path):
    "The wheel of the working tree, built from a copy of its tracked and untracked (not ignored) files."
    src = work/'src'
    files = run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT).split('\0')
    for f in filter(None, files):
        if (ROOT/f).is_file(): (src/f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT/f, src/f)
    run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', str(work/'dist'), str(src)])
    return next((work/'dist').glob('vmt_nb-*.whl'))

def site_packages(env:Path): return next((env/'lib').glob('python3*/site-packages'))

def make_base(base:Path):
    "A virtual environment with Colab's preinstalled packages that the notebooks use (reused if it is there)."
    if (base/'.complete').is_file(): log(f"== reusing the Colab-like environment {base}"); return base
    log(f"== Colab-like environment in {base}: pip install {' '.join(COLAB_BASE)}")
    shutil.rmtree(base, ignore_errors=True)
    run([sys.executable, '-m', 'venv', str(base)])
    run([str(base/'bin'/'python'), '-m', 'pip', 'install', '-q', *COLAB_BASE])
    (base/'.complete').write_text('')
    return base

def wheelhouse(work:Path, wheel:Path, base:Path):
    "The wheels that `pip install vmt_nb[nb]` adds to the Colab-like environment, fetched once for every page's install cell."
    probe, house = work/'probe', work/'wheelhouse'
    kernel_env(probe, base)
    report = probe/'report.json'
    run([str(probe/'env'/'bin'/'python'), '-m', 'pip', 'install', '-q', '--dry-run', '--report', str(report),
         f'vmt_nb[nb] @ {wheel.as_uri()}'])
    reqs = [f"{i['metadata']['name']}=={i['metadata']['version']}" for i in json.loads(report.read_text())['install']
            if i['metadata']['name'].lower().replace('-', '_') != 'vmt_nb']
    run([str(probe/'env'/'bin'/'python'), '-m', 'pip', 'download', '-q', '--no-deps', '-d', str(house), *reqs])
    return house

def kernel_env(folder:Path, base:Path):
    "A fresh environment for one notebook: its own site-packages (where the install cell installs) over the base's."
    env = folder/'env'
    run([sys.executable, '-m', 'venv', '--without-pip', str(env)])
    (site_packages(env)/'_colab_base.pth').write_text(str(site_packages(base)) + '\n')
    spec = folder/'kernels'/'colab'
    spec.mkdir(parents=True)
    (spec/'kernel.json').write_text(json.dumps(dict(argv=[str(env/'bin'/'python'), '-m', 'ipykernel_launcher', '-f',
                                                          '{connection_file}'], display_name='colab', language='python')))
    return env

def point_at_wheel(nb:dict, wheel:Path, name:str):
    "Point the notebook's install cell at the wheel; fail if it has no install cell."
    hits = [c for c in nb['cells'] if c['cell_type'] == 'code' and GITHUB in ''.join(c['source'])]
    if len(hits) != 1: raise ValueError(f"{name}: expected one install cell installing from {GITHUB}, found {len(hits)}")
    c = hits[0]; c['source'] = ''.join(c['source']).replace(GITHUB, wheel.as_uri())

def check_one(nb_path:Path, wheel:Path, base:Path, house:Path, work:Path, data:Path, limit:float, keep:bool=False):
    "Run one notebook alone in a fresh folder and environment: (seconds, error message or None)."
    import nbformat
    from nbclient import NotebookClient
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    name = nb_path.stem
    folder = work/'nbs'/name
    env, run_dir, home = kernel_env(folder, base), folder/'run', folder/'home'
    run_dir.mkdir(); home.mkdir()
    nb = nbformat.read(nb_path, as_version=4)
    try: point_at_wheel(nb, wheel, nb_path.name)
    except ValueError as e: return 0., str(e)
    nbformat.write(nb, run_dir/nb_path.name)
    keep = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'JUPYTER_PATH')}
    kenv = dict(keep, HOME=str(home), VMT_DATA=str(data), OMP_NUM_THREADS='1',
                MPLCONFIGDIR=str(work/'mpl'), PATH=f"{env/'bin'}{os.pathsep}{keep.get('PATH', '')}",
                PIP_NO_INDEX='1', PIP_FIND_LINKS=str(house),  # the install cell resolves from the wheels fetched once
                PIP_NO_COMPILE='0')  # pip reads this as --no-compile: no byte-compiling (12 s a page), modules compile on import
    km = KernelManager(kernel_name='colab', kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder/'kernels')]))
    t0, err = time.perf_counter(), None
    try:
        client = NotebookClient(nb, km=km, timeout=limit, resources={'metadata': {'path': str(run_dir)}}, startup_timeout=120)
        client.execute(env=kenv)   # the kernel's whole environment
    except Exception as e:
        msg = re.sub(r'\x1b\[[0-9;]*m', '', str(e))
        err = 'timed out: a cell ran past the page limit' if 'Timeout' in type(e).__name__ else msg[-2500:]
    finally:
        if km.has_kernel: km.shutdown_kernel(now=True)   # a client given `km` leaves the kernel running
    secs = time.perf_counter() - t0
    nbformat.write(nb, folder/f'{name}.executed.ipynb')
    if not keep: shutil.rmtree(env, ignore_errors=True)   # what the install cell put there, a few hundred MB
    if err is None and secs > limit: err = f"took {secs:.0f} s, over the {limit:.0f} s limit of a page"
    return secs, err

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to check (default: all of nbs/ not starting with _ or .)')
    p.add_argument('--jobs', type=int, default=2, help='notebooks run at once (each with one thread)')
    p.add_argument('--limit', type=float, default=300., help='seconds a page may take')
    p.add_argument('--data', default=None, help='the data folder for VMT_DATA (default: ../shared/data of the checkout, '
                                                'else /work/shared/data)')
    p.add_argument('--base', default=None, help='where to keep the Colab-like environment (reused when present)')
    p.add_argument('--keep', action='store_true', help='keep the work folder (executed notebooks, environments)')
    a = p.parse_args()
    nbs = [Path(n).resolve() for n in a.notebooks] or sorted(n for n in (ROOT/'nbs').glob('*.ipynb') if n.name[0] not in '_.')
    nbs.sort(key=lambda n: n.stem not in LONGEST)   # the longest pages first, so that the two workers end together
    data = Path(a.data) if a.data else next((d for d in (ROOT.parent/'shared'/'data', Path('/work/shared/data')) if d.is_dir()), None)
    if data is None or not data.is_dir(): sys.exit("no data folder: pass --data (a folder holding MNIST/raw, ...)")
    work = Path(tempfile.mkdtemp(prefix='colab_check_'))
    t0 = time.perf_counter()
    try:
        log(f"== wheel of {ROOT}"); wheel = build_wheel(work); log(f"   {wheel.name}")
        base = make_base(Path(a.base) if a.base else work/'base')
        log("== the wheels of vmt_nb's requirements (once for all pages)"); house = wheelhouse(work, wheel, base)
        log(f"== {len(nbs)} notebooks, {a.jobs} at a time, VMT_DATA={data}, limit {a.limit:.0f} s a page")
        (work/'mpl').mkdir()
        def one(nb):
            secs, err = check_one(nb, wheel, base, house, work, data, a.limit, a.keep)
            log(f"{'ok  ' if err is None else 'FAIL'} {nb.name:28s} {secs:6.0f} s" + ('' if err is None else f"\n{err}\n"))
            return nb.name, secs, err
        with ThreadPoolExecutor(a.jobs) as ex: res = list(ex.map(one, nbs))
    finally:
        if a.keep: log(f"work folder kept: {work}")
        else: shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in res if r[2] is not None]
    log(f"== Colab check: {len(res) - len(failed)} of {len(res)} notebooks ran top to bottom within {a.limit:.0f} s each "
        f"(slowest: {', '.join(f'{n} {s:.0f} s' for n, s, _ in sorted(res, key=lambda r: -r[1])[:3])}); "
        f"whole check {time.perf_counter() - t0:.0f} s")
    if failed: sys.exit(f"Colab check failed on: {', '.join(n for n, _, _ in failed)}")

if __name__ == '__main__': main()
