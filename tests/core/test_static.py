import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_with_the_production_manifest_storage(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/htmx.min.*.js")) and list(tmp_path.glob("vendor/chart.umd.min.*.js"))


def test_templates_load_no_script_or_style_from_another_host():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for tag in re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:)?//[^\"]+\"", template.read_text()):
            offenders.append(f"{template}: {tag}")
    assert offenders == []
