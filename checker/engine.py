"""Where the version sets of a run are compared: in this process, or on a Ray cluster.

Loading, embedding and grouping (`prepare_run`) always run here; what an engine
distributes is `check_version_set`, which depends only on its arguments. The Ray
engine ships each version set (its documents, with their sentence vectors) and the
configuration to a pool of actors, one per CPU of the cluster; each actor builds its
backends once and keeps them for every set it is given. Results come back in the
order the sets were planned and `assemble_result` sorts the findings, so the JSON
report is the same whichever engine produced it.

Every machine of the cluster needs checker installed (`pip install 'checker[ray]'`);
each keeps its own cache of model outputs (its $CHECKER_CACHE_DIR, else ~/.cache/checker).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable, Collection, Protocol, Sequence

from .errors import CheckerError
from .pipeline import SetResult, assemble_result, check_version_set, prepare_run, signature
from .reuse import encode_result, reused_results

if TYPE_CHECKING:
    from pathlib import Path

    from .backends.registry import Backends
    from .cache import CacheStore, TranslationCache
    from .config import Config
    from .embed import EmbeddedDocument
    from .load import LoadProblem
    from .own_reports import OwnReports
    from .records import RunResult, VersionSet

Progress = Callable[[str], None]
VersionSets = Sequence[tuple["VersionSet", Sequence["EmbeddedDocument"]]]
BackendsFactory = Callable[["Config"], "Backends"]

ENGINES = ("local", "ray")


class Engine(Protocol):
    name: str

    def check_sets(
        self,
        sets: VersionSets,
        config: "Config",
        backends: "Backends",
        cache: "TranslationCache | None" = None,
        progress: Progress | None = None,
    ) -> list[SetResult]:
        """One SetResult per version set, in the order of `sets`."""
        ...


def _label(number: int, total: int, members: Sequence["EmbeddedDocument"]) -> str:
    return f"version set {number}/{total}: {', '.join(d.document.path for d in members)}"


class LocalEngine:
    """Every set in this process, one after the other, with the run's own backends."""

    name = "local"

    def check_sets(self, sets, config, backends, cache=None, progress=None) -> list[SetResult]:
        say = progress or (lambda message: None)
        results = []
        for number, (vs, members) in enumerate(sets, start=1):
            say(_label(number, len(sets), members))
            results.append(check_version_set(vs, members, config, backends, cache, say))
        return results


class _SetWorker:
    """A Ray actor: builds the backends once (from the configuration, on its own machine),
    then checks every version set it is sent."""

    def __init__(self, config: "Config", factory: BackendsFactory) -> None:
        from .cache import open_store

        self._config = config
        self._backends = factory(config)
        store = open_store(config.cache)
        self._cache = store.translations if store is not None and self._backends.translator else None

    def check(self, vs: "VersionSet", members: Sequence["EmbeddedDocument"]) -> SetResult:
        return check_version_set(vs, members, self._config, self._backends, self._cache)


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise CheckerError(
            "--engine ray needs the ray package: pip install 'checker[ray]' (or use --engine local)"
        ) from exc
    return ray


class RayEngine:
    """Version sets on a Ray cluster: `address` of a running one (`ray start --head` prints
    it; "auto" finds a local one), else a Ray instance started here for this run. An
    already initialised Ray (a test's ray.init) is used as it is."""

    name = "ray"

    def __init__(self, address: str | None = None, backends_factory: BackendsFactory | None = None, workers: int | None = None) -> None:
        self._ray = _import_ray()
        self.address = address
        if address:
            _refuse_unreachable(address)  # ray.init would wait on a closed port for minutes
        if backends_factory is None:
            from .backends import registry

            backends_factory = registry.build_backends  # looked up now, so a replaced one is the one shipped
        self._factory = backends_factory
        self._workers = workers

    def check_sets(self, sets, config, backends, cache=None, progress=None) -> list[SetResult]:
        say = progress or (lambda message: None)
        if not sets:
            return []
        ray = self._ray
        from ray.util import ActorPool

        started_here = not ray.is_initialized()
        if started_here:
            self._init(ray)
        try:
            cpus = int(ray.cluster_resources().get("CPU", 1))
            count = max(1, min(len(sets), self._workers or cpus))
            say(f"checking {len(sets)} version sets on {count} Ray workers")
            worker_class = ray.remote(num_cpus=1)(_SetWorker)
            actors = [worker_class.remote(config, self._factory) for _ in range(count)]
            pool = ActorPool(actors)
            # map() yields in submission order, whatever order the sets finish in
            results = []
            for number, result in enumerate(pool.map(lambda actor, item: actor.check.remote(*item), list(sets)), start=1):
                say(_label(number, len(sets), sets[number - 1][1]) + " checked")
                results.append(result)
            for actor in actors:
                ray.kill(actor)
            return results
        finally:
            if started_here:
                ray.shutdown()

    def _init(self, ray) -> None:
        # Worker output must not reach stdout: a --format report may be written there.
        options = {"log_to_driver": False, "configure_logging": False}
        try:
            if self.address:
                ray.init(address=self.address, **options)
            else:
                ray.init(include_dashboard=False, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local Ray instance"
            raise CheckerError(f"cannot start or reach {where} ({exc}); check --ray-address, or use --engine local") from exc


# How long a cluster's head may take to accept a connection before checker gives up.
_CONNECT_TIMEOUT_S = 5.0


def _refuse_unreachable(address: str) -> None:
    """A CheckerError, before any work, when `address` (HOST:PORT or ray://HOST:PORT) names a
    port nothing listens on; "auto" and other forms are left to Ray."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit() or not host:
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=_CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise CheckerError(
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it (ray start --head) "
            "or check --ray-address, or use --engine local"
        ) from exc


def make_engine(name: str = "local", ray_address: str | None = None) -> Engine:
    if name == "local":
        if ray_address:
            raise CheckerError("--ray-address goes with --engine ray")
        return LocalEngine()
    if name == "ray":
        return RayEngine(ray_address or os.environ.get("RAY_ADDRESS") or None)
    raise CheckerError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")


def run_check_with(
    engine: Engine,
    inputs: Sequence[str],
    config: "Config",
    backends: "Backends",
    progress: Progress | None = None,
    cache: "TranslationCache | None" = None,
    changed: "Collection[Path] | None" = None,
    on_problem: "Callable[[LoadProblem], None] | None" = None,
    store: "CacheStore | None" = None,
    own: "OwnReports | None" = None,
) -> "RunResult":
    """pipeline.run_check, with the version sets compared by `engine`; with a `store`, the
    sets whose documents, configuration, models and code are unchanged are read back (reuse.py)."""
    say = progress or (lambda message: None)
    prepared = prepare_run(inputs, config, backends, say, changed, on_problem, own)
    if store is None:
        return assemble_result(prepared, engine.check_sets(prepared.sets, config, backends, cache, say), config, backends)
    run_signature = signature(config, backends)
    results, to_compare = reused_results(store, run_signature, prepared.sets, config)
    if results:
        say(f"{len(results)} of {len(prepared.sets)} version sets unchanged since a cached run: results reused")
    order = sorted(to_compare)
    fresh = engine.check_sets([prepared.sets[i] for i in order], config, backends, cache, say)
    store.put_set_results(run_signature, [(to_compare[i], encode_result(r)) for i, r in zip(order, fresh)])
    results.update(zip(order, fresh))
    return assemble_result(prepared, [results[i] for i in range(len(prepared.sets))], config, backends)
