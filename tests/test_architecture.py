"""The import rules of docs/architecture.md hold: apps import only the layers below them (so there is
no cycle between apps and core imports no domain app), and ml/ imports no Django. A new import that
breaks them fails here with the offending chain."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report and "2 kept" in report
