"""Does every module of vmt_nb import only modules of lower floors? The floors, bottom up:

| floor | modules | what they are |
|---|---|---|
| 0 | core | devices, seeding, checks, network specs |
| 1 | io, distributed, stored | files, processes, stored results |
| 2 | data | densities and image data sets |
| 3 | photos, energy, langevin, vae, batches, checkpoint, callbacks | the parts of the method and of a run |
| 4 | train, metrics2d, metrics | the learner; measurements |
| 5 | presets, pretrained | named configurations; named weights |
| 6 | conditional, study2d | the conditional model, built on all the above |
| 7 | plots, sweep | figures; grids of runs |
| 8 | runs | run folders |
| 9 | cli | console scripts |

    python tools/check_layers.py          # the import graph, floor by floor; exit 1 for an arrow to the same or a higher floor

It reads the import lines of vmt_nb/*.py (`from .x import`, `from vmt_nb.x import`, `import vmt_nb.x`, inside functions
too) as text; a module that is not in the table is an error too, and so is a table that differs from `FLOORS`.
`import vmt_nb` (the package itself, for its path) and `core.build_net`'s import of a registered network's module by
name are not arrows between modules.
"""
import re, sys
from pathlib import Path

FLOORS = [['core'], ['io', 'distributed', 'stored'], ['data'],
          ['photos', 'energy', 'langevin', 'vae', 'batches', 'checkpoint', 'callbacks'],
          ['train', 'metrics2d', 'metrics'], ['presets', 'pretrained'], ['conditional', 'study2d'], ['plots', 'sweep'], ['runs'], ['cli']]
FLOOR = {m: i for i, ms in enumerate(FLOORS) for m in ms}
IMPORT = re.compile(r'^\s*(?:from\s+(?:\.|vmt_nb\.)(\w+)\s+import|import\s+vmt_nb\.(\w+))', re.M)

def imports(path):
    "The modules of the package that the module at `path` imports."
    return sorted({a or b for a, b in IMPORT.findall(path.read_text())})

def doc_floors(doc=__doc__):
    "The floors as the table of this file's docstring lists them."
    return [[m.strip() for m in ms.split(',')] for ms in re.findall(r'^\| \d+ \| ([^|]+) \|', doc, re.M)]

def main(pkg=Path(__file__).resolve().parent.parent/'vmt_nb'):
    mods = sorted(p.stem for p in pkg.glob('*.py') if not p.stem.startswith('_'))
    bad = [f"{m} is on no floor" for m in mods if m not in FLOOR]
    if doc_floors() != FLOORS: bad.append("the table of floors at the top of tools/check_layers.py differs from FLOORS: update it")
    for i, ms in enumerate(FLOORS):
        for m in ms:
            if m not in mods: bad.append(f"{m} is on floor {i} but not in the package"); continue
            deps = imports(pkg/f'{m}.py')
            up = [d for d in deps if FLOOR.get(d, 99) >= i]
            bad += [f"{m} (floor {i}) imports {d} (floor {FLOOR.get(d, '?')})" for d in up]
            arrows = ', '.join(f"{d} ({FLOOR.get(d, '?')})" for d in deps) or '-'
            print(f"{i} {m:12s} <- {arrows}")
    print('\n'.join(bad) if bad else f"no arrow to the same or a higher floor ({len(mods)} modules)")
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()
