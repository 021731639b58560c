"""The embedded PostgreSQL and Redis: idempotent start, data kept across a restart, clean stop."""

import psycopg
import redis

from config import embedded


def _connect(location: embedded.PostgresLocation) -> psycopg.Connection:
    return psycopg.connect(host=location.host, port=location.port, user=location.user, dbname=location.name, autocommit=True)


def test_postgres_keeps_rows_across_stop_and_restart(tmp_path):
    var_dir = tmp_path / "var"
    location = embedded.ensure_postgres(var_dir)
    try:
        assert embedded.ensure_postgres(var_dir) == location  # a second start reuses the running server
        with _connect(location) as conn:
            # Started with our settings (a fresh cluster is restarted once to apply them).
            assert conn.execute("SHOW shared_buffers").fetchone()[0] == embedded.PG_SETTINGS["shared_buffers"]
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            conn.execute("CREATE TABLE notes (id serial primary key, body text, v vector(3))")
            conn.execute("INSERT INTO notes (body, v) VALUES ('kept', '[1,2,3]')")

        assert embedded.stop_postgres(var_dir) is True
        assert embedded.stop_postgres(var_dir) is False  # already stopped: nothing to do

        location = embedded.ensure_postgres(var_dir)
        with _connect(location) as conn:
            rows = conn.execute("SELECT body, v::text FROM notes").fetchall()
        assert rows == [("kept", "[1,2,3]")]
    finally:
        embedded.stop_postgres(var_dir)


def test_redis_keeps_data_across_stop_and_restart(tmp_path):
    var_dir = tmp_path / "var"
    sock = embedded.ensure_redis(var_dir)
    try:
        assert embedded.ensure_redis(var_dir) == sock
        redis.Redis(unix_socket_path=sock).set("queued", "task-1")
        assert embedded.stop_redis(var_dir) is True
        sock = embedded.ensure_redis(var_dir)
        assert redis.Redis(unix_socket_path=sock).get("queued") == b"task-1"
    finally:
        embedded.stop_redis(var_dir)
