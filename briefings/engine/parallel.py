"""Work spread over worker processes, forked once the model is in memory so that they share it.

Only indexes travel to the workers and only results travel back: the function and everything it
reads are inherited through fork (Linux). With one job, too little work or no fork, everything runs
in this process, in the same order, with the same results.

A worker that dies (the out-of-memory killer, a crash) stops the run at once with WorkerDied; one
whose function raises stops it with that exception, the worker's traceback as its cause. Either
way, and on Ctrl-C, the other workers are ended before run() returns, so none is left writing
(files, say); and the workers of a build killed from outside end with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

MIN_TASKS = 2
"""Fewer tasks than this per worker are done in this process: forking would cost more."""

_work: tuple[Callable, Sequence] | None = None
"""The function and items of the run in progress, read by the forked workers."""

WATCH = 0.1
"""Seconds between checks that every worker is alive while no result comes."""

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent ends (Linux)."""


class WorkerDied(Exception):
    """A worker process ended without finishing its task: killed, crashed or exited."""


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
    # Frozen objects are left alone by the workers' garbage collector, which would otherwise write
    # to (and so copy) every page of the inherited model. They stay frozen: see collector_paused().
    gc.freeze()
    try:
        return gathered(tasks, len(items), jobs, done)
    finally:
        _work = None


def gathered(tasks: list[tuple[int, int]], size: int, jobs: int, done: Callable[[int], None] | None) -> list:
    """Run the tasks in jobs forked workers; return the results in item order, calling done(n) as they come."""
    results: list = [None] * size
    pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), initializer=in_worker,
                               initargs=(os.getpid(),))
    finished: queue.SimpleQueue = queue.SimpleQueue()
    workers: list = []
    complete, broken = False, None
    try:
        workers = submit_all(pool, tasks, finished)
        for _ in tasks:
            start, values = next_done(finished, workers)
            results[start:start + len(values)] = values
            if done is not None:
                done(len(values))
        complete = True
    except BrokenProcessPool as exc:
        broken = exc
    finally:
        if complete:
            pool.shutdown(wait=True)
        else:  # a failure, a death or Ctrl-C: no worker may go on (writing files, say)
            stop(pool, workers)
    if broken is not None:
        raise failure(broken, workers)
    return results


def submit_all(pool: ProcessPoolExecutor, tasks: list[tuple[int, int]], finished: queue.SimpleQueue) -> list:
    """Submit every task, each put in finished when done; return the worker processes."""
    before = set(multiprocessing.active_children())
    futures = [pool.submit(work, tasks[0])]
    # With fork, the executor forks all its workers at the first submit (before its own thread).
    workers = [p for p in multiprocessing.active_children() if p not in before]
    unblock(pool)
    futures += [pool.submit(work, task) for task in tasks[1:]]
    for future in futures:
        future.add_done_callback(finished.put)
    return workers


def unblock(pool: ProcessPoolExecutor) -> None:
    """Close this process's copy of the write end of the executor's result pipe: it never writes there.

    Otherwise a worker killed half-way through sending a result leaves the executor's thread waiting
    for the rest for ever (this process holds the pipe open), and this process with it: it joins
    that thread on shutdown and at exit. Closed, the pipe ends once every worker is gone.
    """
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def next_done(finished: queue.SimpleQueue, workers: list) -> tuple[int, list]:
    """Return the next finished task's result; raise BrokenProcessPool once a worker is gone."""
    while True:
        try:
            return finished.get(timeout=WATCH).result()
        except queue.Empty:
            # The executor notices a death too, except while it waits for the rest of a message.
            if multiprocessing.connection.wait([p.sentinel for p in workers], timeout=0):
                raise BrokenProcessPool("a worker process ended") from None


def stop(pool: ProcessPoolExecutor, workers: list) -> None:
    """End the run's workers now and wait for them: what they would still do is thrown away."""
    for p in workers:
        p.terminate()  # harmless for one that has ended: unreaped, it ignores it; reaped, it is skipped
    pool.shutdown(wait=True, cancel_futures=True)


def failure(broken: BrokenProcessPool, workers: list) -> BaseException:
    """Return what to raise for a broken pool: WorkerDied, unless no worker died (a bug: the error itself)."""
    # The executor and stop() end workers with SIGTERM: any other exit status is a death.
    codes = [p.exitcode for p in workers if p.exitcode]  # all joined by now
    if broken.__cause__ is not None and all(c == -signal.SIGTERM for c in codes):
        return broken  # a result that could not be received: its traceback shows why
    return WorkerDied(death(next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else 0)))


def death(code: int) -> str:
    """Say that a worker died, and how: its exit status (minus a signal's number), 0 if unknown."""
    if code > 0:
        return f"a worker process died (it exited with status {code})"
    if code == 0:
        return "a worker process died"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = "a signal"
    hint = ": out of memory? try fewer --jobs" if code == -signal.SIGKILL else ""
    return f"a worker process died (killed by {name}, signal {-code}{hint})"


def in_worker(parent: int) -> None:
    """Set up a worker: Ctrl-C is left to the parent (which ends the workers), and the parent's death ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # else each worker dies of it, printing a traceback
    # A build killed from outside (SIGKILL, SIGTERM: no cleanup) would otherwise leave its workers
    # waiting for tasks for ever: they hold the task pipe open themselves.
    with contextlib.suppress(AttributeError, OSError):  # Linux only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before that
        os._exit(1)


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
