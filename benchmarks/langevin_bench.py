"""Langevin inner-loop and training-iteration benchmark for vmt_nb.

    python benchmarks/langevin_bench.py                   # the full run (about 5 minutes on 2 CPU cores)
    python benchmarks/langevin_bench.py --quick           # a smoke run
    python benchmarks/langevin_bench.py --device cuda     # on a GPU

Measures, in one run: the machine's fp32 matmul FLOP/s; the Langevin loop's image-steps/s and FLOP/s for the authors'
MNIST energy network (and a half-width variant) at batch 100, `vmt_nb.langevin.langevin` next to a plain reference loop;
the same in bf16 and fp16 (autocast of the energy, chain in fp32; ours and the plain loop, both memory formats); seconds per
training iteration of the `mnist_cpu` preset in each precision; the cost of one training iteration of Algorithm 1 as
the number of Langevin steps K grows; and peak memory against K.
FLOPs per image per Langevin step are counted as 2F, F = the forward FLOPs (`conv_flops`): the backward pass computes
gradients with respect to the input only (the issue's convention; the true backward cost of a conv layer is about F).
"""
import argparse, json, os, resource, statistics, subprocess, sys, time
from pathlib import Path
import torch
from vmt_nb.energy import EnergyConvMNIST, conv_flops
from vmt_nb.langevin import langevin
from vmt_nb.vae import GenConvMNIST, EncConvMNIST
from vmt_nb.train import Learner, VMTConfig
from _common import cpu_model

DELTA = 0.01  # step size of the timed chains (the value does not change the cost)

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def timed(f, device):
    "Seconds one call of `f` takes."
    sync(device); t = time.perf_counter(); f(); sync(device)
    return time.perf_counter() - t

def matmul_flops(device, n=2048, reps=10):
    "Best fp32 matmul FLOP/s of n×n by n×n."
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    for _ in range(3): a @ b
    return 2 * n**3 / min(timed(lambda: a @ b, device) for _ in range(reps))

def reference_loop(energy, x, n_steps, delta):
    "The plain loop: autograd.grad of the summed energy, update, detach (parameters frozen by the caller)."
    for _ in range(n_steps):
        x = x.detach().requires_grad_()
        g, = torch.autograd.grad(energy(x).sum(), x)
        x = (x - 0.5 * delta**2 * g + delta * torch.randn_like(x)).detach()
    return x

def interleaved(variants:dict, reps:int, device):
    "Each variant run once (warm-up), then `reps` rounds running every variant in turn: the list of times of each."
    for f in variants.values(): f()
    times = {k: [] for k in variants}
    for _ in range(reps):
        for k, f in variants.items(): times[k].append(timed(f, device))
    return times

def compile_warmup(label:str, f, device):
    "Run `f` once (its first call compiles) and print how long it took."
    t0 = time.perf_counter(); f(); sync(device)
    print(f"  compile=True warm-up ({label}): {time.perf_counter() - t0:.1f} s")

def loop_rows(widths, batch, n_steps, reps, device, compile_too=False):
    "Image-steps/s of our sampler and the reference loop, interleaved so that machine drift hits both alike."
    rows = []
    for w in widths:
        torch.manual_seed(0)
        nchw = EnergyConvMNIST(width=w).to(device).requires_grad_(False)
        cl = EnergyConvMNIST(width=w).to(device, memory_format=torch.channels_last).requires_grad_(False)
        x = torch.rand(batch, 1, 28, 28, device=device) * 2 - 1
        xc = x.contiguous(memory_format=torch.channels_last)
        variants = {'reference loop, NCHW (plain PyTorch)': lambda: reference_loop(nchw, x, n_steps, 0.01),
                    'vmt_nb.langevin, NCHW': lambda: langevin(nchw, x, n_steps, 0.01),
                    'reference loop, channels-last': lambda: reference_loop(cl, xc, n_steps, 0.01),
                    'vmt_nb.langevin, channels-last (fit default)': lambda: langevin(cl, xc, n_steps, 0.01)}
        if compile_too:
            variants['vmt_nb.langevin, channels-last, compile=True'] = lambda: langevin(cl, xc, n_steps, 0.01, compile=True)
            compile_warmup(f'width {w}', variants['vmt_nb.langevin, channels-last, compile=True'], device)
        times = interleaved(variants, reps, device)
        flops = 2 * conv_flops(nchw) * batch * n_steps
        ref = statistics.median(times['reference loop, NCHW (plain PyTorch)'])
        for k, ts in times.items():
            med = statistics.median(ts)
            rows.append(dict(width=w, variant=k, median_s=med, best_s=min(ts), image_steps_per_s=batch * n_steps / med,
                             gflops=flops / med / 1e9, speedup_vs_reference=ref / med))
    return rows

