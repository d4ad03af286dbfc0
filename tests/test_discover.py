"""Version sets from path conventions (checker/discover.py): each layout on a small
sample repository, the false-positive traps, include/exclude globs and --changed-since."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from checker.config import load_config
from checker.discover import (
    Discovery,
    any_changed,
    changed_files,
    discover,
    select_paths,
    sets_touching,
)
from checker.errors import CheckerError

LANGS = ("de", "fr", "id", "en", "es", "it", "nl", "pt")


def make_repo(root: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"text of {name}\n", encoding="utf-8")
        paths.append(path)
    return paths


def found(root: Path, *names: str, **kwargs) -> Discovery:
    return discover(make_repo(root, *names), root, kwargs.pop("languages", LANGS), **kwargs)


def shape(discovery: Discovery, root: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (layout, {lang: path relative to root})"""
    return {
        s.key: (s.layout, {lang: p.relative_to(root).as_posix() for lang, p in s.files.items()})
        for s in discovery.sets
    }


def loose(discovery: Discovery, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in discovery.loose]


def test_folder_per_language_anywhere_in_the_path(tmp_path):
    d = found(
        tmp_path,
        "docs/de/guide/intro.md", "docs/en/guide/intro.md", "docs/fr/guide/intro.md",
        "de/index.md", "en/index.md",
    )
    assert shape(d, tmp_path) == {
        "docs/{lang}/guide/intro.md": (
            "folder-per-language",
            {"de": "docs/de/guide/intro.md", "en": "docs/en/guide/intro.md", "fr": "docs/fr/guide/intro.md"},
        ),
        "{lang}/index.md": ("folder-per-language", {"de": "de/index.md", "en": "en/index.md"}),
    }
    assert d.loose == ()
    assert "docs/{lang}/guide/intro.md: de, en, fr (folder-per-language)" in d.notes
    # the paths come back as given, in a mapping sorted by language
    assert list(d.sets[0].files) == ["de", "en", "fr"]


def test_suffix_layout_takes_the_unsuffixed_file_as_the_default_language(tmp_path):
    d = found(tmp_path, "docs/index.md", "docs/index.de.md", "docs/index.fr.md", "docs/about.de.md", "docs/about.fr.md")
    assert shape(d, tmp_path) == {
        "docs/about.{lang}.md": ("suffix", {"de": "docs/about.de.md", "fr": "docs/about.fr.md"}),
        "docs/index.{lang}.md": (
            "suffix",
            {"de": "docs/index.de.md", "en": "docs/index.md", "fr": "docs/index.fr.md"},
        ),
    }
    assert any("docs/index.md: no language in its path, taken as en (default_language)" in n for n in d.notes)


def test_default_language_is_a_parameter_and_can_be_switched_off(tmp_path):
    names = ("README.md", "README.id.md", "README.fr.md")
    d = found(tmp_path, *names, default_language="de")
    assert shape(d, tmp_path)["README.{lang}.md"][1] == {"de": "README.md", "fr": "README.fr.md", "id": "README.id.md"}
    assert d.sets[0].spellings["de"] == "de"

    off = found(tmp_path, *names, default_language=None)
    assert shape(off, tmp_path)["README.{lang}.md"][1] == {"fr": "README.fr.md", "id": "README.id.md"}
    assert loose(off, tmp_path) == ["README.md"]


def test_one_translation_beside_the_default_is_a_set(tmp_path):
    # mkdocs-static-i18n with a single translation: the default file is the second language
    d = found(tmp_path, "docs/index.md", "docs/index.de.md")
    assert shape(d, tmp_path) == {"docs/index.{lang}.md": ("suffix", {"de": "docs/index.de.md", "en": "docs/index.md"})}


def test_explicit_default_language_file_wins_over_the_implied_one(tmp_path):
    d = found(tmp_path, "index.md", "index.en.md", "index.de.md")
    assert shape(d, tmp_path) == {"index.{lang}.md": ("suffix", {"de": "index.de.md", "en": "index.en.md"})}
    assert loose(d, tmp_path) == ["index.md"]
    assert any("kept index.en.md, the most explicit" in n for n in d.notes)
    assert not any("taken as en" in n for n in d.notes)


