"""Render the processed notebooks (`nbdev_proc_nbs`'s `_proc/`) to HTML with nbconvert, and fail on any stored error.

Quarto cannot run here, so this is the part of the docs build we can check: every page renders, and no output
stored in a page (the notebooks' own or one the docs build produced) holds an error or a traceback.

    nbdev_proc_nbs && python tools/render_site.py            # pages in _proc/_html/
"""
import argparse, json, sys
from pathlib import Path
from nbconvert import HTMLExporter
import nbformat

def problems(nb):
    "Cells whose outputs hold an error or a traceback: [(cell index, description)]."
    out = []
    for i, c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            t = o.get('output_type')
            if t == 'error': out.append((i, f"{o.get('ename')}: {o.get('evalue')}"[:200]))
            elif t == 'stream' and 'Traceback (most recent call last)' in o.get('text', ''): out.append((i, 'traceback printed'))
            elif t in ('display_data', 'execute_result') and 'Traceback (most recent call last)' in str(o.get('data', {}).get('text/plain', '')):
                out.append((i, 'traceback displayed'))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--proc', default='_proc', help="nbdev_proc_nbs's output folder")
    p.add_argument('--out', default=None, help='where the HTML goes (default: PROC/_html)')
    a = p.parse_args()
    proc = Path(a.proc); out = Path(a.out or proc/'_html'); out.mkdir(parents=True, exist_ok=True)
    nbs = sorted(f for f in proc.rglob('*.ipynb') if not any(s.startswith(('_', '.')) for s in f.relative_to(proc).parts))
    if not nbs: sys.exit(f"no processed notebooks in {proc}: run nbdev_proc_nbs first")
    exporter, bad = HTMLExporter(), {}
    for f in nbs:
        nb = nbformat.read(f, as_version=4)
        if (pr := problems(nb)): bad[f.name] = pr
        html, _ = exporter.from_notebook_node(nb)
        (out/f.with_suffix('.html').name).write_text(html)
    print(f"rendered {len(nbs)} pages into {out}")
    for name, pr in bad.items():
        for i, d in pr: print(f"  {name}, cell {i}: {d}")
    if bad: sys.exit(f"{len(bad)} page(s) hold stored errors")

if __name__ == '__main__': main()