def mlp_rows(batch, n_steps, reps, device, compile_too=False):
    "Chains per second on the 2D presets' MLP energy (`toy_nets`): the plain loop, ours, and ours with compile=True, interleaved."
    from vmt_nb.presets import toy_nets
    torch.manual_seed(0)
    e = toy_nets()['energy'].to(device).requires_grad_(False)
    x = torch.randn(batch, 2, device=device)
    variants = {'plain loop, fp32': lambda: reference_loop(e, x, n_steps, 0.1),
                'vmt_nb.langevin, fp32': lambda: langevin(e, x, n_steps, 0.1)}
    if compile_too:
        variants['vmt_nb.langevin, fp32, compile=True'] = lambda: langevin(e, x, n_steps, 0.1, compile=True)
        compile_warmup('2D MLP', variants['vmt_nb.langevin, fp32, compile=True'], device)
    times = interleaved(variants, reps, device)
    ref = statistics.median(times['plain loop, fp32'])
    return [dict(energy='2D MLP (toy_nets, width 128)', batch=batch, n_steps=n_steps, variant=k, median_s=statistics.median(ts),
                 ms_per_step=statistics.median(ts) / n_steps * 1e3, speedup_vs_plain=ref / statistics.median(ts)) for k, ts in times.items()]

def reference_loop_amp(energy, x, n_steps, delta, dtype):
    "The plain loop with the energy under autocast (`dtype`), the chain in fp32: the same math as `langevin(precision=...)`."
    for _ in range(n_steps):
        x.requires_grad_()
        with torch.autocast(x.device.type, dtype=dtype): e = energy(x).float().sum()
        g, = torch.autograd.grad(e, x)
        x = (x - 0.5 * delta**2 * g + delta * torch.randn_like(x)).detach()
    return x

def precision_rows(widths, batch, n_steps, reps, device, compile_too=False):
    "Image-steps/s in fp32, bf16 and fp16 (autocast of the energy), ours and the plain loop, channels-last and NCHW, interleaved."
    rows = []
    for w in widths:
        torch.manual_seed(0)
        nets = {fmt: EnergyConvMNIST(width=w).to(device, memory_format=fmt).requires_grad_(False)
                for fmt in (torch.channels_last, torch.contiguous_format)}
        x = torch.rand(batch, 1, 28, 28, device=device) * 2 - 1
        xs = {fmt: x.contiguous(memory_format=fmt) for fmt in nets}
        variants = {}
        for fmt, fname in ((torch.channels_last, 'channels-last'), (torch.contiguous_format, 'NCHW')):
            e, xf = nets[fmt], xs[fmt]
            variants[f'plain loop, {fname}, fp32'] = lambda e=e, xf=xf: reference_loop(e, xf, n_steps, DELTA)
            for p, dt in (('bf16', torch.bfloat16), ('fp16', torch.float16)):
                variants[f'plain loop, {fname}, {p} autocast'] = lambda e=e, xf=xf, dt=dt: reference_loop_amp(e, xf, n_steps, DELTA, dt)
            for p in ('fp32', 'bf16', 'fp16'):
                variants[f'vmt_nb.langevin, {fname}, {p}'] = lambda e=e, xf=xf, p=p: langevin(e, xf, n_steps, DELTA, precision=p)
            if compile_too and fmt == torch.channels_last:
                variants[f'vmt_nb.langevin, {fname}, bf16, compile=True'] = lambda e=e, xf=xf: langevin(e, xf, n_steps, DELTA, precision='bf16', compile=True)
        times = interleaved(variants, reps, device)
        flops = 2 * conv_flops(nets[torch.contiguous_format]) * batch * n_steps
        best_plain = min(statistics.median(v) for k, v in times.items() if k.startswith('plain loop') and k.endswith('fp32'))
        for k, ts in times.items():
            med = statistics.median(ts)
            rows.append(dict(width=w, batch=batch, variant=k, median_s=med, image_steps_per_s=batch * n_steps / med,
                             gflops=flops / med / 1e9, speedup_vs_best_fp32_plain=best_plain / med))
    return rows

