"""Version sets from repository conventions, before any model runs.

Repositories say in their paths which files are versions of each other
(`docs/de/intro.md`, `index.fr.md`, `locales/de.json`, `locale/de/LC_MESSAGES/x.po`).
Pairing from the paths is fast and certain, so it comes first; the files no
convention places stay `loose` for the embedding grouper (`group.py`).

Also here, for incremental runs: include/exclude globs (`select_paths`), the files
a git revision changed (`changed_files`) and the sets they touch (`sets_touching`).
Pure and model-free: nothing here reads a file's content.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Collection, Iterable, Mapping, Sequence

from .errors import CheckerError

LAYOUTS = (
    "folder-per-language",
    "suffix",
    "file-per-language",  # de.txt, fr.txt side by side
    "i18next",
    "rails",
    "gettext",
    "hugo",
    "docusaurus",
    "configured",
)

# When one file fits several conventions, the most specific one places it.
_PRIORITY = {
    "configured": 100,
    "docusaurus": 60,
    "gettext": 50,
    "rails": 40,
    "i18next": 30,
    "hugo": 20,
    "suffix": 12,
    "file-per-language": 11,
    "folder-per-language": 10,
}

# Two files claiming one language in one set: the stronger claim keeps the place.
_RANK_EXACT = 3  # written as the configured code: de/, index.de.md
_RANK_VARIANT = 2  # a region or script variant: pt-BR/, index.zh_Hans.md
_RANK_DEFAULT = 1  # no language in the name, taken as default_language: index.md

# BCP 47 subtags after the language: a region (BR, 419) or one of these scripts.
# Scripts are listed because any 4 letters would make "id-card" Indonesian.
_SCRIPTS = frozenset(
    "hans hant latn cyrl arab deva beng grek hebr jpan kore thai ethi geor armn "
    "taml telu guru gujr knda mlym orya sinh khmr laoo mymr tibt".split()
)
_REGION = re.compile(r"^(?:[a-z]{2}|[0-9]{3})$")


@dataclass(frozen=True)
class DiscoveredSet:
    key: str  # the shared part of the paths, e.g. "docs/{lang}/guide/intro.md"
    layout: str  # one of LAYOUTS
    files: Mapping[str, Path]  # lang -> file (the Path as given to discover)
    # lang -> how the path writes it ("pt-BR" for pt); the default_language when implied
    spellings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Discovery:
    sets: tuple[DiscoveredSet, ...]
    loose: tuple[Path, ...]  # files no convention places (the embedding grouper handles them)
    notes: tuple[str, ...]  # one line per decision a user may want to see
    skipped: tuple[Path, ...] = ()  # not versions at all (gettext .pot templates); see notes


@dataclass(frozen=True)
class _Lang:
    code: str  # the configured language it maps to: "pt"
    spelling: str  # as the path writes it: "pt-BR"
    exact: bool


class _LanguageCodes:
    """Matches path components against the configured languages, case-insensitively,
    mapping region/script variants (pt-BR, pt_BR, zh-Hans) to their base code."""

    def __init__(self, languages: Sequence[str]) -> None:
        self._by_norm = {_norm(code): code for code in languages}

    def parse(self, token: str) -> _Lang | None:
        norm = _norm(token)
        if norm in self._by_norm:  # also a configured variant itself ("pt-BR" in languages)
            return _Lang(self._by_norm[norm], token, True)
        base, *subtags = norm.split("-")
        if (
            base in self._by_norm
            and 1 <= len(subtags) <= 2
            and all(_REGION.match(s) or s in _SCRIPTS for s in subtags)
        ):
            return _Lang(self._by_norm[base], token, False)
        return None


def _norm(code: str) -> str:
    return code.lower().replace("_", "-")


@dataclass(frozen=True)
class _Claim:
    """One reading of a path: "this is the `lang` version of set `key`"."""

    path: Path
    rel: str
    lang: _Lang
    key: str
    layout: str
    position: str  # where the language sits; languages are counted per position
    depth: int  # the slot's depth in the path: a deeper slot is more specific
    default_path: str | None = None  # where the default-language version lives, if a convention says

    @property
    def priority(self) -> tuple[int, int]:
        return (_PRIORITY[self.layout], self.depth)

    @property
    def rank(self) -> int:
        return _RANK_EXACT if self.lang.exact else _RANK_VARIANT


@dataclass
class _Member:
    path: Path
    rel: str
    lang: str
    spelling: str
    rank: int


def discover(
    paths: Sequence[Path],
    root: Path,
    languages: Sequence[str],
    patterns: Sequence[str] = (),
    default_language: str | None = "en",
) -> Discovery:
    """Version sets the paths themselves establish; the rest is `loose`.

    `patterns` ("docs/{lang}/**/*.md") place the files they match and override guessing.
    A file without a language in its name (`index.md` beside `index.de.md`, `docs/x.md`
    beside Docusaurus' `i18n/de/…/current/x.md`) is taken as `default_language` (None: never).
    """
    codes = _LanguageCodes(languages)
    compiled = [_compile_pattern(p) for p in patterns]
    notes: list[str] = []
    loose: list[Path] = []
    skipped: list[Path] = []

    files: dict[str, Path] = {}  # rel posix path -> path as given
    root_resolved = root.resolve()
    for path in paths:
        rel = _relative(path, root_resolved)
        if rel is None:
            notes.append(f"{path}: outside {root}, so no path convention applies")
            loose.append(path)
        elif rel.lower().endswith(".pot"):
            notes.append(f"{rel}: a gettext template (.pot), not a version; skipped")
            skipped.append(path)
        else:
            files.setdefault(rel, path)

    chosen: dict[str, _Claim] = {}
    configured = _configured_claims(files, compiled, codes, notes)
    chosen.update(configured)
    guessable = {rel: p for rel, p in files.items() if rel not in configured}
    chosen.update(_guessed_claims(guessable, codes, default_language, notes))

    sets, placed = _build_sets(files, chosen, default_language, codes, notes)
    loose.extend(p for rel, p in files.items() if rel not in placed)
    return Discovery(tuple(sets), tuple(loose), tuple(notes), tuple(skipped))


def _relative(path: Path, root_resolved: Path) -> str | None:
    try:
        return path.resolve().relative_to(root_resolved).as_posix()
    except ValueError:
        return None


# --- configured patterns -------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    text: str
    regex: re.Pattern[str]
    slots: int


def _compile_pattern(pattern: str) -> _Pattern:
    pieces = pattern.strip().lstrip("/").split("{lang}")
    if len(pieces) < 2:
        raise CheckerError(
            f"discovery pattern {pattern!r} has no {{lang}} (write where the language sits, e.g. \"docs/{{lang}}/**/*.md\")"
        )
    # One group per {lang}, so the key can replace each; they must agree (checked on match).
    body = "".join(
        _glob_regex(piece) + (f"(?P<lang{i}>[^/.]+)" if i < len(pieces) - 1 else "")
        for i, piece in enumerate(pieces)
    )
    return _Pattern(pattern, re.compile(body + r"\Z"), len(pieces) - 1)


def _configured_claims(
    files: Mapping[str, Path], patterns: Sequence[_Pattern], codes: _LanguageCodes, notes: list[str]
) -> dict[str, _Claim]:
    claims: dict[str, _Claim] = {}
    for rel, path in files.items():
        for index, pattern in enumerate(patterns):
            match = pattern.regex.match(rel)
            if not match:
                continue
            tokens = sorted({match.group(f"lang{i}") for i in range(pattern.slots)})
            if len({_norm(t) for t in tokens}) > 1:
                notes.append(
                    f"{rel}: names two languages ({', '.join(tokens)}) where pattern {pattern.text!r} "
                    "wants one; left to the other conventions"
                )
                continue
            lang = codes.parse(tokens[0])
            if lang is None:
                notes.append(
                    f"{rel}: matches pattern {pattern.text!r}, but {tokens[0]!r} is not one of the "
                    "languages; left to the other conventions"
                )
                continue
            key = rel
            for i in reversed(range(pattern.slots)):  # right to left keeps the earlier spans valid
                start, end = match.span(f"lang{i}")
                key = key[:start] + "{lang}" + key[end:]
            # the pattern index keeps two patterns' sets apart even if their keys coincide
            claims[rel] = _Claim(path, rel, lang, key, "configured", f"pattern:{index}", 0)
            break
    return claims


# --- guessing from conventions -------------------------------------------------------


def _guessed_claims(
    files: Mapping[str, Path], codes: _LanguageCodes, default_language: str | None, notes: list[str]
) -> dict[str, _Claim]:
    candidates = {rel: _claims_of(rel, path, codes) for rel, path in files.items()}

    # A language counts only where two languages appear in the same position:
    # `user/id/x.md` with no sibling language folder is not Indonesian.
    languages_at: dict[str, set[str]] = defaultdict(set)
    for claims in candidates.values():
        for claim in claims:
            languages_at[claim.position].add(claim.lang.code)
            if default_language and claim.default_path in files:
                languages_at[claim.position].add(default_language)
    valid = {position for position, langs in languages_at.items() if len(langs) >= 2}

    rejected: dict[str, _Claim] = {}
    chosen: dict[str, _Claim] = {}
    for rel, claims in candidates.items():
        kept = [c for c in claims if c.position in valid]
        for claim in claims:
            if claim.position not in valid:
                rejected.setdefault(claim.position, claim)
        if kept:
            chosen[rel] = max(kept, key=lambda c: c.priority)
    for position, claim in sorted(rejected.items()):
        notes.append(f"{claim.rel}: {_describe_position(position, claim)}, so not a language there")
    return chosen


def _describe_position(position: str, claim: _Claim) -> str:
    kind, _, where = position.partition(":")
    if kind == "folder":
        return f"{claim.lang.spelling!r} is the only language folder in {where or '.'}/"
    if kind == "file":
        return f"{claim.lang.spelling!r} is the only file named after a language in {where or '.'}/"
    return f"{claim.lang.spelling!r} is the only language suffix among the files"


def _claims_of(rel: str, path: Path, codes: _LanguageCodes) -> list[_Claim]:
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    ext = PurePosixPath(name).suffix.lower()
    claims: list[_Claim] = []

    # a folder named after the language, anywhere: docs/de/x.md, locale/de/LC_MESSAGES/x.po
    for i, part in enumerate(parts[:-1]):
        lang = codes.parse(part)
        if lang is None:
            continue
        prefix, rest = parts[:i], parts[i + 1 :]
        key = "/".join((*prefix, "{lang}", *rest))
        layout, default_path = _folder_layout(prefix, rest, ext)
        claims.append(_Claim(path, rel, lang, key, layout, "folder:" + "/".join(prefix), i, default_path))

    parent = parts[:-1]
    dotted = name.split(".")
    # a file named after the language: de.txt, locales/fr.json, po/pt_BR.po
    if len(dotted) == 2 and (lang := codes.parse(dotted[0])):
        key = "/".join((*parent, "{lang}." + dotted[1]))
        layout = _file_layout(parent, ext, "file-per-language")
        claims.append(_Claim(path, rel, lang, key, layout, "file:" + "/".join(parent), len(parts)))

    # a language suffix: index.de.md, devise.fr.yml, about.pt-BR.md
    if len(dotted) >= 3 and dotted[0] and (lang := codes.parse(dotted[-2])):
        stem, suffix = ".".join(dotted[:-2]), dotted[-1]
        key = "/".join((*parent, f"{stem}.{{lang}}.{suffix}"))
        default_path = "/".join((*parent, f"{stem}.{suffix}"))
        layout = _file_layout(parent, ext, "hugo" if "content" in _lower(parent) and ext == ".md" else "suffix")
        # the suffix convention holds (or not) for the whole tree, not per folder
        claims.append(_Claim(path, rel, lang, key, layout, "suffix:", len(parts) + 1, default_path))
    return claims


def _lower(parts: Iterable[str]) -> tuple[str, ...]:
    return tuple(p.lower() for p in parts)


def _file_layout(parent: tuple[str, ...], ext: str, otherwise: str) -> str:
    if ext in (".po", ".mo"):
        return "gettext"
    if _lower(parent[-2:]) == ("config", "locales") and ext in (".yml", ".yaml"):
        return "rails"
    if ext == ".json":
        return "i18next"
    return otherwise


# Docusaurus keeps translations in i18n/<lang>/<plugin folder>/…, the default language elsewhere.
_DOCUSAURUS_SOURCES = {
    "docusaurus-plugin-content-blog": ("blog",),
    "docusaurus-plugin-content-pages": ("src", "pages"),
}


def _folder_layout(prefix: tuple[str, ...], rest: tuple[str, ...], ext: str) -> tuple[str, str | None]:
    """The convention a language folder belongs to, and where its default-language version lives."""
    low_prefix, low_rest = _lower(prefix), _lower(rest)
    if low_prefix[-1:] == ("i18n",) and (low_rest[0].startswith("docusaurus-") or low_rest == ("code.json",)):
        return "docusaurus", _docusaurus_source(prefix[:-1], rest)
    if len(rest) >= 2 and low_rest[0] == "lc_messages":
        return "gettext", None
    if low_prefix[-2:] == ("config", "locales"):
        return "rails", None
    if ext == ".json":
        return "i18next", None
    if low_prefix[-1:] == ("content",):
        return "hugo", None
    return "folder-per-language", None


def _docusaurus_source(site: tuple[str, ...], rest: tuple[str, ...]) -> str | None:
    plugin, inner = rest[0], rest[1:]
    if plugin == "docusaurus-plugin-content-docs" and len(inner) >= 2:
        if inner[0] == "current":
            return "/".join((*site, "docs", *inner[1:]))
        if inner[0].startswith("version-"):
            return "/".join((*site, "versioned_docs", *inner))
    if plugin in _DOCUSAURUS_SOURCES and inner:
        return "/".join((*site, *_DOCUSAURUS_SOURCES[plugin], *inner))
    return None  # theme strings, other plugin instances: the translations pair among themselves


# --- from claims to sets -------------------------------------------------------------


def _build_sets(
    files: Mapping[str, Path],
    chosen: Mapping[str, _Claim],
    default_language: str | None,
    codes: _LanguageCodes,
    notes: list[str],
) -> tuple[list[DiscoveredSet], set[str]]:
    by_key: dict[tuple[str, str], list[_Claim]] = defaultdict(list)
    for claim in chosen.values():
        # configured sets are told apart by pattern; guessed ones by key alone
        scope = claim.position if claim.layout == "configured" else ""
        by_key[(scope, claim.key)].append(claim)

    members: dict[tuple[str, str], list[_Member]] = {
        ident: [_Member(c.path, c.rel, c.lang.code, c.lang.spelling, c.rank) for c in claims]
        for ident, claims in by_key.items()
    }
    if default_language:
        _attach_defaults(files, chosen, by_key, members, default_language, codes)

    sets: list[DiscoveredSet] = []
    placed: set[str] = set()
    for ident in sorted(members, key=lambda i: (i[1], i[0])):
        key = ident[1]
        layout = max(by_key[ident], key=lambda c: c.priority).layout
        kept = _one_per_language(key, members[ident], notes)
        if len(kept) < 2:
            langs = ", ".join(m.lang for m in kept)
            notes.append(f"{key}: only {langs or 'conflicting files'}, left to the content grouper")
            continue
        kept.sort(key=lambda m: m.lang)
        sets.append(
            DiscoveredSet(
                key=key,
                layout=layout,
                files={m.lang: m.path for m in kept},
                spellings={m.lang: m.spelling for m in kept},
            )
        )
        placed.update(m.rel for m in kept)
        for m in kept:
            if m.rank == _RANK_DEFAULT:
                notes.append(f"{m.rel}: no language in its path, taken as {m.lang} (default_language) in {key}")
        langs = ", ".join(m.lang if m.spelling.lower() == m.lang.lower() else f"{m.lang}={m.spelling}" for m in kept)
        notes.append(f"{key}: {langs} ({layout})")
    return sets, placed


def _attach_defaults(
    files: Mapping[str, Path],
    chosen: Mapping[str, _Claim],
    by_key: Mapping[tuple[str, str], list[_Claim]],
    members: dict[tuple[str, str], list[_Member]],
    default_language: str,
    codes: _LanguageCodes,
) -> None:
    """`index.md` joins `index.{lang}.md` (and `docs/x.md` Docusaurus' i18n/{lang}/…/x.md)
    as the default language, unless a convention already placed it elsewhere."""
    wanted: dict[str, tuple[str, str]] = {}
    for ident, claims in sorted(by_key.items(), key=lambda item: -max(c.priority for c in item[1])[0]):
        for claim in claims:
            if claim.default_path is not None:
                wanted.setdefault(claim.default_path, ident)
    parsed = codes.parse(default_language)
    code = parsed.code if parsed else default_language
    for rel, ident in wanted.items():
        if rel in files and rel not in chosen:
            members[ident].append(_Member(files[rel], rel, code, default_language, _RANK_DEFAULT))


def _one_per_language(key: str, members: list[_Member], notes: list[str]) -> list[_Member]:
    """One file per language: the strongest claim keeps it (de/ over de-AT/, index.en.md
    over an implied index.md); two equally strong claims both leave the set."""
    by_lang: dict[str, list[_Member]] = defaultdict(list)
    for member in members:
        by_lang[member.lang].append(member)
    kept: list[_Member] = []
    for lang, claimants in by_lang.items():
        if len(claimants) == 1:
            kept.append(claimants[0])
            continue
        claimants.sort(key=lambda m: (-m.rank, m.rel))
        names = ", ".join(m.rel for m in claimants)
        if claimants[0].rank > claimants[1].rank:
            kept.append(claimants[0])
            notes.append(f"{key}: {names} all claim {lang}; kept {claimants[0].rel}, the most explicit")
        else:
            notes.append(f"{key}: {names} all claim {lang} equally; none is placed for {lang}")
    return kept


# --- include / exclude ---------------------------------------------------------------


def _glob_regex(glob: str) -> str:
    """gitignore-style glob -> regex body: `*` and `?` stay inside one folder, `**` crosses them."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and (end := glob.find("]", i + 2)) != -1:
            inner = glob[i + 1 : end]
            out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


def _rules(globs: Sequence[str]) -> list[_Rule]:
    rules = []
    for raw in globs:
        glob = raw.strip()
        if not glob or glob.startswith("#"):
            continue
        negated = glob.startswith("!")
        glob = glob[1:] if negated else glob
        folders_only = glob.endswith("/")
        glob = glob.rstrip("/")
        # like .gitignore: a glob with a slash is anchored at the root, one without matches at any depth
        anchored = "/" in glob
        body = _glob_regex(glob.lstrip("/"))
        rules.append(_Rule(re.compile(("" if anchored else "(?:.*/)?") + body + r"\Z"), negated, folders_only))
    return rules


def _matches(rules: Sequence[_Rule], rel: str) -> bool:
    """The last rule that matches the file, or a folder above it, decides (`!` re-includes)."""
    parts = rel.split("/")
    folders = ["/".join(parts[:n]) for n in range(1, len(parts))]
    decided = False
    for rule in rules:
        candidates = folders if rule.folders_only else [*folders, rel]
        if any(rule.regex.match(c) for c in candidates):
            decided = not rule.negated
    return decided


def select_paths(paths: Sequence[Path], root: Path, include: Sequence[str], exclude: Sequence[str]) -> list[Path]:
    """The paths that match `include` (all when empty) and not `exclude`, in their order.

    Globs are gitignore-style, relative to `root`: "**/*.md", "vendor/**", "drafts/",
    "*.tmp", "!docs/keep.md". Unlike git, a `!` rule re-includes a file even below an
    excluded folder. A path outside `root` matches no glob.
    """
    include_rules, exclude_rules = _rules(include), _rules(exclude)
    root_resolved = root.resolve()
    selected = []
    for path in paths:
        rel = _relative(path, root_resolved)
        included = not include_rules or (rel is not None and _matches(include_rules, rel))
        if included and not (rel is not None and _matches(exclude_rules, rel)):
            selected.append(path)
    return selected


# --- incremental runs ----------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise CheckerError("--changed-since needs git, and git is not installed") from exc


def changed_files(ref: str, root: Path) -> set[Path]:
    """Files that differ from `ref` in the work tree (committed since, staged or not),
    plus untracked ones git does not ignore; absolute, resolved paths (deleted files included)."""
    if not root.is_dir():
        raise CheckerError(f"{root}: no such folder, so no git repository to compare with")
    top = _git(["rev-parse", "--show-toplevel"], root)
    if top.returncode != 0:
        raise CheckerError(
            f"{root}: not inside a git repository (--changed-since needs one; "
            "drop the option or run checker inside the repository)"
        )
    toplevel = Path(os.fsdecode(top.stdout.strip()))
    commit = None
    if ref and not ref.startswith("-"):  # never let a ref pass as an option
        found = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], toplevel)
        commit = os.fsdecode(found.stdout.strip()) if found.returncode == 0 else None
    if not commit:
        raise CheckerError(f"--changed-since {ref!r}: no such commit, branch or tag in {toplevel} (see `git log --oneline`)")
    # run from the top: both commands then print paths relative to it, whatever diff.relative says
    diff = _git(["diff", "--name-only", "--no-renames", "-z", commit, "--"], toplevel)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], toplevel)
    for proc in (diff, untracked):
        if proc.returncode != 0:
            raise CheckerError(f"git failed in {toplevel}: {os.fsdecode(proc.stderr).strip()}")
    names = [n for out in (diff.stdout, untracked.stdout) for n in out.split(b"\0") if n]
    return {(toplevel / os.fsdecode(name)).resolve() for name in names}


def any_changed(paths: Iterable[Path], changed: Collection[Path]) -> bool:
    """True when one of `paths` (as given, relative or not) is among the resolved `changed`."""
    return any(p.resolve() in changed for p in paths)


def sets_touching(discovery: Discovery, changed: Collection[Path]) -> Discovery:
    """The discovery with only the sets that have a changed file (`changed_files`).

    Loose files stay: which files they pair with is known only after the content
    grouper ran, so filter its sets with `any_changed` afterwards.
    """
    changed = set(changed)
    kept = tuple(s for s in discovery.sets if any_changed(s.files.values(), changed))
    note = f"changed files touch {len(kept)} of {len(discovery.sets)} version sets; the others are not checked"
    return replace(discovery, sets=kept, notes=(*discovery.notes, note))
