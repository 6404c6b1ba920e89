"""Work spread over worker processes, forked once the model is in memory so that they share it.

Only indexes travel to the workers and only results travel back: the function and everything it
reads are inherited through fork (Linux). With one job, too little work or no fork, everything runs
in this process, in the same order, with the same results.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from typing import Callable, Sequence

MIN_TASKS = 2
"""Fewer tasks than this per worker are done in this process: forking would cost more."""

_work: tuple[Callable, Sequence] | None = None
"""The function and items of the run in progress, read by the forked workers."""


def default_jobs() -> int:
    """Return the number of worker processes to use by default: one per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run(fn: Callable, items: Sequence, jobs: int, chunk: int = 8, done: Callable[[int], None] | None = None) -> list:
    """Return [fn(item) for item in items] (in that order), using up to jobs forked processes.

    done(n), when given, is called in this process as each n more items are finished.
    """
    tasks = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    jobs = min(jobs, len(tasks) // MIN_TASKS)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for item in items:
            out.append(fn(item))
            if done is not None:
                done(1)
        return out
    global _work
    _work = (fn, items)
    results: list = [None] * len(items)
    # Frozen objects are left alone by the workers' garbage collector, which would otherwise write
    # to (and so copy) every page of the inherited model. They stay frozen: see collector_paused().
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for start, values in pool.imap_unordered(work, tasks):
                results[start:start + len(values)] = values
                if done is not None:
                    done(len(values))
    finally:
        _work = None
    return results


@contextlib.contextmanager
def collector_paused():
    """Pause the cycle collector while the model is built, then exempt the model from later passes.

    Building the model makes almost no reference cycles, but tens of thousands of objects: each
    full pass of the collector over them found nothing and together they took a quarter of a
    rebuild. On leaving, what exists is frozen (never scanned again) and collection resumes for
    what rendering makes; call gc.unfreeze() once the model is dropped.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def work(task: tuple[int, int]) -> tuple[int, list]:
    """Run the function on items [start, end) of the current run (in a worker)."""
    fn, items = _work
    start, end = task
    return start, [fn(items[i]) for i in range(start, end)]