ITERATION_VARIANTS = [dict(precision='fp32', vae_precision='fp32'), dict(precision='bf16', vae_precision='fp32'),
                      dict(precision='fp16', vae_precision='fp32'), dict(precision='auto', vae_precision='fp32'),
                      dict(precision='auto', vae_precision='energy')]   # the last is the preset's own

def iteration_precision_rows(variants, reps, device, preset='mnist_cpu'):
    "Seconds per training iteration of a CLI preset's networks and options with each variant's `VMTConfig` overrides (random data), interleaved."
    from vmt_nb.presets import PRESETS
    p, learners = PRESETS[preset], []
    for over in variants:
        torch.manual_seed(0)
        cfg = VMTConfig(**dict(p['cfg'], **over))
        data = torch.rand(4 * cfg.batch_size, 1, 28, 28) * 2 - 1
        learn = Learner(EnergyConvMNIST(width=p['width']), GenConvMNIST(z_dim=p['z_dim'], init=p.get('init', 'official')),
                        EncConvMNIST(z_dim=p['z_dim']), data, cfg, device=device)
        learners.append(learn)
    times = interleaved({i: learn.one_iter for i, learn in enumerate(learners)}, reps, device)
    rows = []
    for over, learn, t in zip(variants, learners, times.values()):
        choice = learn.precision_choice  # how 'auto' chose: both timings and the energies' agreement
        rows.append(dict(preset=preset, precision=over['precision'], vae_precision=learn.cfg.vae_precision, resolved=learn.precision,
                         median_s=statistics.median(t),
                         **({'auto_choice': {k: v for k, v in choice.items() if k != 'machine'}} if choice else {})))
    base = rows[0]['median_s']
    for r in rows: r['speedup_vs_fp32'] = base / r['median_s']
    return rows

def make_learner(n_steps, batch, device):
    torch.manual_seed(0)
    data = torch.rand(4 * batch, 1, 28, 28) * 2 - 1
    cfg = VMTConfig(batch_size=batch, n_steps=n_steps, delta=0.001, langevin='official', clamp=(-1., 1.))
    return Learner(EnergyConvMNIST(), GenConvMNIST(z_dim=100), EncConvMNIST(z_dim=100), data, cfg, device=device)

def iteration_rows(ks, batch, reps, device):
    "Seconds per training iteration (Algorithm 1) against K, and a least-squares line through them."
    rows = []
    for k in ks:
        learn = make_learner(k, batch, device)
        learn.one_iter()  # warm-up
        rows.append(dict(K=k, median_s=statistics.median(timed(learn.one_iter, device) for _ in range(reps))))
    xs, ys = [r['K'] for r in rows], [r['median_s'] for r in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx)**2 for x in xs)
    icpt = my - slope * mx
    r2 = 1 - sum((y - icpt - slope * x)**2 for x, y in zip(xs, ys)) / sum((y - my)**2 for y in ys)
    return rows, dict(seconds_per_langevin_step=slope, seconds_fixed=icpt, r2=r2)

