"""Preset models in the Hugging Face cache: which files are there, whether they are intact, and
fetching the missing ones (`checker models pull`, or `check --allow-download`).

Everything goes through huggingface_hub, file by file as the registry lists them, into the
standard cache: HF_HOME / HF_HUB_CACHE, HF_ENDPOINT, HF_HUB_OFFLINE and the user's token
are honoured, read when a command runs (not when huggingface_hub was imported).

A hub that does not answer must fail in seconds: huggingface_hub retries a metadata request
that timed out with a 60 s timeout, so one short HEAD request goes first and a silent hub ends
the pull there. A file in the cache is trusted only while its content matches the name the
hub gave it (the sha256 of a large file, git's blob hash of a small one) and the sha256 the
registry records, if any; a damaged one is named with the command that fetches it again.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence, TextIO

from ..backends.model_files import PICKLE_WEIGHT_SUFFIXES, ALLOW_PICKLE_HOW, file_sha256, verify_sha256
from ..errors import ModelUnavailableError
from .catalog import ModelEntry

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT_S = 5.0  # a hub that has not answered a HEAD request by then is treated as down
_HEX = set("0123456789abcdef")


@dataclass(frozen=True)
class HubSettings:
    endpoint: str
    cache_dir: Path
    offline: bool  # HF_HUB_OFFLINE: never ask the hub


def hub_settings() -> HubSettings:
    """The hub and cache of this run, from the environment as it is now."""
    env = os.environ
    if env.get("HF_HUB_CACHE"):
        cache = Path(env["HF_HUB_CACHE"])
    else:
        home = env.get("HF_HOME") or str(Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "huggingface")
        cache = Path(home) / "hub"
    offline = (env.get("HF_HUB_OFFLINE") or env.get("TRANSFORMERS_OFFLINE") or "").strip().lower() in {"1", "on", "yes", "true"}
    return HubSettings((env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"), cache.expanduser(), offline)


def pull_command(languages: Sequence[str]) -> str:
    langs = ",".join(languages)
    return "checker models pull --models full" + (f" --languages {langs}" if langs else "")


def cached_file(entry: ModelEntry, filename: str, settings: HubSettings) -> Path | None:
    """The cache's copy of one file of `entry` at its revision (never asks the hub)."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(entry.id, filename, cache_dir=str(settings.cache_dir), revision=entry.revision)
    return Path(found) if isinstance(found, str) and os.path.isfile(found) else None


def missing_files(entry: ModelEntry, settings: HubSettings) -> list[str]:
    return [f for f in entry.files if cached_file(entry, f, settings) is None]


def snapshot_dir(entry: ModelEntry, settings: HubSettings) -> Path:
    """The folder that holds every file of `entry` (the cache's snapshot of its revision)."""
    paths = [cached_file(entry, f, settings) for f in entry.files]
    if any(p is None for p in paths):
        raise ModelUnavailableError(f"model '{entry.id}' is not in the Hugging Face cache ({settings.cache_dir}); fetch it with `{pull_command(entry.languages if entry.languages != ('*',) else ())}`")
    return paths[0].parent  # type: ignore[union-attr]


