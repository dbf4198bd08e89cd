"""deploy/backup.sh, deploy/restore.sh and deploy/backup-daily.sh, drilled for real.

On the local PostgreSQL (127.0.0.1:5432, user postgres), a database of the test's own is backed up with its files,
lost, and restored; a damaged backup is refused. Skipped, with the reason, where that server or a tool is missing.

The scripts are run as the backup service runs them, with their environment (PGHOST..., BACKUP_DIR, MEDIA_ROOT,
REPORTS_ROOT, MINUTES_ROOT), with whatever pg_dump is on PATH (15 here, 16 in the compose file's image).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SERVER = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}
TOOLS = ("pg_dump", "pg_restore", "psql", "tar", "sha256sum", "sh")


def _server_problem() -> str | None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not installed"
    result = subprocess.run(
        ["psql", "--no-password", "-d", "postgres", "-Atc", "SELECT 1"],
        env={**os.environ, **SERVER, "PGCONNECT_TIMEOUT": "5"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    if result.returncode != 0:
        return f"PostgreSQL does not answer on 127.0.0.1:5432 as postgres: {result.stderr.strip()}"
    return None


_PROBLEM = _server_problem()


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "--no-password", "-v", "ON_ERROR_STOP=1", "-d", database, "-Atq"],
        input=sql,
        env={**os.environ, **SERVER},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def drop_database(name: str) -> None:
    psql(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';\n"
        f'DROP DATABASE IF EXISTS "{name}";\n'
    )


def database_exists(name: str) -> bool:
    return psql(f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder (relative path -> SHA-256), and every folder (-> "dir")."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        found[relative] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class Drill:
    """A database and three folders of the test's own, and the scripts run against them."""

    def __init__(self, tmp_path: Path):
        self.database = f"h_backup_{uuid.uuid4().hex[:10]}"
        self.backups = tmp_path / "backups"
        self.folders = {name: tmp_path / name for name in ("media", "reports", "minutes")}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env.update(
            SERVER,
            PGDATABASE=self.database,
            PGCONNECT_TIMEOUT="5",
            BACKUP_DIR=str(self.backups),
            MEDIA_ROOT=str(self.folders["media"]),
            REPORTS_ROOT=str(self.folders["reports"]),
            MINUTES_ROOT=str(self.folders["minutes"]),
        )

    def load(self) -> None:
        """Rows of every kind a dump must carry (text in Kichwa, bytes, dates, a sequence), and files of every
        kind a folder holds (nested, spaces and accents in names, empty, binary, an empty folder)."""
        psql(f'CREATE DATABASE "{self.database}"')
        psql(
            """
            CREATE TABLE commitment (id serial PRIMARY KEY, code text UNIQUE, title text, seal bytea,
                                     published_at timestamptz);
            INSERT INTO commitment (code, title, seal, published_at) VALUES
              ('ECPTZ0001', 'Ñukanchik yakukunata kamana', '\\x00ff10', '2025-03-14 10:30-05'),
              ('ECPTZ0002', 'Transparencia en la obra pública', NULL, NULL),
              ('ECPTZ0003', 'Vías de Arajuno', '\\xdeadbeef', '2025-06-01 08:00-05');
            """,
            self.database,
        )
        media, reports, minutes = self.folders["media"], self.folders["reports"], self.folders["minutes"]
        (media / "evidence" / "2025" / "03").mkdir(parents=True)
        (media / "evidence" / "2025" / "03" / "foto de la minga ñ.jpg").write_bytes(os.urandom(150_000))
        (media / "evidence" / "vacío").mkdir()
        (media / "empty.txt").write_bytes(b"")
        (reports / "2025").mkdir(parents=True)
        (reports / "2025" / "informe-q1-v1.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(60_000))
        minutes.mkdir()
        (minutes / "acta-2025-02-10.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(20_000))
        (minutes / "acta-2025-02-10.pdf").chmod(0o640)

    def rows(self) -> list[str]:
        return psql(
            "SELECT code || '|' || title || '|' || coalesce(encode(seal, 'hex'), '-') || '|' ||"
            " coalesce(to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-')"
            " FROM commitment ORDER BY id",
            self.database,
        ).splitlines()

    def files(self) -> dict[str, dict[str, str]]:
        return {name: tree(folder) for name, folder in self.folders.items()}

    def run(self, script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["sh", str(DEPLOY / script), *args],
            env={**self.env, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def backup(self, **env: str) -> Path:
        result = self.run("backup.sh", **env)
        assert result.returncode == 0, result.stdout + result.stderr
        written = sorted(self.backups.glob("conecta-*"))
        assert written, result.stdout
        return written[-1]

    def lose_everything(self) -> None:
        drop_database(self.database)
        for folder in self.folders.values():
            shutil.rmtree(folder)


@contextlib.contextmanager
def _loaded_drill(folder: Path):
    if _PROBLEM is not None:
        pytest.skip(f"the backup drill needs PostgreSQL and its tools: {_PROBLEM}")
    drill = Drill(folder)
    try:
        drill.load()
        yield drill
    finally:
        for suffix in ("", "_restoring", "_before_restore"):
            drop_database(drill.database + suffix)


@pytest.fixture
def drill(tmp_path):
    with _loaded_drill(tmp_path) as drill:
        yield drill


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """One drill and its backup, shared by the tests that only check what a refused restore leaves alone."""
    with _loaded_drill(tmp_path_factory.mktemp("backed-up")) as drill:
        backup = drill.backup()
        psql("INSERT INTO commitment (code, title) VALUES ('ECPTZ0004', 'Added after the backup')", drill.database)
        yield drill, backup


def test_a_backup_holds_the_dump_the_three_folders_and_their_manifest(drill):
    backup = drill.backup()

    listed = (backup / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in listed) == sorted(
        p.name for p in backup.iterdir() if p.name != "SHA256SUMS"
    )
    assert {line.split("  ")[1] for line in listed} == {
        "database.dump",
        "media.tar",
        "reports.tar",
        "minutes.tar",
        "backup.info",
    }
    for line in listed:
        digest, name = line.split("  ")
        assert hashlib.sha256((backup / name).read_bytes()).hexdigest() == digest
    assert (backup / "database.dump").read_bytes().startswith(b"PGDMP"), "pg_dump's custom format"
    assert f"database: {drill.database}" in (backup / "backup.info").read_text()
    assert not list(drill.backups.glob(".partial-*"))
    # Personal data inside: only the owner may read a backup.
    assert (backup / "database.dump").stat().st_mode & 0o077 == 0


def test_rows_and_files_come_back_after_both_are_lost(drill):
    rows, files = drill.rows(), drill.files()
    backup = drill.backup()

    drill.lose_everything()
    assert not database_exists(drill.database)
    result = drill.run("restore.sh", "--yes", str(backup))

    assert result.returncode == 0, result.stdout + result.stderr
    assert drill.rows() == rows
    assert drill.files() == files
    assert (drill.folders["minutes"] / "acta-2025-02-10.pdf").stat().st_mode & 0o777 == 0o640
    # The sequence comes back too: the next commitment does not take an existing id.
    assert psql("SELECT nextval('commitment_id_seq')", drill.database) == "4"
    assert "verify_files" in result.stdout


def test_the_database_a_restore_replaces_is_kept_beside_it(drill):
    backup = drill.backup()
    psql("INSERT INTO commitment (code, title) VALUES ('ECPTZ0004', 'Added after the backup')", drill.database)
    (drill.folders["media"] / "after-the-backup.pdf").write_bytes(b"%PDF-1.7\n")

    result = drill.run("restore.sh", "--yes", str(backup))

    assert result.returncode == 0, result.stdout + result.stderr
    assert [row.split("|")[0] for row in drill.rows()] == ["ECPTZ0001", "ECPTZ0002", "ECPTZ0003"]
    assert not (drill.folders["media"] / "after-the-backup.pdf").exists()
    before = drill.database + "_before_restore"
    assert psql("SELECT count(*) FROM commitment", before) == "4"
    assert not database_exists(drill.database + "_restoring")


@pytest.mark.parametrize(
    "damage",
    ["a byte of the dump", "a byte of an archive", "a file removed", "a line of the manifest removed", "no manifest"],
)
def test_a_damaged_backup_is_refused_and_nothing_is_touched(backed_up, tmp_path, damage):
    drill, whole = backed_up
    backup = shutil.copytree(whole, tmp_path / whole.name)
    rows, files = drill.rows(), drill.files()
    if damage == "a byte of the dump":
        _flip_a_byte(backup / "database.dump")
    elif damage == "a byte of an archive":
        _flip_a_byte(backup / "reports.tar")
    elif damage == "a file removed":
        (backup / "minutes.tar").unlink()
    elif damage == "a line of the manifest removed":
        manifest = backup / "SHA256SUMS"
        manifest.write_text("".join(line for line in manifest.read_text().splitlines(True) if "media.tar" not in line))
    else:
        (backup / "SHA256SUMS").unlink()

    result = drill.run("restore.sh", "--yes", str(backup))

    assert result.returncode != 0
    assert "refused" in result.stderr
    assert drill.rows() == rows
    assert drill.files() == files
    assert not database_exists(drill.database + "_restoring")
    assert not database_exists(drill.database + "_before_restore")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_restore_asks_before_replacing_anything(backed_up):
    drill, backup = backed_up
    rows = drill.rows()

    result = drill.run("restore.sh", str(backup))  # no --yes, and no terminal to ask on

    assert result.returncode != 0
    assert "--yes" in result.stderr
    assert drill.rows() == rows
    assert len(rows) == 4


def test_a_backup_without_one_of_its_folders_fails_and_writes_nothing(drill):
    shutil.rmtree(drill.folders["minutes"])

    result = drill.run("backup.sh")

    assert result.returncode != 0
    assert "minutes" in result.stderr
    assert not list(drill.backups.glob("conecta-*")) and not list(drill.backups.glob(".partial-*"))


def test_backups_older_than_the_retention_are_deleted_after_a_new_one(drill):
    drill.backups.mkdir()
    day = 24 * 3600
    for name, age_days in (("conecta-2020-01-01_023000", 30), ("conecta-2020-01-25_023000", 6)):
        (drill.backups / name).mkdir()
        os.utime(drill.backups / name, (time.time() - age_days * day - 60,) * 2)

    backup = drill.backup(BACKUP_KEEP_DAYS="7")

    assert sorted(p.name for p in drill.backups.iterdir()) == sorted(["conecta-2020-01-25_023000", backup.name])


def test_the_nightly_loop_waits_until_the_configured_time(tmp_path):
    """backup-daily.sh at 23:59:30 waits 2 h 30 min 30 s for 02:30 (and a day for the time it is now); its sleep
    is replaced by one that reports how long and stops the loop, as `docker compose stop` does."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "date").write_text(
        '#!/bin/sh\nif [ "$1" = "+%H %M %S" ]; then echo "$FAKE_NOW"; else exec /bin/date "$@"; fi\n'
    )
    (bin_dir / "sleep").write_text('#!/bin/sh\necho "$1" > "$SLEPT"\nkill -TERM "$PPID"\n')
    for tool in ("date", "sleep"):
        (bin_dir / tool).chmod(0o755)

    def waits(now: str, at: str) -> int:
        slept = tmp_path / "slept"
        result = subprocess.run(
            ["sh", str(DEPLOY / "backup-daily.sh")],
            env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_NOW": now, "SLEPT": str(slept),
                 "BACKUP_TIME": at, "BACKUP_DIR": str(tmp_path / "backups")},
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert f"next backup at {at}" in result.stdout
        return int(slept.read_text())

    assert waits("23 59 30", "02:30") == 2 * 3600 + 30 * 60 + 30
    assert waits("08 09 00", "09:08") == 59 * 60  # leading zeros are not octal
    assert waits("02 30 00", "02:30") == 24 * 3600
    assert waits("00 00 00", "23:59") == 23 * 3600 + 59 * 60


@pytest.mark.parametrize("at", ["2:3", "24:00", "12:60", "noon", "02:30:00"])
def test_the_nightly_loop_refuses_a_time_it_cannot_read(tmp_path, at):
    result = subprocess.run(
        ["sh", str(DEPLOY / "backup-daily.sh")],
        env={**os.environ, "BACKUP_TIME": at, "BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "BACKUP_TIME must be HH:MM" in result.stderr