def test_i18next_locale_trees(tmp_path):
    d = found(
        tmp_path,
        "public/locales/de/common.json", "public/locales/fr/common.json",
        "public/locales/de/translation.json", "public/locales/fr/translation.json",
        "locales/de.json", "locales/en.json", "locales/fr.json",
    )
    assert shape(d, tmp_path) == {
        "locales/{lang}.json": (
            "i18next",
            {"de": "locales/de.json", "en": "locales/en.json", "fr": "locales/fr.json"},
        ),
        "public/locales/{lang}/common.json": (
            "i18next",
            {"de": "public/locales/de/common.json", "fr": "public/locales/fr/common.json"},
        ),
        "public/locales/{lang}/translation.json": (
            "i18next",
            {"de": "public/locales/de/translation.json", "fr": "public/locales/fr/translation.json"},
        ),
    }


def test_rails_locales(tmp_path):
    d = found(
        tmp_path,
        "config/locales/de.yml", "config/locales/en.yml",
        "config/locales/devise.de.yml", "config/locales/devise.en.yml", "config/locales/devise.fr.yml",
    )
    assert shape(d, tmp_path) == {
        "config/locales/{lang}.yml": ("rails", {"de": "config/locales/de.yml", "en": "config/locales/en.yml"}),
        "config/locales/devise.{lang}.yml": (
            "rails",
            {"de": "config/locales/devise.de.yml", "en": "config/locales/devise.en.yml", "fr": "config/locales/devise.fr.yml"},
        ),
    }


def test_gettext_catalogues_and_the_template_is_skipped(tmp_path):
    d = found(
        tmp_path,
        "locale/de/LC_MESSAGES/messages.po", "locale/fr/LC_MESSAGES/messages.po",
        "locale/messages.pot",
        "po/de.po", "po/pt_BR.po", "po/app.pot",
    )
    assert shape(d, tmp_path) == {
        "locale/{lang}/LC_MESSAGES/messages.po": (
            "gettext",
            {"de": "locale/de/LC_MESSAGES/messages.po", "fr": "locale/fr/LC_MESSAGES/messages.po"},
        ),
        "po/{lang}.po": ("gettext", {"de": "po/de.po", "pt": "po/pt_BR.po"}),
    }
    assert d.loose == ()
    assert sorted(p.name for p in d.skipped) == ["app.pot", "messages.pot"]
    assert "locale/messages.pot: a gettext template (.pot), not a version; skipped" in d.notes


def test_hugo_content_folders_and_suffixes(tmp_path):
    d = found(
        tmp_path,
        "content/de/posts/a.md", "content/fr/posts/a.md",
        "site/content/about.md", "site/content/about.fr.md", "site/content/about.de.md",
    )
    assert shape(d, tmp_path) == {
        "content/{lang}/posts/a.md": ("hugo", {"de": "content/de/posts/a.md", "fr": "content/fr/posts/a.md"}),
        "site/content/about.{lang}.md": (
            "hugo",
            {"de": "site/content/about.de.md", "en": "site/content/about.md", "fr": "site/content/about.fr.md"},
        ),
    }


def test_docusaurus_translations_pair_with_the_default_docs(tmp_path):
    d = found(
        tmp_path,
        "website/docs/intro.md",
        "website/i18n/fr/docusaurus-plugin-content-docs/current/intro.md",
        "website/i18n/de/docusaurus-plugin-content-docs/current/intro.md",
        "website/blog/2024-01-01-hello.md",
        "website/i18n/fr/docusaurus-plugin-content-blog/2024-01-01-hello.md",
        "website/versioned_docs/version-1.0/setup.md",
        "website/i18n/fr/docusaurus-plugin-content-docs/version-1.0/setup.md",
    )
    prefix = "website/i18n/{lang}/"
    assert shape(d, tmp_path) == {
        prefix + "docusaurus-plugin-content-blog/2024-01-01-hello.md": (
            "docusaurus",
            {"en": "website/blog/2024-01-01-hello.md", "fr": "website/i18n/fr/docusaurus-plugin-content-blog/2024-01-01-hello.md"},
        ),
        prefix + "docusaurus-plugin-content-docs/current/intro.md": (
            "docusaurus",
            {
                "de": "website/i18n/de/docusaurus-plugin-content-docs/current/intro.md",
                "en": "website/docs/intro.md",
                "fr": "website/i18n/fr/docusaurus-plugin-content-docs/current/intro.md",
            },
        ),
        prefix + "docusaurus-plugin-content-docs/version-1.0/setup.md": (
            "docusaurus",
            {"en": "website/versioned_docs/version-1.0/setup.md", "fr": "website/i18n/fr/docusaurus-plugin-content-docs/version-1.0/setup.md"},
        ),
    }
    assert d.loose == ()


