"""Corpora for the tests of `coi serve`: the demo corpus, and our own hostile one (markup, event handlers and
javascript: URLs in the text, the footnotes and the metadata), which must be shown as text and never run."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from coi.index import index_corpus
from tests.conftest import CORPUS

HOSTILE_TEXT = """Den Haag, 3 maart 2023

Onderwerp: verslag <script>alert(1)</script>

Het verslag<script>alert(1)</script> over Azerbeidzjan beschrijft de situatie van journalisten.1

Een tweede alinea met <img src=x onerror=alert(1)> en "aanhalingstekens" & ampersands over persvrijheid.2

Een derde alinea over <a href="javascript:alert(1)">een link</a> en mensenrechten.

1 Human Rights Watch, rapport, javascript:alert(1) en https://www.hrw.org/report/2023/azerbaijan
2 Zie <script>alert(2)</script> javascript:alert(document.cookie)
"""
HOSTILE_SIDECAR = """title = "Verslag <script>alert(4)</script> <img src=x onerror=alert(5)>"
source_url = "javascript:alert(6)"
source = "Minister <b onmouseover=alert(7)>"
"""
HOSTILE_ID = "kamerbrief-hostile"


def demo_index(root: Path) -> Path:
    """The demo corpus (the five seeds), indexed and tagged as `coi index` does."""
    index = root / "index"
    index_corpus(index, [CORPUS])
    return index


def hostile_index(root: Path) -> Path:
    """The hostile document beside one seed, indexed."""
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / f"{HOSTILE_ID}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (corpus / f"{HOSTILE_ID}.toml").write_text(HOSTILE_SIDECAR, encoding="utf-8")
    shutil.copy(CORPUS / "kamerbrief-nagorno-karabach-2023.txt", corpus)
    index = root / "index"
    index_corpus(index, [corpus])
    return index


@contextlib.contextmanager
def running(index: Path, threads: int = 2) -> Iterator[str]:
    """The app for `index` served by waitress on a free loopback port, in a thread; yields its base URL."""
    from waitress.server import create_server

    from coi import web

    server = create_server(web.create_app(index), host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # closing the sockets under waitress's select loop is how it is stopped from outside
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)
