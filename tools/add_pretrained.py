"""Turn a run folder of `vmt_nb_train` (or of `vmt_nb_train_cond`) into pretrained weights that `vmt_nb.pretrained.from_pretrained(NAME)` (`vmt_nb.conditional.cond_from_pretrained(NAME)`, `vmt_nb_complete NAME`) loads.

    python tools/add_pretrained.py runs/mnist_cpu mnist_cpu --about "vmt_nb_train --data mnist --preset mnist_cpu, seed 0"

Writes pretrained/NAME.pt (weights only; float16 where rounding to it changes nothing measurable, see
`vmt_nb.pretrained.fp16_change`), checks that the file loads and samples like the run, and adds or replaces NAME in
vmt_nb/pretrained.json with the file's SHA-256 digest, size and URL (by default the file's address in this repository
on GitHub; --url for one hosted elsewhere, e.g. a release asset). Commit both files (`git add -f pretrained/NAME.pt`
is not needed: .gitignore lets pretrained/*.pt through)."""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 25   # all registered weights together, as committed to the repository

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('run', help='an output folder of vmt_nb_train or vmt_nb_train_cond (checkpoint.pt and metrics.json)')
    p.add_argument('name', help="the name to load it by, e.g. 'mnist_cpu'")
    p.add_argument('--about', required=True, help='one line saying what the run is (command, seed, length)')
    p.add_argument('--dtype', default='auto', choices=('auto', 'float16', 'float32'), help="weights' dtype in the file")
    p.add_argument('--with_enc', action='store_true', help='keep the encoder too (by default only the energy and the generator, which sampling uses)')
    p.add_argument('--url', default=None, help='where the file will be downloaded from; default: its path in this repository on GitHub')
    p.add_argument('--registry', default=str(ROOT/'vmt_nb'/'pretrained.json'), help='the registry file to update')
    p.add_argument('--dest', default=str(ROOT/'pretrained'), help='the folder for the weights file')
    a = p.parse_args()
    import torch
    from vmt_nb.runs import load_run
    from vmt_nb.conditional import load_cond, predict
    from vmt_nb.stored import REPO_RAW
    from vmt_nb.pretrained import save_weights, load_weights, FP16_TOLERANCE, REGISTRY_FIELDS, SAMPLING_NETS
    run = Path(a.run)
    if not (run/'metrics.json').is_file(): sys.exit(f"add_pretrained: error: {run} holds no metrics.json: is it a finished run of vmt_nb_train or vmt_nb_train_cond?")
    meta = json.loads((run/'metrics.json').read_text())
    cond = 'hole' in meta  # a completion run of vmt_nb_train_cond
    try: learn = load_cond(run/'checkpoint.pt', 'cpu') if cond else load_run(run, 'cpu')[0]
    except (ValueError, OSError) as e: sys.exit(f"add_pretrained: error: {e}")
    path = Path(a.dest)/f'{a.name}.pt'
    info = save_weights(learn, path, meta, a.dtype, nets=('energy', 'gen', 'enc') if a.with_enc else SAMPLING_NETS)
    if cond:  # the prediction g(c, 0) on random conditions
        back, c = load_cond(path, 'cpu'), torch.rand(8, *learn.event_shape, generator=torch.Generator().manual_seed(0)) * 2 - 1
        x, y = predict(learn, c * learn.step.mask), predict(back, c * learn.step.mask)
    else:
        back, _ = load_weights(path, 'cpu')
        torch.manual_seed(0); x = learn.sample(256).x_init
        torch.manual_seed(0); y = back.sample(256).x_init
    if (x - y).abs().max() > FP16_TOLERANCE['x']: sys.exit(f"add_pretrained: error: {path} does not sample like the run")
    try: rel = path.resolve().relative_to(ROOT).as_posix()
    except ValueError: rel = f'pretrained/{a.name}.pt'
    entry = dict(url=a.url or REPO_RAW + rel, sha256=info['sha256'], bytes=info['bytes'], dtype=info['dtype'],
                 data=meta.get('data'), preset=meta.get('preset'), about=a.about, file=rel, iters=meta.get('iters'),
                 kind='cond' if cond else meta.get('method', 'vmt'))
    assert all(k in entry for k in REGISTRY_FIELDS)
    reg_path = Path(a.registry)
    reg = json.loads(reg_path.read_text()) if reg_path.is_file() else {}
    reg[a.name] = entry
    reg_path.write_text(json.dumps(dict(sorted(reg.items())), indent=1) + '\n')
    total = sum(e['bytes'] for e in reg.values()) / 2**20
    print(f"wrote {path} ({info['bytes'] / 2**20:.2f} MiB, {info['dtype']}; float16 change "
          f"{', '.join(f'{k} {v:.1e}' for k, v in info['fp16_change'].items()) or 'not measured for a completion model'}) and the entry {a.name!r} in {reg_path}")
    if total > LIMIT_MB: print(f"warning: the registered weights add up to {total:.1f} MiB, over {LIMIT_MB} MiB")

if __name__ == '__main__': main()