def test_configured_patterns_place_files_and_override_guessing(tmp_path):
    d = found(
        tmp_path,
        "manual/de/a/b.md", "manual/fr/a/b.md", "manual/de/c.md",
        "strings/app-de.json", "strings/app-fr.json",
        "manual/xx/a/b.md",
        patterns=["manual/{lang}/**/*.md", "strings/app-{lang}.json"],
    )
    assert shape(d, tmp_path) == {
        "manual/{lang}/a/b.md": ("configured", {"de": "manual/de/a/b.md", "fr": "manual/fr/a/b.md"}),
        "strings/app-{lang}.json": ("configured", {"de": "strings/app-de.json", "fr": "strings/app-fr.json"}),
    }
    assert loose(d, tmp_path) == ["manual/de/c.md", "manual/xx/a/b.md"]
    assert "manual/{lang}/c.md: only de, left to the content grouper" in d.notes
    assert any(n.startswith("manual/xx/a/b.md: matches pattern 'manual/{lang}/**/*.md'") for n in d.notes)


def test_a_pattern_may_name_the_language_twice(tmp_path):
    d = found(tmp_path, "de/guide.de.md", "fr/guide.fr.md", "fr/guide.de.md", patterns=["{lang}/guide.{lang}.md"])
    assert shape(d, tmp_path)["{lang}/guide.{lang}.md"] == ("configured", {"de": "de/guide.de.md", "fr": "fr/guide.fr.md"})
    assert loose(d, tmp_path) == ["fr/guide.de.md"]
    assert any(n.startswith("fr/guide.de.md: names two languages (de, fr)") for n in d.notes)


def test_a_pattern_without_lang_is_refused_by_name(tmp_path):
    with pytest.raises(CheckerError, match=r"'docs/\*\*/\*\.md' has no \{lang\}"):
        discover([], tmp_path, LANGS, patterns=["docs/{lang}/*.md", "docs/**/*.md"])


def test_conventions_and_loose_files_mixed(tmp_path):
    d = found(
        tmp_path,
        "docs/de/guide.md", "docs/fr/guide.md",
        "docs/de/only-german.md",
        "articles/001.txt", "articles/002.txt",
        "notes/de.txt", "notes/fr.txt",
    )
    assert shape(d, tmp_path) == {
        "docs/{lang}/guide.md": ("folder-per-language", {"de": "docs/de/guide.md", "fr": "docs/fr/guide.md"}),
        "notes/{lang}.txt": ("file-per-language", {"de": "notes/de.txt", "fr": "notes/fr.txt"}),
    }
    assert loose(d, tmp_path) == ["docs/de/only-german.md", "articles/001.txt", "articles/002.txt"]


def test_id_and_it_in_names_are_not_languages_without_a_sibling_language(tmp_path):
    d = found(
        tmp_path,
        "docs/user-id.md", "docs/user.md",
        "docs/id/readme.md", "docs/api/readme.md",
        "teams/it/handbook.md", "teams/sales/handbook.md",
        "misc/it.md", "misc/notes.md",
    )
    assert d.sets == ()
    assert sorted(loose(d, tmp_path)) == sorted(
        ["docs/user-id.md", "docs/user.md", "docs/id/readme.md", "docs/api/readme.md",
         "teams/it/handbook.md", "teams/sales/handbook.md", "misc/it.md", "misc/notes.md"]
    )
    assert "docs/id/readme.md: 'id' is the only language folder in docs/, so not a language there" in d.notes
    assert "misc/it.md: 'it' is the only file named after a language in misc/, so not a language there" in d.notes


def test_id_beside_another_language_folder_is_indonesian(tmp_path):
    d = found(tmp_path, "docs/id/readme.md", "docs/de/readme.md")
    assert shape(d, tmp_path) == {
        "docs/{lang}/readme.md": ("folder-per-language", {"de": "docs/de/readme.md", "id": "docs/id/readme.md"})
    }


