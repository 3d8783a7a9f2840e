"""The README's first job, as a user runs it: `vmt_nb_train --data ring8 --preset toy`, timed, per seed.

    cd benchmarks && python readme_job.py --seeds 0 1 2 --out results/readme_job.jsonl [--threads 1]

Runs the console script in a fresh process per seed (the user's default thread count unless --threads), into a
temporary folder, and appends one row per seed: wall-clock seconds of the whole command, the training seconds it
reports, the run's final exact scores from its metrics.json (KL(p_data‖π_α), KL(p_data‖p_θ), the fractions of x̂ and
x̃ within 3 widths of a mode, the fraction of modes covered) and the CPU model. Run it on a quiet machine: it measures
time. The goals it is read against (issue 19): at most 60 s; x̃ ≥ 90 % near a mode with 8/8 modes; x̂ ≥ 70 %."""
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path
from _common import cpu_model

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--seeds', nargs='+', type=int, default=[0])
    p.add_argument('--threads', type=int, default=None, help="OMP_NUM_THREADS for the command; default: the user's default")
    p.add_argument('--out', default='results/readme_job.jsonl')
    p.add_argument('--tag', default='', help='a label for the rows (e.g. the change being measured)')
    p.add_argument('--extra', default='', help='more options of vmt_nb_train, as one string: --extra="--compile True"')
    a = p.parse_args()
    env = dict(os.environ, **({'OMP_NUM_THREADS': str(a.threads)} if a.threads else {}))
    exe = Path(sys.executable).with_name('vmt_nb_train')
    for seed in a.seeds:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            r = subprocess.run([str(exe) if exe.exists() else 'vmt_nb_train', '--data', 'ring8', '--preset', 'toy', '--out', f'{d}/ring8',
                                '--seed', str(seed), '--quiet', *shlex.split(a.extra)], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if r.returncode: sys.exit(f"readme_job: seed {seed} failed:\n{r.stderr[-2000:]}")
            m = json.loads(Path(d, 'ring8', 'metrics.json').read_text())
        row = dict(tag=a.tag, extra=a.extra, seed=seed, wall=wall, seconds=m['seconds'], iters=m['iters'], final=m['final'], cpu=cpu_model(),
                   threads=m.get('machine', {}).get('threads'), finished=time.strftime('%Y-%m-%dT%H:%M:%S'))
        f = m['final']
        print(f"seed {seed}: {wall:.0f} s ({m['seconds']:.0f} s training, {m['iters']} its, {row['threads']} threads); KL(π) "
              f"{f['kl_data_ebm']:.2f}, KL(p_θ) {f['kl_data_gen']:.2f}, near x̂ {f['near_mode_init']:.0%} x̃ {f['near_mode_syn']:.0%}, "
              f"modes x̂ {f['modes_init']:.0%} x̃ {f['modes_syn']:.0%}")
        with open(a.out, 'a') as fh: fh.write(json.dumps(row) + '\n')

if __name__ == '__main__': main()
