"""Sweep engines: the file-lock loop of `vmt_nb.sweep` against Optuna's grid search (a benchmark, not a test: nothing here asserts).

Two worker processes share one grid of runs, through `vmt_nb.sweep.sweep` (a plain loop over the grid: one JSON-lines table,
a `flock` per cell) or through Optuna (`GridSampler` on an RDB storage, SQLite, with or without heartbeats, or on a
journal file). The runs are naps (`nap`: sleep, then log the call), so that only the engine's cost is measured. Four
scenarios, each on a fresh table or study:

1. overhead: 40 cells of 0 s, two workers at once: engine seconds per run, and runs made more than once;
2. parallel: 8 cells of 0.5 s, two workers at once: wall-clock time, and runs made more than once;
3. resume: the same grid once more, after it is complete: the runs a second call makes (none is right);
4. killed worker: 8 cells of 1 s, two workers, one SIGKILLed in its second run; then one more call: is the killed run
   made again, is every cell complete exactly once, and what does the storage keep of the dead run?

Optuna is not a dependency of vmt_nb: run this in a separate environment that has it,

    python -m venv /tmp/optuna-venv --system-site-packages && /tmp/optuna-venv/bin/pip install optuna
    PYTHONPATH=. /tmp/optuna-venv/bin/python benchmarks/sweep_engines.py --out benchmarks/results/sweep_engines.json

(with `--system-site-packages` the new environment sees the packages of the Python it was made from; it needs torch and
vmt_nb's requirements too, for `import vmt_nb.sweep`).
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import cpu_model

ENGINES = ('loop', 'optuna-sqlite', 'optuna-sqlite-heartbeat', 'optuna-journal')
GRID40, GRID8 = dict(a=list(range(10)), b=[0, 1]), dict(a=list(range(4)), b=[0, 1])

def nap(seed:int, a:int, b:int, seconds:float=0., calls=None):
    "The run of a cell: log the call to `calls` (a line per call), sleep `seconds`, return a number."
    if calls:
        with open(calls, 'a') as f: f.write(json.dumps(dict(a=a, b=b, seed=seed, pid=os.getpid(), t=time.time())) + '\n')
    time.sleep(seconds)
    return dict(v=10 * a + b + seed / 10)

def _storage(engine, where):
    "The Optuna storage of `engine` in the folder `where`."
    import optuna
    from optuna.storages import RDBStorage, JournalStorage, RetryHeartbeatStaleTrialCallback
    if engine == 'optuna-journal':
        from optuna.storages.journal import JournalFileBackend
        return JournalStorage(JournalFileBackend(str(where/'journal.log')))
    url = f"sqlite:///{where/'study.db'}"
    if engine == 'optuna-sqlite': return RDBStorage(url)
    return RDBStorage(url, heartbeat_interval=1, grace_period=3, heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=3))

def worker(engine, where, grid, seeds, seconds):
    "One worker: run the grid through `engine`; print its import and engine seconds."
    t0 = time.perf_counter()
    calls = str(where/'calls.jsonl')
    if engine == 'loop':
        from vmt_nb.sweep import sweep
        t1 = time.perf_counter()
        sweep(nap, grid, seeds, where/'table.jsonl', log=None, seconds=seconds, calls=calls)
    else:
        import warnings, optuna
        import vmt_nb.sweep   # what a real runner imports, so that the import times compare
        warnings.simplefilter('ignore')   # heartbeats are 'experimental'
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        t1 = time.perf_counter()
        space = dict(grid, seed=list(seeds))
        study = optuna.create_study(study_name='sweep', storage=_storage(engine, where), sampler=optuna.samplers.GridSampler(space, seed=0),
                                    load_if_exists=True)
        def objective(trial):
            p = {k: trial.suggest_categorical(k, v) for k, v in space.items()}
            r = nap(**p, seconds=seconds, calls=calls)
            trial.set_user_attr('result', r)
            return r['v']
        study.optimize(objective)   # GridSampler stops the study once every point is finished
    print(json.dumps(dict(import_s=t1 - t0, engine_s=time.perf_counter() - t1)), flush=True)

def _start(engine, where, grid, seeds, seconds):
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from sweep_engines import worker; from pathlib import Path; " \
           f"worker({engine!r}, Path({str(where)!r}), {grid!r}, {seeds!r}, {seconds!r})"
    return subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))

def _prepare(engine, where):
    "Create the study (and the database's tables) before the workers start, as one does before starting workers on a shared study."
    if engine == 'loop': return
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.create_study(study_name='sweep', storage=_storage(engine, where))

def _calls(where):
    p = where/'calls.jsonl'
    return [json.loads(l) for l in p.read_text().splitlines()] if p.exists() else []

def _state(engine, where, grid, seeds):
    "Per cell of the grid: how many finished results the table or the study holds; the runs left 'running' by the storage."
    cells = [(a, b, s) for a in grid['a'] for b in grid['b'] for s in seeds]
    if engine == 'loop':
        from vmt_nb.sweep import read_rows
        rows = read_rows(where/'table.jsonl')
        got = [(r['cell']['a'], r['cell']['b'], r['cell']['seed']) for r in rows]
        running = 0
    else:
        import optuna
        trials = optuna.load_study(study_name='sweep', storage=_storage(engine, where)).get_trials(deepcopy=False)
        got = [(t.params['a'], t.params['b'], t.params['seed']) for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
        running = sum(t.state == optuna.trial.TrialState.RUNNING for t in trials)
    per = [got.count(c) for c in cells]
    return dict(cells=len(cells), complete=sum(n > 0 for n in per), duplicated=sum(n > 1 for n in per), stuck_running=running)

def _finish(ps, timeout=120):
    out = []
    for p in ps:
        try: o, e = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired: p.kill(); o, e = p.communicate(); e += '\n(timed out)'
        out.append(json.loads(o.strip().splitlines()[-1]) if p.returncode == 0 and o.strip() else dict(rc=p.returncode, stderr=e[-500:]))
    return out

def parallel(engine, grid, seeds, seconds, n=2):
    "n workers at once on a fresh table or study: wall-clock time, the workers' seconds, the runs made, the state."
    where = Path(tempfile.mkdtemp(prefix=f'sweep_{engine}_'))
    _prepare(engine, where)
    t = time.perf_counter()
    ws = _finish([_start(engine, where, grid, seeds, seconds) for _ in range(n)])
    wall = time.perf_counter() - t
    calls = _calls(where)
    return where, dict(wall_s=wall, workers=ws, runs=len(calls), **_state(engine, where, grid, seeds))

def overhead(engine):
    where, r = parallel(engine, GRID40, (0, 1), 0.)
    ok = [w for w in r['workers'] if 'engine_s' in w]
    r['engine_ms_per_run'] = 1000 * sum(w['engine_s'] for w in ok) / max(1, r['runs'])
    return r

def resume(engine, where, grid, seeds, seconds):
    "One more worker on a complete grid: the runs it makes and its time."
    before = len(_calls(where))
    t = time.perf_counter(); w = _finish([_start(engine, where, grid, seeds, seconds)])[0]
    return dict(runs=len(_calls(where)) - before, wall_s=time.perf_counter() - t, worker=w, **_state(engine, where, grid, seeds))

def killed(engine, seconds=1.):
    "Two workers; SIGKILL the first in its second run; then one more call."
    where = Path(tempfile.mkdtemp(prefix=f'kill_{engine}_'))
    _prepare(engine, where)
    ps = [_start(engine, where, GRID8, (0,), seconds) for _ in range(2)]
    t0, victim = time.time(), None
    while victim is None and time.time() - t0 < 60:
        mine = [c for c in _calls(where) if c['pid'] == ps[0].pid]
        if len(mine) >= 2: victim = mine[-1]
        time.sleep(0.05)
    time.sleep(0.3)
    ps[0].send_signal(signal.SIGKILL); ps[0].wait()
    survivor = _finish([ps[1]], timeout=60)[0]
    after_survivor = dict(runs=len(_calls(where)), **_state(engine, where, GRID8, (0,)))
    victim_redone_by_survivor = any(c['pid'] == ps[1].pid and (c['a'], c['b']) == (victim['a'], victim['b']) for c in _calls(where)) if victim else None
    nxt = resume(engine, where, GRID8, (0,), seconds)
    return dict(killed_in_cell=victim and [victim['a'], victim['b']], survivor=survivor, after_survivor=after_survivor,
                killed_run_redone_by_survivor=victim_redone_by_survivor, next_call=nxt)

def footprint():
    "The distributions this environment adds to the one it was made from (the venv's own site-packages), with their size on disk in MB."
    import importlib.metadata as md
    out = {}
    for d in md.distributions():
        if not str(d.locate_file('')).startswith(sys.prefix) or d.metadata['Name'] in ('pip', 'setuptools'): continue
        size = sum(p.stat().st_size for p in (Path(d.locate_file(f)) for f in d.files or []) if p.is_file())
        out[d.metadata['Name']] = dict(version=d.version, mb=round(size / 2**20, 1))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--engines', nargs='+', default=list(ENGINES), choices=ENGINES)
    p.add_argument('--out', default='benchmarks/results/sweep_engines.json')
    a = p.parse_args()
    out = dict(machine=dict(cpu=cpu_model(), load_before=os.getloadavg()[0]), versions={}, engines={})
    try:
        import optuna, sqlalchemy
        out['versions'] = dict(optuna=optuna.__version__, sqlalchemy=sqlalchemy.__version__)
    except ImportError: pass
    out['added_by_pip_install_optuna'] = footprint()
    for e in a.engines:
        print(f"== {e}", flush=True)
        r = dict(overhead=overhead(e))
        where, r['parallel'] = parallel(e, GRID8, (0,), 0.5)
        r['resume'] = resume(e, where, GRID8, (0,), 0.5)
        r['killed'] = killed(e)
        out['engines'][e] = r
        print(json.dumps(r), flush=True)
    out['machine']['load_after'] = os.getloadavg()[0]
    Path(a.out).write_text(json.dumps(out, indent=1) + '\n')
    print(markdown(out))

def markdown(out):
    "The table of benchmarks/README.md."
    lines = ['| engine | engine ms per run (40 runs of 0 s, 2 workers) | runs made twice, 2 workers | 8 × 0.5 s on 2 workers, wall s | runs made by a second call on a complete grid | killed worker: its run redone, grid complete once each after the next call | runs left "running" in the storage |',
             '|---|---|---|---|---|---|---|']
    for e, r in out['engines'].items():
        k = r['killed']; n = k['next_call']
        lines.append(f"| {e} | {r['overhead']['engine_ms_per_run']:.0f} | {r['overhead']['runs'] - 40} of 40; {r['parallel']['runs'] - 8} of 8 | "
                     f"{r['parallel']['wall_s']:.1f} | {r['resume']['runs']} | {'yes' if k['killed_run_redone_by_survivor'] else 'no'} (by the other worker); "
                     f"{n['complete']} of {n['cells']} complete, {n['duplicated']} twice | {n['stuck_running']} |")
    return '\n'.join(lines)

if __name__ == '__main__': main()