def test_region_variants_map_to_the_base_code_and_keep_their_spelling(tmp_path):
    d = found(
        tmp_path,
        "locales/pt-BR/app.json", "locales/DE/app.json", "locales/zh-Hans/app.json",
        "docs/index.pt_BR.md", "docs/index.fr.md",
        languages=(*LANGS, "zh"),
    )
    assert shape(d, tmp_path) == {
        "docs/index.{lang}.md": ("suffix", {"fr": "docs/index.fr.md", "pt": "docs/index.pt_BR.md"}),
        "locales/{lang}/app.json": (
            "i18next",
            {"de": "locales/DE/app.json", "pt": "locales/pt-BR/app.json", "zh": "locales/zh-Hans/app.json"},
        ),
    }
    by_key = {s.key: s for s in d.sets}
    assert by_key["locales/{lang}/app.json"].spellings == {"de": "DE", "pt": "pt-BR", "zh": "zh-Hans"}
    assert "locales/{lang}/app.json: de, pt=pt-BR, zh=zh-Hans (i18next)" in d.notes


def test_two_variants_of_one_language_decide_by_explicitness(tmp_path):
    d = found(
        tmp_path,
        "a/pt/x.md", "a/pt-BR/x.md", "a/de/x.md",  # pt itself beats the variant
        "b/pt-BR/y.md", "b/pt-PT/y.md", "b/de/y.md",  # two variants: neither is placed
    )
    assert shape(d, tmp_path) == {"a/{lang}/x.md": ("folder-per-language", {"de": "a/de/x.md", "pt": "a/pt/x.md"})}
    assert sorted(loose(d, tmp_path)) == ["a/pt-BR/x.md", "b/de/y.md", "b/pt-BR/y.md", "b/pt-PT/y.md"]
    assert "b/{lang}/y.md: b/pt-BR/y.md, b/pt-PT/y.md all claim pt equally; none is placed for pt" in d.notes


def test_words_that_look_like_variants_are_not_languages(tmp_path):
    d = found(tmp_path, "cards/id-card/a.md", "cards/de/a.md")
    assert d.sets == ()  # "card" is no script or region


def test_files_outside_the_root_stay_loose(tmp_path):
    outside = make_repo(tmp_path / "elsewhere", "de/x.md")
    inside = make_repo(tmp_path / "repo", "de/x.md", "fr/x.md")
    d = discover([*inside, *outside], tmp_path / "repo", LANGS)
    assert [s.key for s in d.sets] == ["{lang}/x.md"]
    assert d.loose == tuple(outside)


def test_relative_paths_are_returned_as_given(tmp_path, monkeypatch):
    make_repo(tmp_path, "de/x.md", "fr/x.md")
    monkeypatch.chdir(tmp_path)
    d = discover([Path("de/x.md"), Path("fr/x.md")], Path("."), LANGS)
    assert d.sets[0].files == {"de": Path("de/x.md"), "fr": Path("fr/x.md")}


def test_select_paths_with_include_and_exclude(tmp_path):
    paths = make_repo(
        tmp_path,
        "docs/de/a.md", "docs/fr/a.md", "docs/de/a.txt",
        "vendor/lib/de/readme.md", "docs/drafts/de/b.md", "README.md",
    )

    def rel(selected):
        return [p.relative_to(tmp_path).as_posix() for p in selected]

    assert rel(select_paths(paths, tmp_path, [], [])) == rel(paths)
    assert rel(select_paths(paths, tmp_path, ["**/*.md"], ["vendor/**", "drafts/"])) == [
        "docs/de/a.md", "docs/fr/a.md", "README.md",
    ]
    # a glob without a slash matches at any depth; with one, from the root
    assert rel(select_paths(paths, tmp_path, ["*.txt"], [])) == ["docs/de/a.txt"]
    assert rel(select_paths(paths, tmp_path, ["/README.md"], [])) == ["README.md"]
    assert rel(select_paths(paths, tmp_path, ["docs"], ["docs/*/a.*", "!docs/fr/a.md"])) == [
        "docs/fr/a.md", "docs/drafts/de/b.md",
    ]
    assert rel(select_paths(paths, tmp_path, ["docs/[!d]*/**"], [])) == ["docs/fr/a.md"]


