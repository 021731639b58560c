"""`manage.py embedded backup` and `restore`: a round trip of the embedded PostgreSQL and the uploads,
on a stack of its own (a temporary VAR_DIR), with the commands a person would run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import embedded

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration

MAKE_DATA = """
import io
from django.db import transaction
from apps.accounts.models import User
from apps.resumes.services import resume_file_path, resume_upload
user = User.objects.create_user(email="kept@example.com", password="x" * 12)
with transaction.atomic():
    resume = resume_upload(user=user, file=io.BytesIO(b"Skills\\nPython, PyTorch, FAISS"), filename="cv.txt").resume
print(resume.pk, resume_file_path(resume))
"""
CHANGE_DATA = """
from django.db import transaction
from apps.accounts.models import User
from apps.resumes.models import Resume
from apps.resumes.services import resume_delete
with transaction.atomic():
    resume_delete(resume=Resume.objects.get())
User.objects.create_user(email="after-backup@example.com", password="x" * 12)
"""
CHECK_DATA = """
from apps.accounts.models import User
from apps.resumes.models import Resume
from apps.resumes.services import resume_file_path
print(sorted(User.objects.values_list("email", flat=True)), [(r.pk, resume_file_path(r).read_bytes().decode())
      for r in Resume.objects.all()])
"""


def test_backup_then_restore_brings_back_the_database_and_the_uploads(tmp_path):
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings.dev", LLM_BACKEND="none",
               EMBEDDED_PG_SHARED_BUFFERS="128MB", PRIVATE_UPLOAD_DIR=str(var_dir / "private_uploads"))

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    try:
        manage("migrate", "--noinput", "-v0")
        resume_id, stored = manage("shell", "-c", MAKE_DATA).splitlines()[-1].split()
        archive = Path(manage("embedded", "backup", "--output", str(tmp_path / "backups")).splitlines()[-1])
        assert archive.is_file() and oct(archive.stat().st_mode & 0o777) == "0o600"

        manage("shell", "-c", CHANGE_DATA)
        assert not Path(stored).exists()
        assert "after-backup@example.com" in manage("shell", "-c", CHECK_DATA)

        assert "restored" in manage("embedded", "restore", str(archive), "--yes")
        assert manage("shell", "-c", CHECK_DATA).splitlines()[-1] == (
            f"['kept@example.com'] [({resume_id}, 'Skills\\nPython, PyTorch, FAISS')]"
        )
        assert Path(stored).read_bytes() == b"Skills\nPython, PyTorch, FAISS"
    finally:
        embedded.stop_all(var_dir)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    import tarfile

    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        (tmp_path / "notes.txt").write_text("hello")
        tar.add(tmp_path / "notes.txt", arcname="notes.txt")
    with pytest.raises(ValueError, match="not a backup"):
        embedded.restore(database={"HOST": "/nowhere", "USER": "postgres", "NAME": "x"},
                         upload_dir=tmp_path / "uploads", archive=bogus)
