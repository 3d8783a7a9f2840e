"""Time to quality on MNIST: the training seconds each method needs before its samples reach a classifier FD of 100, 50
and 30 (a benchmark, not a test: nothing here asserts). It reads the curves that `compare.py` stores (each run scores
`--n_mark` samples every `--every` minutes of training CPU time on one thread) and takes, per method, seed and kind of
sample, the first mark at or below each level: an upper bound, within one marking interval of the true time.

    python benchmarks/time_to_quality.py benchmarks/results/compare_mnist.jsonl --out benchmarks/results/time_to_quality.json
"""
import argparse, json, statistics
from pathlib import Path

LEVELS = (100, 50, 30)
SAMPLES = dict(x_syn='x̃', x_init='x̂')

def first_at(curve, kind, level):
    "Seconds of training at the first mark whose FD of `kind` is at or below `level`, or None."
    return next((c['t'] for c in curve if kind in c and c[kind]['fd'] <= level), None)

def table(rows):
    "One row per method and kind of sample: the seeds' times to each level (None: not within the run)."
    out = {}
    for r in rows:
        for kind in SAMPLES:
            if not any(kind in c for c in r['curve']): continue
            t = out.setdefault((r['method'], kind), dict(method=r['method'], samples=kind, seeds=[], minutes=r['minutes'],
                                                         every=None, **{str(l): [] for l in LEVELS}))
            t['seeds'].append(r['seed'])
            marks = [c['t'] for c in r['curve']]
            t['every'] = round(min(b - a for a, b in zip(marks, marks[1:]))) if len(marks) > 1 else None
            for l in LEVELS: t[str(l)].append(first_at(r['curve'], kind, l))
    return list(out.values())

def cell(ts, budget):
    "The seeds' times as 'median (min-max) s', or '> budget' for the seeds that never got there."
    got = [t for t in ts if t is not None]
    if not got: return f"> {budget:.0f} s (0/{len(ts)})"
    s = f"{statistics.median(got):.0f} s" if len(got) == 1 else f"{statistics.median(got):.0f} s ({min(got):.0f}-{max(got):.0f})"
    return s if len(got) == len(ts) else f"{s}, {len(got)}/{len(ts)} seeds"

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('results', nargs='+', help="compare.py's JSON-lines files")
    p.add_argument('--out', default=None, help='write the table as JSON here')
    a = p.parse_args()
    rows = [json.loads(l) for f in a.results for l in Path(f).read_text().splitlines() if l.strip()]
    tab = table(rows)
    print('| method | samples | seeds | ' + ' | '.join(f'FD ≤ {l}' for l in LEVELS) + ' |')
    print('|---|---|---|' + '---|' * len(LEVELS))
    for t in tab:
        budget = t['minutes'] * 60
        print(f"| {t['method']} | {SAMPLES[t['samples']]} | {len(t['seeds'])} | " + ' | '.join(cell(t[str(l)], budget) for l in LEVELS) + ' |')
    every = sorted({t['every'] for t in tab if t['every']})
    print(f"\nMarks every {', '.join(map(str, every))} s of training: each time is the first mark at or below the level.")
    if a.out: Path(a.out).write_text(json.dumps(dict(sources=a.results, levels=LEVELS, rows=tab), indent=1)); print(f"wrote {a.out}")

if __name__ == '__main__': main()
