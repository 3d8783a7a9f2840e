"""What the benchmark scripts share: the CPU model recorded with every row (and any `lscpu` field), random zoomed crops of photos, `--set FIELD=VALUE` overrides read as
Python literals (never run as code), and the range of a statistic over a run's history."""
import ast, platform, subprocess

def lscpu(field:str):
    "The value of one `lscpu` field ('Model name', 'Model', 'Flags', ...), or None."
    try: out = subprocess.run(['lscpu'], capture_output=True, text=True).stdout
    except OSError: return None
    return next((l.split(':', 1)[1].strip() for l in out.splitlines() if l.startswith(field + ':')), None)

def cpu_model():
    "lscpu's model name (the CPU changes between machines; record it with every number)."
    return lscpu('Model name') or platform.processor()

def random_crops(big, # photos (N, C, B, B), larger than `size`
                 idx, # which photos, a list of indices
                 size:int, # the crops' side after resizing
                 crop:float, # the smallest crop side, as a fraction of B
                 g): # a torch.Generator
    "A random square crop of side in [crop·B, B] at a random place of each photo `big[i]`, resized to `size` (random zoom and shift)."
    import torch, torch.nn.functional as F
    out, B = [], big.shape[-1]
    for i in idx:
        s = int(torch.randint(int(crop * B), B + 1, (1,), generator=g))
        x0, y0 = (int(torch.randint(0, B - s + 1, (1,), generator=g)) for _ in range(2))
        out.append(F.interpolate(big[i:i + 1, :, y0:y0 + s, x0:x0 + s], size=(size, size), mode='bilinear', antialias=True, align_corners=False))
    return torch.cat(out).clamp(-1, 1)

def value(s):
    "A `--set` value: a Python literal (a number, a tuple, None, True), else the string itself; never evaluated as code."
    try: return ast.literal_eval(s)
    except (ValueError, SyntaxError): return s

def overrides(pairs):
    "The `VMTConfig` fields of `--set FIELD=VALUE ...`, as a dict."
    return {k: value(v) for k, v in (kv.split('=', 1) for kv in pairs)}

def span(history, k):
    "[min, max] of the statistic `k` over a run's history, or None if it was never recorded."
    v = [r[k] for r in history if k in r]
    return [min(v), max(v)] if v else None