def _git_blob_sha1(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def verify_cached(entry: ModelEntry, settings: HubSettings, memo_dir: Path) -> None:
    """Raise ModelUnavailableError when a cached file of `entry` is not what was downloaded."""
    fix = f"fetch it again with `{pull_command(())}` (damaged files are downloaded anew)"
    for filename in entry.files:
        path = cached_file(entry, filename, settings)
        if path is None:
            continue
        problem = content_problem(entry, filename, path, memo_dir)
        if problem:
            raise ModelUnavailableError(f"{path}: {problem}, so checker will not load '{entry.id}'; {fix}")


def content_problem(entry: ModelEntry, filename: str, path: Path, memo_dir: Path) -> str | None:
    recorded = entry.file_sha256.get(filename)
    if recorded:
        try:
            verify_sha256(path, recorded, memo_dir, "")
        except ModelUnavailableError:
            return f"its sha256 differs from the one the registry records for {filename}"
    blob = os.path.basename(os.path.realpath(path))  # the cache names each blob by the hub's hash of it
    if len(blob) == 64 and set(blob) <= _HEX:
        try:
            verify_sha256(path, blob, memo_dir, "")
        except ModelUnavailableError:
            return "its sha256 differs from the hash the hub gave it (truncated or changed after the download)"
    elif len(blob) == 40 and set(blob) <= _HEX and _git_blob_sha1(path) != blob:
        return "its content differs from the hash the hub gave it (truncated or changed after the download)"
    return None


def refuse_pickle(entries: Iterable[ModelEntry], allow_pickle: bool) -> None:
    if allow_pickle:
        return
    for e in entries:
        pickled = [f for f in e.files if Path(f).suffix.lower() in PICKLE_WEIGHT_SUFFIXES]
        if pickled:
            raise ModelUnavailableError(
                f"model '{e.id}' lists pickle weights ({', '.join(pickled)}) in the registry: loading a pickle file can run "
                f"any code hidden in it, so checker fetches and loads safetensors only; if you trust its source, {ALLOW_PICKLE_HOW}"
            )


def _hub_error(entry: ModelEntry, filename: str, settings: HubSettings, exc: BaseException) -> ModelUnavailableError:
    """One line for whatever went wrong talking to the hub (never a traceback)."""
    from huggingface_hub import errors

    where = f"'{entry.id}' file {filename} at revision {entry.revision} from {settings.endpoint}"
    if isinstance(exc, errors.RepositoryNotFoundError):
        why = "the hub has no such repository (or it is private: log in with `hf auth login`)"
    elif isinstance(exc, errors.RevisionNotFoundError):
        why = "the hub has no such revision"
    elif isinstance(exc, errors.EntryNotFoundError):
        why = "the hub has no such file at that revision (the registry lists a file the repository lacks)"
    elif isinstance(exc, errors.OfflineModeIsEnabled):
        why = "HF_HUB_OFFLINE is set, so nothing may be downloaded"
    elif isinstance(exc, errors.HfHubHTTPError):
        why = f"the hub answered {exc}".splitlines()[0]
    else:
        why = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return ModelUnavailableError(f"cannot download {where}: {why}")


def probe(settings: HubSettings, entry: ModelEntry) -> None:
    """One HEAD request with a short timeout: a hub that is down or silent ends the pull here."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    url = hf_hub_url(entry.id, entry.files[0], revision=entry.revision, endpoint=settings.endpoint)
    try:
        get_hf_file_metadata(url, timeout=PROBE_TIMEOUT_S, endpoint=settings.endpoint)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one message and exit 2
        from huggingface_hub import errors

        if isinstance(exc, errors.HfHubHTTPError):  # it answered: say what
            raise _hub_error(entry, entry.files[0], settings, exc) from None
        detail = str(exc).splitlines()[0] if str(exc) else "no answer"
        raise ModelUnavailableError(
            f"the model hub at {settings.endpoint} could not be reached or did not answer within {PROBE_TIMEOUT_S:.0f} s "
            f"({type(exc).__name__}: {detail}); check the network, HF_ENDPOINT and any proxy, "
            "or run offline: the default `--models offline` needs no download"
        ) from None


def _progress_bars(out: TextIO):
    """tqdm bars on `out` whether or not it is a terminal (huggingface_hub's own bars show only on
    one, and a CI log should say what was fetched too); none with HF_HUB_DISABLE_PROGRESS_BARS=1."""
    if os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").strip().lower() in {"1", "on", "yes", "true"}:
        return None
    from tqdm.std import tqdm

    class Bar(tqdm):
        def __init__(self, *args, **kwargs) -> None:
            kwargs.pop("name", None)
            super().__init__(*args, **{**kwargs, "file": out, "disable": False, "mininterval": 0.5})

    return Bar


def pull(entries: Sequence[ModelEntry], settings: HubSettings, memo_dir: Path, allow_pickle: bool = False,
         out: TextIO | None = None) -> list[Path]:
    """Fetch every file of `entries` that the cache lacks or holds damaged; returns the snapshot
    folders. A line per file and a progress bar go to `out` (stderr)."""
    import huggingface_hub.constants as hub_constants

    out = out or sys.stderr
    refuse_pickle(entries, allow_pickle)
    # An explicit pull follows HF_HUB_OFFLINE as set now, not a flag an earlier load in this
    # process set (hf_seq2seq turns it on before loading); restored afterwards.
    before = hub_constants.HF_HUB_OFFLINE
    hub_constants.HF_HUB_OFFLINE = settings.offline
    try:
        _fetch(entries, settings, memo_dir, out)
    finally:
        hub_constants.HF_HUB_OFFLINE = before
    return [snapshot_dir(e, settings) for e in entries]


def _fetch(entries: Sequence[ModelEntry], settings: HubSettings, memo_dir: Path, out: TextIO) -> None:
    from huggingface_hub import hf_hub_download

    todo = [(e, f) for e in entries for f in e.files
            if (p := cached_file(e, f, settings)) is None or content_problem(e, f, p, memo_dir)]
    if todo and settings.offline:
        e, f = todo[0]
        raise ModelUnavailableError(f"'{e.id}' is not (or not intact) in the Hugging Face cache and HF_HUB_OFFLINE is set, so it cannot be downloaded")
    if todo:
        probe(settings, todo[0][0])
    for entry, filename in todo:
        damaged = cached_file(entry, filename, settings) is not None
        print(f"downloading {entry.id} {filename} (revision {entry.revision})", file=out, flush=True)
        try:
            path = Path(hf_hub_download(
                entry.id, filename, revision=entry.revision, cache_dir=str(settings.cache_dir),
                endpoint=settings.endpoint, etag_timeout=PROBE_TIMEOUT_S, force_download=damaged,
                tqdm_class=_progress_bars(out),
            ))
        except Exception as exc:  # noqa: BLE001 - hub, HTTP and disk errors alike: one message, exit 2
            raise _hub_error(entry, filename, settings, exc) from None
        problem = content_problem(entry, filename, path, memo_dir)
        if problem:
            _discard(path)  # never left in the cache for a later run to find
            raise ModelUnavailableError(f"{entry.id} {filename} from {settings.endpoint}: {problem}; the download was refused")


def _discard(pointer: Path) -> None:
    blob = Path(os.path.realpath(pointer))
    for p in (pointer, blob):
        try:
            p.unlink()
        except OSError:
            pass


def describe_missing(missing: Sequence[tuple[ModelEntry, Sequence[str]]], languages: Sequence[str]) -> str:
    names = "; ".join(e.id + (f" ({len(files)} of its {len(e.files)} files)" if len(files) < len(e.files) else "")
                      for e, files in missing)
    return (
        f"--models full needs models that are not in the Hugging Face cache: {names}. Fetch them with "
        f"`{pull_command(languages)}`, or let this run download them with --allow-download "
        "(or allow_download = true in checker.toml)"
    )
