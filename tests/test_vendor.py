import importlib.util
import json

from django.conf import settings


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
