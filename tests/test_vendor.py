import importlib.util
import json

from django.conf import settings
from django.core.management import call_command


def _script():
    spec = importlib.util.spec_from_file_location("vendor_static", settings.BASE_DIR / "scripts" / "vendor_static.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_matches_recorded_checksums():
    assert _script().mismatches() == []


def test_it_notices_a_changed_file(tmp_path, monkeypatch):
    script = _script()
    changed = tmp_path / "static" / "vendor" / "x.js"
    changed.parent.mkdir(parents=True)
    changed.write_text("tampered")
    record = tmp_path / "VERSIONS.json"
    record.write_text(json.dumps([{"path": "static/vendor/x.js", "sha256": "0" * 64}]))
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "RECORD", record)
    assert script.mismatches() == ["static/vendor/x.js"]


def test_it_collects_with_the_production_storage(tmp_path, settings):
    """Production (DEBUG off) collects through whitenoise's manifest storage, which follows every url() and
    source-map reference in the files and fails on one that is not there (a vendored bundle naming its map).
    Django's manifest storage does that part; whitenoise's only adds compressing (a minute, so not here)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert manifest["vendor/workbox/workbox-sw.js"].startswith("vendor/workbox/workbox-sw.")
    assert (tmp_path / manifest["vendor/workbox/workbox-sw.js"]).exists()
