"""One process at a time compiles the translation catalogs: `make test` starts several pytest-xdist workers at once,
and each of them compiles a catalog it finds missing or stale, writing the same .mo files."""

from __future__ import annotations

import contextlib
import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "conecta-compilemessages.lock"


@contextlib.contextmanager
def compiling() -> Iterator[None]:
    """Held while a process checks the catalogs and compiles them; whoever comes next finds them fresh."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
