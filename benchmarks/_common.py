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
