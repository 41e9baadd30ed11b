"""Where an extractor's batches run: in this process, in worker processes, or on Ray.

:func:`harness.runs.extract.run_extractor` cuts the documents the cache does
not hold into batches and hands them to an :class:`Executor`, which yields a
:class:`BatchOutcome` as each batch finishes, in any order. The parent alone
writes the cache and advances the progress callback, so every finished
document is written once, atomically, as soon as its batch is back, and the
result (predictions in document order, cache contents, failures) is the same
under every executor; only the time differs.

* :class:`SerialExecutor` runs the batches one after another with the
  extractor object it is given: what the harness always did.
* :class:`ProcessesExecutor` runs N worker processes. Each builds its own
  extractor once, from an :class:`ExtractorSpec` (registry name and params)
  when the run has one, else from a pickled copy of the extractor object, so
  a model loads once per worker. Workers are *spawned*, not forked: a fork of
  a parent that has started torch's OpenMP threads can deadlock in the child,
  and a spawned worker starts clean, at the cost of importing the harness
  (and torch) once per worker.
* :class:`RayExecutor` runs one Ray actor per worker over the same batches:
  ``ray.init(num_cpus=N)`` on this machine, or the cluster named by
  ``RAY_ADDRESS``. Ray is an optional extra (``pip install -e '.[ray]'``).

Threads. Each worker gets ``threads_per_worker`` threads, by default the
machine's cores divided by the workers (2 cores, 2 workers: 1 each). The
worker sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` and
``OPENBLAS_NUM_THREADS`` before anything imports torch or numpy (spawned
workers import them only when the extractor is built), turns the Hugging
Face tokenizers' own thread pool off (``TOKENIZERS_PARALLELISM=false``), and
calls ``torch.set_num_threads`` once torch is loaded: workers that each took
every core would fight over them and run slower than one process alone. An
extractor that sets its own thread count (the ``ner`` extractor's
``threads`` param, which is part of its fingerprint and so cannot be changed
here without changing the cache key) keeps it; :func:`oversubscription`
says when that count times the workers exceeds the cores, and the runner
warns.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import time
import warnings
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from harness.annotations import Document, Prediction
from harness.extractors.base import Extractor, fingerprint_hash
from harness.runs.batches import extract_batch

#: The extra that installs Ray, and the version it pins (pyproject.toml).
RAY_EXTRA = "ray"
RAY_VERSION = "2.60.0"


class ExecutorError(RuntimeError):
    """An executor could not run the batches (a worker died, a worker built a different extractor)."""


class UnpicklableExtractorError(TypeError):
    """The processes executor was given an extractor object it cannot send to its workers."""


class ExecutorUnavailableError(RuntimeError):
    """The executor needs a package that is not installed (Ray)."""


class ExecutorSettingsError(ValueError):
    """An executor name or worker count that cannot be used (``--executor serial --workers 2``)."""


@dataclass(frozen=True)
class ExtractorSpec:
    """What a worker needs to build the run's extractor itself: a registry name and its params.

    Built in every worker, it must give the same fingerprint as the parent's
    extractor; the runner checks every batch and refuses a mismatch (for
    example a cluster node whose model files differ).
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def build(self) -> Extractor:
        from harness.extractors.registry import create_extractor

        return create_extractor(self.name, dict(self.params))


@dataclass(frozen=True)
class BatchOutcome:
    """The predictions of one batch, and the fingerprint hash of the extractor that made them."""

    #: Position of the batch in the list the executor was given.
    index: int
    predictions: tuple[Prediction, ...]
    fingerprint_hash: str
    #: Seconds the worker spent in ``extract`` for this batch (the cost of its documents).
    seconds: float = 0.0


def timed_batch(index: int, extractor: Extractor, batch: Sequence[Document], key: str) -> BatchOutcome:
    """Extract one batch and measure the time it took, where it ran."""
    started = time.perf_counter()
    predictions = tuple(extract_batch(extractor, batch))
    return BatchOutcome(index, predictions, key, time.perf_counter() - started)