def _peak_rss():
    "This process's peak resident memory so far (bytes)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

def peak_memory_one(k, batch, device):
    "Peak memory (bytes) of two training iterations at K = k, and its growth over the set-up: CUDA's allocator, or peak RSS."
    learn = make_learner(k, batch, device)
    if device.type == 'cuda': torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    else: base = _peak_rss()
    learn.one_iter(); learn.one_iter()
    peak = torch.cuda.max_memory_allocated() if device.type == 'cuda' else _peak_rss()
    return peak, peak - base

def memory_rows(ks, batch, device):
    "Peak memory against K, each K in a fresh process so that earlier runs do not set the peak."
    rows = []
    for k in ks:
        out = subprocess.run([sys.executable, __file__, '--_memory', str(k), '--batch_iter', str(batch), '--device', str(device)],
                             capture_output=True, text=True, check=True)
        peak, growth = map(int, out.stdout.split()[-2:])
        rows.append(dict(K=k, peak_mb=peak / 2**20, growth_mb=growth / 2**20))
    return rows

def markdown(res):
    "The results as markdown tables (for benchmarks/README.md)."
    m = res['machine']
    out = [f"Machine: {m['cpu']}, {m['threads']} threads, torch {m['torch']}, device {m['device']}; "
           f"load average {m['load_before']:.2f} before and {m['load_after']:.2f} after the run. "
           f"fp32 matmul (2048²): **{res['matmul_gflops']:.0f} GFLOP/s**.", '',
           '| energy network | variant | image-steps/s | GFLOP/s | of matmul | vs plain loop |', '|---|---|---|---|---|---|']
    for r in res['langevin']:
        out.append(f"| MNIST, width {r['width']} | {r['variant']} | {r['image_steps_per_s']:,.0f} | {r['gflops']:.0f} | "
                   f"{r['fraction_of_matmul']:.0%} | ×{r['speedup_vs_reference']:.2f} |")
    f = res['iteration_fit']
    out += ['', '| Langevin steps K | seconds per training iteration |', '|---|---|']
    out += [f"| {r['K']} | {r['median_s']:.3f} |" for r in res['iteration']]
    out += ['', f"Linear fit: {f['seconds_fixed']:.3f} s + {f['seconds_per_langevin_step'] * 1e3:.1f} ms × K, R² = {f['r2']:.4f}.", '',
            '| K | peak memory (MB) | growth over set-up (MB) |', '|---|---|---|']
    out += [f"| {r['K']} | {r['peak_mb']:.0f} | {r['growth_mb']:.0f} |" for r in res['memory']]
    out += ['', f"Peak memory at K = 60 over K = 5: ×{res['memory_ratio_60_vs_5']:.3f}."]
    if 'precision' in res:
        out += ['', '| energy network | variant | image-steps/s | vs best fp32 plain loop |', '|---|---|---|---|']
        out += [f"| MNIST, width {r['width']} | {r['variant']} | {r['image_steps_per_s']:,.0f} | ×{r['speedup_vs_best_fp32_plain']:.2f} |"
                for r in res['precision']]
    if 'mlp' in res:
        out += ['', '| energy network | variant | ms per step (256 chains) | vs plain loop |', '|---|---|---|---|']
        out += [f"| {r['energy']} | {r['variant']} | {r['ms_per_step']:.3f} | ×{r['speedup_vs_plain']:.2f} |" for r in res['mlp']]
    if 'iteration_precision' in res:
        vae = lambda r: ", `vae_precision='energy'`" if r.get('vae_precision') == 'energy' else ''
        out += ['', '| `mnist_cpu` training iteration | the energy runs as | seconds | vs fp32 |', '|---|---|---|---|']
        out += [f"| {r['precision']}{vae(r)} | {r['resolved']} | {r['median_s']:.3f} | ×{r['speedup_vs_fp32']:.2f} |"
                for r in res['iteration_precision']]
    return '\n'.join(out)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--quick', action='store_true', help='a smoke run: fewer repetitions and steps')
    p.add_argument('--compile', action='store_true', help='also time a torch.compile variant')
    p.add_argument('--batch_iter', type=int, default=32, help='batch and chains of the training-iteration runs')
    p.add_argument('--out', default=None, help='write the results as JSON here')
    p.add_argument('--markdown', default=None, help='print the tables of a results JSON as markdown, and exit')
    p.add_argument('--_memory', type=int, default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.markdown: print(markdown(json.loads(Path(a.markdown).read_text()))); return
    device = torch.device(a.device)
    if a._memory is not None: print(*peak_memory_one(a._memory, a.batch_iter, device)); return
    reps, steps = (3, 5) if a.quick else (7, 20)
    ks = [5, 15, 30, 60]
    res = dict(machine=dict(device=str(device), cpu=cpu_model(), threads=torch.get_num_threads(),
                            torch=torch.__version__, load_before=os.getloadavg()[0]),
               flop_convention='2F per image per Langevin step, F = forward FLOPs (input gradients only)')
    res['matmul_gflops'] = matmul_flops(device) / 1e9
    print(f"fp32 matmul: {res['matmul_gflops']:.1f} GFLOP/s on {device} ({torch.get_num_threads()} threads)")
    res['langevin'] = loop_rows([1.0, 0.5], 100, steps, reps, device, a.compile)
    for r in res['langevin']:
        r['fraction_of_matmul'] = r['gflops'] / res['matmul_gflops']
        print(f"  width {r['width']:.1f}  {r['variant']:48s} {r['image_steps_per_s']:8.0f} image-steps/s  "
              f"{r['gflops']:6.1f} GFLOP/s ({r['fraction_of_matmul']:.0%} of matmul)  x{r['speedup_vs_reference']:.2f}")
    res['precision'] = precision_rows([1.0, 0.5], 100, steps, reps, device, a.compile)
    for r in res['precision']:
        print(f"  width {r['width']:.1f}  {r['variant']:45s} {r['image_steps_per_s']:8.0f} image-steps/s  x{r['speedup_vs_best_fp32_plain']:.2f}")
    res['mlp'] = mlp_rows(256, 20, 5 * reps, device, a.compile)
    for r in res['mlp']: print(f"  2D MLP, {r['variant']:36s} {r['ms_per_step']:.3f} ms per step  x{r['speedup_vs_plain']:.2f}")
    res['iteration_precision'] = iteration_precision_rows(ITERATION_VARIANTS, 5 if a.quick else 15, device)
    for r in res['iteration_precision']:
        print(f"  mnist_cpu iteration, {r['precision']}, VAE {r['vae_precision']} (runs as {r['resolved']}): {r['median_s']:.3f} s  x{r['speedup_vs_fp32']:.2f}")
    res['iteration'], res['iteration_fit'] = iteration_rows(ks, a.batch_iter, 2 if a.quick else 3, device)
    for r in res['iteration']: print(f"  K={r['K']:3d}: {r['median_s']:.3f} s per training iteration (batch {a.batch_iter})")
    f = res['iteration_fit']
    print(f"  linear fit: {f['seconds_fixed']:.3f} s + {f['seconds_per_langevin_step'] * 1e3:.1f} ms per step, R² = {f['r2']:.4f}")
    res['memory'] = memory_rows([5, 60], a.batch_iter, device)
    ratio = res['memory'][1]['peak_mb'] / res['memory'][0]['peak_mb']
    res['memory_ratio_60_vs_5'] = ratio
    m5, m60 = res['memory']
    print(f"  peak memory: K=5 {m5['peak_mb']:.0f} MB, K=60 {m60['peak_mb']:.0f} MB (x{ratio:.3f}); "
          f"growth over the set-up: {m5['growth_mb']:.0f} MB and {m60['growth_mb']:.0f} MB")
    res['machine']['load_after'] = os.getloadavg()[0]
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(res, indent=1))
        print(f"wrote {a.out}")

if __name__ == '__main__': main()
