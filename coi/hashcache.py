"""Content hashes remembered by file size and modification time.

`coi index` decides what to parse again by each file's content hash; hashing every file of the corpus was a
quarter of a one-document re-index at 100k passages (5,555 files, 71 MB read). The index folder keeps the hash of
each file with the size and modification time (in nanoseconds) of the file and of its sidecar; a file whose
size and time are as they were is not read again. This is the heuristic of git's index, make and rsync: a change
that keeps a file's size and sets its modification time back to what it was (`touch -d`, `cp -p` of another
file of the same size) goes unnoticed; `coi index --full` reads every file. A file modified within RACY seconds
of the moment its hash was taken is not remembered (a file system's coarse times could give a later change the
same time), and a parser version of its own makes every hash stale.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

CACHE_FILE = "hashes.json"
# A later change gets the same time as the hashed content only while the clock is within the file time's step
# (2 s on FAT, milliseconds or less elsewhere): a hash taken RACY seconds after the file's time is safe.
RACY = 2.0

Signature = tuple[int, int, int, int]  # size and mtime_ns of the file, then of its sidecar (-1, -1: none)


def signature(path: Path) -> Signature:
    """The file's size and modification time, and its sidecar's; OSError when the file cannot be stat'ed."""
    from coi.sidecar import sidecar_path

    st = os.stat(path)
    try:
        side = os.stat(sidecar_path(path))
        side_size, side_time = side.st_size, side.st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        side_size, side_time = -1, -1
    return st.st_size, st.st_mtime_ns, side_size, side_time


class HashCache:
    """What `content_hash` gave for each file, by path key, with the file's signature then."""

    def __init__(self, index_dir: Path, version: str, trust: bool = True) -> None:
        self.path = index_dir / CACHE_FILE
        self.version = version
        self.old: dict[str, tuple[Signature, str]] = self._read() if trust else {}
        self.new: dict[str, tuple[Signature, str]] = {}

    def _read(self) -> dict[str, tuple[Signature, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data["version"] != self.version:
                return {}
            return {key: (tuple(sig), digest) for key, sig, digest in data["files"]}
        except (OSError, ValueError, KeyError, TypeError):  # none yet, or torn: hash every file
            return {}

    def digest(self, path: Path, key: str, compute: Callable[[Path], str]) -> str:
        """The content hash of a file: remembered when its signature is unchanged, else `compute(path)`."""
        try:
            sig = signature(path)
        except OSError:
            return compute(path)  # it says what is wrong with the file
        known = self.old.get(key)
        if known is not None and known[0] == sig:
            self.new[key] = known
            return known[1]
        digest = compute(path)
        if max(sig[1], sig[3]) < time.time_ns() - RACY * 1e9:
            self.new[key] = (sig, digest)
        return digest

    def save(self) -> None:
        """Keep the signatures and hashes of this run's files (atomically; nothing written when unchanged)."""
        if self.new == self.old:
            return
        tmp = self.path.with_name(f".{CACHE_FILE}.{os.getpid()}.tmp")
        files = [[key, list(sig), digest] for key, (sig, digest) in sorted(self.new.items())]
        tmp.write_text(json.dumps({"version": self.version, "files": files}), encoding="utf-8")
        os.replace(tmp, self.path)