@runtime_checkable
class Executor(Protocol):
    """Runs batches of documents through an extractor and yields each batch's outcome as it finishes."""

    @property
    def name(self) -> str:
        """``serial``, ``processes`` or ``ray``: recorded with the run (read-only: executors are frozen)."""
        ...

    def run_batches(
        self, extractor: Extractor, spec: ExtractorSpec | None, batches: Sequence[Sequence[Document]]
    ) -> Generator[BatchOutcome, None, None]:
        """Every batch's outcome exactly once, in any order. When a batch raises (anything that is not
        an extractor's per-document failure, e.g. ``KeyboardInterrupt``), no new batch starts; batches
        already running finish and are yielded, then the error is raised. A generator, so the runner can
        close it when it stops early (its ``finally`` blocks shut the workers down)."""
        ...


def available_cpus() -> int:
    """The cores this process may use (its affinity mask, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _positive(value: int | None, what: str, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ExecutorSettingsError(f"{what} must be an integer >= 1, got {value!r}")
    return value


def declared_threads(fingerprint: Any) -> int | None:
    """The largest thread count an extractor declares in its fingerprint (any ``threads`` /
    ``n_threads`` key, at any depth), or None when it declares none."""
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("threads", "n_threads") and isinstance(value, int) and not isinstance(value, bool):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(fingerprint)
    return max(found) if found else None


def oversubscription(extractor: Extractor, workers: int, cpus: int | None = None) -> str | None:
    """A warning when the extractor's own threads times ``workers`` exceed the cores, else None."""
    cpus = cpus or available_cpus()
    threads = declared_threads(extractor.fingerprint())
    if threads is None or workers < 2 or threads * workers <= cpus:
        return None
    share = max(1, cpus // workers)
    return (
        f"extractor {extractor.name!r} runs {threads} thread(s) of its own in each of {workers} workers on "
        f"{cpus} core(s): set its threads to {share} (the threads setting is part of its fingerprint, "
        "so the executor cannot change it)"
    )


def _warn_oversubscription(extractor: Extractor, workers: int) -> None:
    message = oversubscription(extractor, workers)
    if message:
        warnings.warn(message, RuntimeWarning, stacklevel=3)


# ------------------------------------------------------------------ serial


@dataclass(frozen=True)
class SerialExecutor:
    """One batch after another, in this process, with the extractor object itself."""

    name: str = "serial"

    def run_batches(
        self, extractor: Extractor, spec: ExtractorSpec | None, batches: Sequence[Sequence[Document]]
    ) -> Generator[BatchOutcome, None, None]:
        key = fingerprint_hash(extractor.fingerprint()) if batches else ""
        for index, batch in enumerate(batches):
            yield timed_batch(index, extractor, batch, key)


# ------------------------------------------------------- the worker's side

#: The state of a worker process (or Ray actor): what to build, its threads, the built extractor.
_WORKER: dict[str, Any] = {}


def limit_threads(threads: int) -> None:
    """Give this process ``threads`` threads for OpenMP, MKL, OpenBLAS and torch; see the module doc.

    The environment only counts before the libraries load, which in a spawned
    worker is later (when the extractor is built or first runs); torch, if
    already loaded, is told directly.
    """
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def _build_source(source: Extractor | ExtractorSpec) -> Extractor:
    return source.build() if isinstance(source, ExtractorSpec) else source


def _worker_init(source: Extractor | ExtractorSpec, threads: int) -> None:
    """Worker initialiser: limit threads; the extractor is built by the first batch, so that a
    build error travels back to the parent as that batch's exception instead of breaking the pool."""
    limit_threads(threads)
    _WORKER.clear()
    _WORKER.update(source=source, threads=threads)


def _worker_extractor() -> tuple[Extractor, str]:
    if "extractor" not in _WORKER:
        extractor = _build_source(_WORKER["source"])
        limit_threads(_WORKER["threads"])  # building may have imported torch
        _WORKER.update(extractor=extractor, key=fingerprint_hash(extractor.fingerprint()))
    return _WORKER["extractor"], _WORKER["key"]


def _worker_batch(index: int, batch: Sequence[Document]) -> BatchOutcome:
    extractor, key = _worker_extractor()
    return timed_batch(index, extractor, batch, key)


def check_picklable(extractor: Extractor, executor: str) -> None:
    """Raise :class:`UnpicklableExtractorError` naming the extractor when it cannot be sent to workers."""
    try:
        pickle.dumps(extractor)
    except Exception as error:  # noqa: BLE001 - pickle raises TypeError, AttributeError, PicklingError...
        raise UnpicklableExtractorError(
            f"the {executor} executor sends the extractor to its worker processes, but extractor "
            f"{getattr(extractor, 'name', '?')!r} ({type(extractor).__module__}.{type(extractor).__qualname__}) "
            f"cannot be pickled: {type(error).__name__}: {error}. Give the run an ExtractorSpec "
            "(registry name and params) so each worker builds its own, or use the serial executor."
        ) from error


def _lost_documents(batches: Sequence[Sequence[Document]], indices: Sequence[int], limit: int = 8) -> str:
    ids = [doc.doc_id for i in sorted(indices) for doc in batches[i]]
    shown = ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
    return f"{len(ids)} document(s) not finished ({shown})"


# --------------------------------------------------------------- processes


@dataclass(frozen=True)
class ProcessesExecutor:
    """``workers`` spawned processes, each building its extractor once; see the module doc."""

    workers: int = 2
    #: Threads per worker; None divides the cores among the workers.
    threads_per_worker: int | None = None
    name: str = "processes"

    def __post_init__(self) -> None:
        _positive(self.workers, "processes executor: workers", 1)
        _positive(self.threads_per_worker, "processes executor: threads_per_worker", 1)

    def threads(self) -> int:
        return self.threads_per_worker or max(1, available_cpus() // self.workers)

    def run_batches(
        self, extractor: Extractor, spec: ExtractorSpec | None, batches: Sequence[Sequence[Document]]
    ) -> Generator[BatchOutcome, None, None]:
        if not batches:
            return
        source: Extractor | ExtractorSpec = spec if spec is not None else extractor
        if spec is None:
            check_picklable(extractor, self.name)
        workers = min(self.workers, len(batches))
        _warn_oversubscription(extractor, workers)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(source, self.threads()),
        )
        finished = False
        try:
            futures: dict[Future[BatchOutcome], int] = {pool.submit(_worker_batch, i, b): i for i, b in enumerate(batches)}
            yield from _drain(futures, batches)
            finished = True
        finally:
            # Once every batch is back, the workers exit in the background (a torch
            # worker takes seconds to tear down). Otherwise batches not started are
            # dropped and running ones finish (their results are no longer read).
            pool.shutdown(wait=not finished, cancel_futures=True)


def _drain(futures: dict[Future[BatchOutcome], int], batches: Sequence[Sequence[Document]]) -> Iterator[BatchOutcome]:
    """Yield finished batches as they come; on the first error cancel what has not started,
    yield what still finishes, then raise it (a dead worker becomes an :class:`ExecutorError`)."""
    pending = set(futures)
    error: BaseException | None = None
    broken: list[int] = []
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=futures.__getitem__):
            if future.cancelled():
                continue
            exception = future.exception()
            if exception is None:
                yield future.result()
                continue
            if isinstance(exception, BrokenProcessPool):
                broken.append(futures[future])
            if error is None:
                error = exception
                for other in pending:
                    other.cancel()
    if broken:
        raise ExecutorError(
            f"a worker process died (killed, or out of memory?) while extracting: {_lost_documents(batches, broken)}; "
            "every finished document is cached, so running again resumes"
        ) from error
    if error is not None:
        raise error


