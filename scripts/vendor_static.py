"""Vendor the front-end libraries into static/vendor/ and record their versions and checksums.

Sunshine runs on offline government intranets: pages never load anything from a CDN. A developer
runs this script once per upgrade (it fetches the packages with `npm pack`); the files it copies are
committed. `--check` (run by `./dev check` and the tests) recomputes the checksums of the committed
files, without any network, and fails if one differs from VERSIONS.json.
"""

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
RECORD = VENDOR / "VERSIONS.json"
# A bundle's last line may name its source map, which we do not vendor: Django's manifest storage follows the
# reference at collectstatic and fails on the missing file, so the line is dropped from the copy we commit.
SOURCE_MAP = re.compile(rb"^//# sourceMappingURL=\S+[ \t]*\n?", re.MULTILINE)

# package, exact version, files inside the package tarball, folder under static/vendor/
PACKAGES = [
    ("htmx.org", "2.0.11", ["dist/htmx.min.js", "LICENSE"], "htmx"),
    ("echarts", "5.6.0", ["dist/echarts.min.js", "LICENSE"], "echarts"),
    # The field app's service worker: workbox-sw loads the modules it needs from the same folder.
    ("workbox-sw", "7.4.1", ["build/workbox-sw.js", "LICENSE"], "workbox"),
    ("workbox-core", "7.4.1", ["build/workbox-core.prod.js"], "workbox"),
    ("workbox-routing", "7.4.1", ["build/workbox-routing.prod.js"], "workbox"),
    ("workbox-strategies", "7.4.1", ["build/workbox-strategies.prod.js"], "workbox"),
    # IndexedDB with promises (the field app's caseload copy and outbox).
    ("idb", "8.0.4", ["build/umd.js", "LICENSE"], "idb"),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> None:
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for package, version, files, folder in PACKAGES:
            output = subprocess.run(
                ["npm", "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            with tarfile.open(Path(tmp) / output) as archive:
                archive.extractall(Path(tmp) / folder, filter="data")
            licence = json.loads((Path(tmp) / folder / "package" / "package.json").read_text())["license"]
            target = VENDOR / folder
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                destination = target / Path(name).name
                shutil.copyfile(Path(tmp) / folder / "package" / name, destination)
                if destination.suffix == ".js":
                    destination.write_bytes(SOURCE_MAP.sub(b"", destination.read_bytes()))
                entries.append(
                    {
                        "package": package,
                        "version": version,
                        "path": str(destination.relative_to(ROOT)),
                        "sha256": sha256(destination),
                        "licence": licence,
                    }
                )
    RECORD.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"vendored {len(entries)} files; recorded in {RECORD.relative_to(ROOT)}")


def mismatches() -> list[str]:
    """Recorded files that are missing or whose checksum differs."""
    entries = json.loads(RECORD.read_text(encoding="utf-8"))
    return [e["path"] for e in entries if not (ROOT / e["path"]).exists() or sha256(ROOT / e["path"]) != e["sha256"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="verify the committed files, no network")
    if parser.parse_args().check:
        bad = mismatches()
        for path in bad:
            print(f"checksum mismatch or missing: {path}", file=sys.stderr)
        return 1 if bad else 0
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
