"""Write README.md from nbs/index.ipynb without Quarto (which `nbdev_readme` needs).

    python tools/make_readme.py            # write README.md and README_files/
    python tools/make_readme.py --check    # exit 1 if README.md or its figures are out of date
    python tools/make_readme.py --command setup|main|test   # print the README's command under that heading

Standard library only, so CI can call it before anything is installed."""
import argparse, base64, json, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB, README, FIGS = ROOT/'nbs'/'index.ipynb', ROOT/'README.md', 'README_files'
# The fenced block that follows each of these headings is the command CI runs.
COMMANDS = {'setup': 'Install', 'main': 'Run the main job', 'test': 'Run the tests'}

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _directives(src): return [l for l in src.splitlines() if l.startswith('#|')]

def _code(src): return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()

SITE = 'https://vmt-nb.github.io/vmt_nb/'

def _markdown(src):
    "A markdown cell as GitHub shows it: Quarto's {mermaid} blocks as mermaid blocks, links to pages to the site."
    src = src.replace('```{mermaid}', '```mermaid')
    return re.sub(r'\]\(([0-9a-z_]+)\.ipynb\)', lambda m: f']({SITE}{m[1]}.html)', src)

def _outputs(cell, i, figdir):
    "Markdown for a code cell's outputs; figures are written to `figdir`."
    parts = []
    for j, out in enumerate(cell.get('outputs', [])):
        data = out.get('data', {})
        if out['output_type'] == 'stream': parts.append('```\n' + ''.join(out['text']).rstrip() + '\n```')
        elif 'image/png' in data:
            name = f'cell-{i}-output-{j}.png'
            (figdir/name).write_bytes(base64.b64decode(''.join(data['image/png'])))
            parts.append(f'![]({FIGS}/{name})')
        elif 'text/markdown' in data: parts.append(''.join(data['text/markdown']))
        elif 'text/plain' in data: parts.append('```\n' + ''.join(data['text/plain']).rstrip() + '\n```')
    return parts

def render(out_dir:Path):
    "Write README.md and its figures into `out_dir`."
    figdir = out_dir/FIGS
    figdir.mkdir(parents=True, exist_ok=True)
    for f in figdir.glob('*.png'): f.unlink()
    parts = []
    for i, cell in enumerate(json.loads(NB.read_text())['cells']):
        src = _src(cell)
        if cell['cell_type'] == 'markdown': parts.append(_markdown(src).strip()); continue
        if cell['cell_type'] != 'code': continue
        d = ' '.join(_directives(src))
        if 'hide' in d or 'default_exp' in d: continue
        if 'echo: false' not in d and _code(src): parts.append('```python\n' + _code(src) + '\n```')
        parts += _outputs(cell, i, figdir)
    text = '<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file -->\n\n'
    text += '\n\n'.join(p for p in parts if p) + '\n'
    (out_dir/'README.md').write_text(text)

def check():
    "True if the committed README and figures equal a fresh rendering."
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); render(d)
        same = (d/'README.md').read_text() == (README.read_text() if README.exists() else None)
        new = {f.name: f.read_bytes() for f in (d/FIGS).glob('*.png')}
        old = {f.name: f.read_bytes() for f in (ROOT/FIGS).glob('*.png')} if (ROOT/FIGS).exists() else {}
        return same and new == old

def command(which):
    "The command in the fenced block under the README heading for `which`."
    text = README.read_text()
    m = re.search(r'^#+ ' + re.escape(COMMANDS[which]) + r'\b.*?\n```[a-z]*\n(.*?)\n```', text, re.M | re.S)
    if not m: sys.exit(f"README.md has no fenced command under a heading '{COMMANDS[which]}'")
    return m.group(1).strip()

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='exit 1 if README.md is out of date')
    p.add_argument('--command', choices=sorted(COMMANDS), help="print the README's command of this kind")
    a = p.parse_args()
    if a.command: print(command(a.command))
    elif a.check:
        if not check(): sys.exit('README.md is out of sync with nbs/index.ipynb: run `python tools/make_readme.py`')
        print('README.md is in sync with nbs/index.ipynb')
    else: render(ROOT); print(f'wrote {README.name} and {FIGS}/')