# --------------------------------------------------------------------- ray


class _RayWorker:
    """A Ray actor's state: the extractor, built once in the actor, and its thread limit."""

    def __init__(self, source: Extractor | ExtractorSpec, threads: int):
        _worker_init(source, threads)

    def run(self, index: int, batch: Sequence[Document]) -> BatchOutcome:
        return _worker_batch(index, batch)


def import_ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise ExecutorUnavailableError(
            f"the ray executor needs Ray, which is not installed: pip install -e '.[{RAY_EXTRA}]' (ray=={RAY_VERSION})"
        ) from error
    return ray


@dataclass(frozen=True)
class RayExecutor:
    """One Ray actor per worker; see the module doc.

    Without ``RAY_ADDRESS`` (or ``address``) a local Ray is started with
    ``cpus`` CPUs (default: this machine's cores); with it, the cluster's CPUs
    are used. Every node needs the harness, the extractor's packages and its
    model files at the same paths: a worker whose extractor has another
    fingerprint is refused. Ray stays up after the run (the next setup reuses
    it) and is shut down when the process exits. Predictions travel back to
    this process, which writes the cache, so the nodes share no disk.
    """

    cpus: int | None = None
    threads_per_worker: int = 1
    address: str | None = None
    #: Batches queued on each actor beyond the one it runs, so it never waits for the parent.
    queued_per_worker: int = 1
    name: str = "ray"

    def __post_init__(self) -> None:
        _positive(self.cpus, "ray executor: cpus", 1)
        _positive(self.threads_per_worker, "ray executor: threads_per_worker", 1)
        import_ray()

    def connect(self) -> Any:
        """Ray, started or joined (a Ray already initialised in this process is used as it is)."""
        ray = import_ray()
        if not ray.is_initialized():
            address = self.address or os.environ.get("RAY_ADDRESS")
            if address:
                ray.init(address=address)
            else:
                ray.init(num_cpus=self.cpus or available_cpus(), include_dashboard=False)
        return ray

    def run_batches(
        self, extractor: Extractor, spec: ExtractorSpec | None, batches: Sequence[Sequence[Document]]
    ) -> Generator[BatchOutcome, None, None]:
        if not batches:
            return
        ray = self.connect()
        source: Extractor | ExtractorSpec = spec if spec is not None else extractor
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, min(len(batches), cpus // self.threads_per_worker))
        if not (self.address or os.environ.get("RAY_ADDRESS")):
            _warn_oversubscription(extractor, count)
        actor_class = ray.remote(_RayWorker).options(num_cpus=self.threads_per_worker)
        source_ref = ray.put(source)
        actors = [actor_class.remote(source_ref, self.threads_per_worker) for _ in range(count)]
        try:
            yield from self._drain(ray, actors, batches)
        finally:
            for actor in actors:
                ray.kill(actor)

    def _drain(self, ray: Any, actors: list[Any], batches: Sequence[Sequence[Document]]) -> Iterator[BatchOutcome]:
        waiting = list(range(len(batches)))
        waiting.reverse()  # pop() takes batches in order
        running: dict[Any, tuple[int, Any]] = {}

        def feed(actor: Any) -> None:
            if waiting:
                index = waiting.pop()
                running[actor.run.remote(index, batches[index])] = (index, actor)

        for _ in range(1 + self.queued_per_worker):
            for actor in actors:
                feed(actor)
        error: BaseException | None = None
        dead: list[int] = []
        while running:
            (ref,), _ = ray.wait(list(running), num_returns=1)
            index, actor = running.pop(ref)
            try:
                outcome = ray.get(ref)
            except ray.exceptions.RayActorError as exc:
                dead.append(index)
                error = error or exc
                waiting.clear()
                continue
            except ray.exceptions.RayTaskError as exc:
                cause = getattr(exc, "cause", None)
                error = error or (cause if isinstance(cause, BaseException) else exc)
                waiting.clear()
                continue
            except BaseException as exc:  # e.g. the task was cancelled
                error = error or exc
                waiting.clear()
                continue
            yield outcome
            if error is None:
                feed(actor)
        if dead:
            raise ExecutorError(
                f"a Ray worker died while extracting: {_lost_documents(batches, dead)}; "
                "every finished document is cached, so running again resumes"
            ) from error
        if error is not None:
            raise error


# ----------------------------------------------------------------- by name

EXECUTORS = ("serial", "processes", "ray")


def make_executor(name: str, workers: int | None = None, threads_per_worker: int | None = None) -> Executor:
    """The executor the command line names: ``serial``; ``processes`` with ``workers`` processes
    (default: one per core); ``ray`` with ``workers`` CPUs for a local Ray (default: every core;
    ignored when ``RAY_ADDRESS`` names a cluster)."""
    if name == "serial":
        if workers not in (None, 1):
            raise ExecutorSettingsError(f"the serial executor runs one worker, not {workers}; use --executor processes")
        return SerialExecutor()
    if name == "processes":
        return ProcessesExecutor(workers=_positive(workers, "--workers", available_cpus()), threads_per_worker=threads_per_worker)
    if name == "ray":
        return RayExecutor(cpus=workers, threads_per_worker=threads_per_worker or 1)
    raise ExecutorSettingsError(f"unknown executor {name!r}; available: {', '.join(EXECUTORS)}")


def describe(executor: Executor) -> dict[str, Any]:
    """What a run record says about the executor (it changes the time, never the predictions)."""
    if isinstance(executor, ProcessesExecutor):
        return {"name": executor.name, "workers": executor.workers, "threads_per_worker": executor.threads()}
    if isinstance(executor, RayExecutor):
        return {"name": executor.name, "cpus": executor.cpus, "threads_per_worker": executor.threads_per_worker,
                "address": executor.address or os.environ.get("RAY_ADDRESS")}
    return {"name": executor.name}
