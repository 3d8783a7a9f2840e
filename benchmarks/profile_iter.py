"""Where a training iteration of an image preset spends its time (a benchmark, not a test: nothing here asserts).

Builds the preset (`mnist_cpu` by default), trains `--warmup` iterations (the precision probe of `precision='auto'` and
the allocator's first requests happen there), then runs `--iters` iterations under `torch.profiler` with each part of
Algorithm 1 labelled: the proposals (`propose`: x̂ = g(ẑ)), the Langevin revision (`langevin`), the EBM's Adam step
(`ebm_update`), the VAE's Adam steps (`vae_update`), the per-iteration statistics (`stats`); what is left of the
iteration is the `Learner`'s own bookkeeping (callbacks, history). Writes the shares and the operators that take most
of the time (from a second, profiled, stretch of `--iters` iterations; the parts are timed without the profiler) to `--out` (JSON) and prints them as tables.

    python benchmarks/profile_iter.py --threads 2 --out benchmarks/results/profile_mnist_cpu.json
    python benchmarks/profile_iter.py --threads 2 --set precision=fp32 --out benchmarks/results/profile_mnist_cpu_fp32.json
"""
import argparse, json, os, platform, time
import torch
from torch.profiler import profile, record_function, ProfilerActivity
from vmt_nb.presets import build
from vmt_nb.train import fit, VMTConfig, VMTStep
from vmt_nb.langevin import langevin
from _common import cpu_model, lscpu, overrides

PARTS = ('propose', 'langevin', 'ebm_update', 'vae_update', 'stats')

class LabelledStep(VMTStep):
    "Algorithm 1 (`VMTStep`) with each part under a `record_function` label, and its wall-clock time summed."
    def __init__(self): self.t = dict.fromkeys(PARTS, 0.)
    def _timed(self, name, f, *args, **kw):
        t0 = time.perf_counter()
        with record_function(name): out = f(*args, **kw)
        self.t[name] += time.perf_counter() - t0
        return out
    def start(self, learn, n): return self._timed('propose', super().start, learn, n)
    def revise(self, learn, x_init, n_steps=None, trace=True): return self._timed('langevin', super().revise, learn, x_init, n_steps, trace)
    def ebm_update(self, learn, x_obs, x_syn): return self._timed('ebm_update', super().ebm_update, learn, x_obs, x_syn)
    def vae_update(self, learn, x): return self._timed('vae_update', super().vae_update, learn, x)
    def langevin_stats(self, x_init, x_syn, tr): return self._timed('stats', super().langevin_stats, x_init, x_syn, tr)

CONV_OPS = ('aten::mkldnn_convolution', 'aten::convolution_backward', 'aten::_convolution', 'aten::convolution',
            'aten::conv2d', 'aten::cudnn_convolution')

def langevin_alone(learn, n_steps, batch=100):
    "The Langevin loop alone (`n_steps` steps of the run's sampler from a batch of x̂), profiled: the share of its self time in the convolutions."
    x = learn.sample(batch, n_steps=0).x_init
    langevin(learn.model.energy, x, 2, **learn.sampler_kwargs())   # warm-up
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof: langevin(learn.model.energy, x, n_steps, **learn.sampler_kwargs())
    wall = time.perf_counter() - t0
    ka = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in ka)
    conv = sum(e.self_cpu_time_total for e in ka if e.key in CONV_OPS)
    return dict(batch=batch, n_steps=n_steps, precision=learn.precision, seconds_per_step_profiled=wall / n_steps,
                conv_share=conv / total, bound_on_loop_speedup=1 / (conv / total),
                note='a loop that calls the same convolutions can be at most 1/conv_share times faster than this one')

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--data', default='mnist'); p.add_argument('--preset', default='mnist_cpu')
    p.add_argument('--set', nargs='*', default=[], metavar='FIELD=VALUE', help='VMTConfig overrides')
    p.add_argument('--warmup', type=int, default=10); p.add_argument('--iters', type=int, default=30)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--top', type=int, default=15)
    p.add_argument('--root', default=os.environ.get('VMT_DATA'))
    p.add_argument('--out', default='benchmarks/results/profile_mnist_cpu.json')
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    load = os.getloadavg()[0]  # other jobs on the machine (a 2-core machine: 1 means one other busy core)
    nets, x, cfg, _ = build(a.data, a.preset, a.root)
    cfg.update(overrides(a.set))
    step = LabelledStep()
    learn = fit(**nets, data=x, n_iters=a.warmup, cfg=VMTConfig(**cfg), device='cpu', step=step)
    step.t = dict.fromkeys(PARTS, 0.)
    t0 = time.perf_counter(); learn.fit(a.warmup + a.iters); wall = time.perf_counter() - t0   # the parts' times, unprofiled
    parts = {k: v / a.iters for k, v in step.t.items()}
    parts['bookkeeping (the rest)'] = wall / a.iters - sum(parts.values())
    with profile(activities=[ProfilerActivity.CPU]) as prof: learn.fit(a.warmup + 2 * a.iters)   # the operators, profiled
    ka = prof.key_averages()
    self_total = sum(e.self_cpu_time_total for e in ka)
    ops = sorted((e for e in ka if e.key not in PARTS), key=lambda e: -e.self_cpu_time_total)[:a.top]
    top = [dict(op=e.key, calls_per_iter=e.count / a.iters, self_ms_per_iter=e.self_cpu_time_total / 1e3 / a.iters,
                share=e.self_cpu_time_total / self_total) for e in ops]
    res = dict(machine=dict(cpu=cpu_model(), model=lscpu('Model'), threads=a.threads, torch=torch.__version__,
                            amx='amx_bf16' in (lscpu('Flags') or ''), python=platform.python_version(),
                            load_before=load, load_after=os.getloadavg()[0]),
               preset=a.preset, data=a.data, overrides=overrides(a.set), precision=learn.cfg.precision,
               precision_choice=learn.precision_choice, iters=a.iters, seconds_per_iter=wall / a.iters,
               parts_seconds_per_iter=parts, top_ops=top,
               note='parts: wall-clock without the profiler; operators: shares of the self CPU time of the next iters iterations under the profiler')
    res['langevin_alone'] = langevin_alone(learn, a.iters)
    json.dump(res, open(a.out, 'w'), indent=1)
    print(f"{res['machine']}\n{a.preset}, precision {learn.cfg.precision} ({learn.precision_choice}), {wall / a.iters:.3f} s per iteration\n")
    print('| part | ms per iteration | share |\n|---|---|---|')
    for k, v in parts.items(): print(f"| {k} | {v * 1e3:.1f} | {v / (wall / a.iters):.0%} |")
    print('\n| operator | calls per iteration | self ms per iteration | share of self time |\n|---|---|---|---|')
    for r in top: print(f"| `{r['op']}` | {r['calls_per_iter']:.0f} | {r['self_ms_per_iter']:.1f} | {r['share']:.1%} |")
    la = res['langevin_alone']
    print(f"\nLangevin alone ({la['n_steps']} steps, batch {la['batch']}, {la['precision']}): {la['conv_share']:.0%} of the self time in the "
          f"convolutions: no loop around the same convolutions can be more than {la['bound_on_loop_speedup']:.2f}x as fast")

if __name__ == '__main__': main()
