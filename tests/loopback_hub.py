"""A model hub on 127.0.0.1 for the tests: serves folders the tests build (tiny random models)
in the hub's file layout, with the headers huggingface_hub reads.

`GET|HEAD /{owner}/{name}/resolve/{revision}/{file}` answers with X-Repo-Commit (the repo's
commit), an ETag, and for large files ("LFS": weights, sentencepiece models) X-Linked-Etag (the
sha256 of the content) and X-Linked-Size, as the real hub does; a missing repo or file is a 404
with X-Error-Code. `damage` makes it misbehave per file: "truncate" (sends less than it
announces) or "change" (sends other bytes under the announced hash). Every GET is logged.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

LFS_SUFFIXES = (".safetensors", ".spm", ".model", ".bin")


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    commit: str
    files: dict[str, bytes]


@dataclass
class LoopbackHub:
    repos: dict[str, Repo] = field(default_factory=dict)
    damage: dict[tuple[str, str], str] = field(default_factory=dict)
    downloads: list[tuple[str, str]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def add(self, repo_id: str, folder: Path, commit: str) -> list[str]:
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
        self.repos[repo_id] = Repo(commit, files)
        return sorted(files)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "LoopbackHub":
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                parts = unquote(self.path.split("?")[0]).strip("/").split("/")
                if len(parts) < 5 or parts[2] != "resolve":
                    return self._missing("RepoNotFound")
                repo_id, revision, filename = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
                repo = hub.repos.get(repo_id)
                if repo is None:
                    return self._missing("RepoNotFound")
                if revision not in (repo.commit, "main"):
                    return self._missing("RevisionNotFound")
                if filename not in repo.files:
                    return self._missing("EntryNotFound")
                data = repo.files[filename]
                sent = data
                damage = hub.damage.get((repo_id, filename))
                if damage == "truncate":
                    sent = data[: len(data) // 2]
                elif damage == "change":
                    sent = bytes([data[0] ^ 0xFF]) + data[1:]
                self.send_response(200)
                self.send_header("X-Repo-Commit", repo.commit)
                if filename.endswith(LFS_SUFFIXES):
                    self.send_header("X-Linked-Etag", f'"{hashlib.sha256(data).hexdigest()}"')
                    self.send_header("X-Linked-Size", str(len(data)))
                    self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
                else:
                    self.send_header("ETag", f'"{git_blob_sha1(data)}"')
                self.send_header("Content-Length", str(len(sent)))
                self.end_headers()
                if body:
                    hub.downloads.append((repo_id, filename))
                    self.wfile.write(sent)

            def _missing(self, code: str) -> None:
                self.send_response(404)
                self.send_header("X-Error-Code", code)
                self.send_header("X-Error-Message", code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class SilentHub:
    """A port that accepts connections and never answers (a hub that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self) -> None:
        self.sock.close()
