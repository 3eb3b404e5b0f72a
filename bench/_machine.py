"""The machine a bench ran on, printed at its start and at its end: a calibration line and the
load average, so that figures taken on different days (or machines, or loads) can be compared.

    from bench import _machine
    _machine.report("start")   # first thing in main(), after Django is set up
    ...
    _machine.report("end")

The calibration is rjieba's segmentation speed over a fixed sample of the search corpus
(bench/search_generate.py, 20,000 records, seed 3) in records per second: the work the
search index does, on one core. The issue's reference machine did ~19,000 records/s.
"""

import os
import time

REFERENCE_RECORDS_PER_SECOND = 19_000
_sample: list | None = None  # generated once per process: only the segmentation is timed


def segmentation_rate(records: int = 20_000) -> float:
    """Records per second rjieba segments here (code, title and body of each record)."""
    global _sample
    from bench.search_generate import generate
    from search import analysis

    if _sample is None or len(_sample) != records:
        _sample = list(generate(records, seed=3))
    started = time.perf_counter()
    for document in _sample:
        analysis.segment_fields((document.code, document.title, document.body))
    return len(_sample) / (time.perf_counter() - started)


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def report(moment: str = "start", records: int = 20_000) -> dict:
    """Print the calibration line and the load average (1, 5 and 15 minutes); returns them."""
    rate = segmentation_rate(records)
    load = load_average()
    print(f"machine at {moment}: calibration: rjieba segments {rate:,.0f} records/s here (reference machine "
          f"~{REFERENCE_RECORDS_PER_SECOND:,}); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs", flush=True)
    return {"calibration_records_per_s": round(rate), "load": [round(x, 2) for x in load]}
