"""What every stored upload records: its SHA-256 and size, read in chunks (never the whole file in memory)."""

import hashlib


def fingerprint(file) -> tuple[str, int]:
    """(SHA-256 hex digest, size in bytes) of a Django File, leaving it rewound for the storage to save."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest(), file.size


def needs_fingerprint(file, sha256: str) -> bool:
    """A file with no digest yet, or a new upload replacing the stored one."""
    return bool(file) and (not sha256 or not getattr(file, "_committed", True))