def test_select_paths_leaves_out_files_outside_the_root_only_when_including(tmp_path):
    outside = make_repo(tmp_path / "other", "x.md")
    assert select_paths(outside, tmp_path / "repo", ["**"], []) == []
    assert select_paths(outside, tmp_path / "repo", [], ["**"]) == outside


def test_discovery_settings_come_from_the_config(tmp_path):
    assert load_config().discovery.patterns == ()
    assert load_config().discovery.default_language == "en"
    (tmp_path / "checker.toml").write_text(
        '[discovery]\npatterns = ["docs/{lang}/**/*.md"]\nexclude = ["vendor/**"]\ndefault-language = "de"\n',
        encoding="utf-8",
    )
    config = load_config(search_from=tmp_path)
    assert config.discovery.patterns == ("docs/{lang}/**/*.md",)
    assert config.discovery.exclude == ("vendor/**",)
    assert config.discovery.include == ()
    assert config.discovery.default_language == "de"
    (tmp_path / "checker.toml").write_text('[discovery]\npatterns = "docs/{lang}/*.md"\n', encoding="utf-8")
    with pytest.raises(CheckerError, match="'discovery.patterns' must be list"):
        load_config(search_from=tmp_path)


# --- --changed-since, in a real git repository ------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    make_repo(root, "docs/de/a.md", "docs/fr/a.md", "docs/de/b.md", "docs/fr/b.md", "docs/de/c.md", "docs/fr/c.md")
    (root / ".gitignore").write_text("*.log\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1")
    return root


@needs_git
def test_changed_files_since_a_ref(repo):
    assert changed_files("HEAD", repo) == set()
    (repo / "docs/fr/a.md").write_text("committed change\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second")
    (repo / "docs/de/b.md").write_text("unstaged change\n", encoding="utf-8")
    (repo / "docs/de/c.md").write_text("staged change\n", encoding="utf-8")
    git(repo, "add", "docs/de/c.md")
    make_repo(repo, "docs/de/new.md", "debug.log")  # untracked; the .log is ignored
    (repo / "docs/fr/c.md").unlink()

    expected = {(repo / n).resolve() for n in ("docs/fr/a.md", "docs/de/b.md", "docs/de/c.md", "docs/de/new.md", "docs/fr/c.md")}
    assert changed_files("v1", repo) == expected
    assert changed_files("HEAD", repo) == expected - {(repo / "docs/fr/a.md").resolve()}
    # asked from a subfolder, the paths are still resolved from the repository's top
    assert changed_files("v1", repo / "docs") == expected


@needs_git
def test_unknown_ref_and_no_repository_are_clear_errors(repo, tmp_path):
    with pytest.raises(CheckerError, match="--changed-since 'no-such-branch': no such commit"):
        changed_files("no-such-branch", repo)
    with pytest.raises(CheckerError, match="no such commit"):
        changed_files("--output=/tmp/x", repo)  # never passed to git as an option
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(CheckerError, match="not inside a git repository"):
        changed_files("HEAD", plain)


@needs_git
def test_sets_touching_keeps_the_sets_with_a_changed_file(repo):
    paths = sorted((repo / "docs").rglob("*.md"))
    extra = make_repo(repo, "loose.txt")
    d = discover([*paths, *extra], repo, LANGS)
    assert [s.key for s in d.sets] == ["docs/{lang}/a.md", "docs/{lang}/b.md", "docs/{lang}/c.md"]
    git(repo, "add", "loose.txt")
    git(repo, "commit", "-q", "-m", "loose")
    (repo / "docs/fr/b.md").write_text("changed\n", encoding="utf-8")

    touched = sets_touching(d, changed_files("HEAD", repo))
    assert [s.key for s in touched.sets] == ["docs/{lang}/b.md"]
    assert touched.loose == d.loose  # loose files are grouped first, filtered after
    assert touched.notes[-1] == "changed files touch 1 of 3 version sets; the others are not checked"
    assert any_changed([repo / "docs/fr/b.md"], changed_files("HEAD", repo))
    assert not any_changed(extra, changed_files("HEAD", repo))
