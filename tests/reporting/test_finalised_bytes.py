"""A finalised report rebuilds to its stored bytes after code changes: the figures of prefecture 5201's 2023 report,
finalised from the demo population (seed_demo --persons 300 --seed 5 --today 2024-12-31, snapshots of 2022-12-31 and
2023-12-31), are kept in data/; their files' SHA-256 are pinned here as they were stored. A change of format that
alters these bytes must change the constants and say so."""

import hashlib
import json
from pathlib import Path

from reporting.exports import assessment_pdf, assessment_xlsx

FIGURES = Path(__file__).parent / "data" / "finalised_assessment.json"
SHA256_XLSX = "4f9f1b25a52e63505572d6835fc2ee3c19ab75ff8837b745de8e6ca97e440b6d"
SHA256_PDF = "07b562dfc4d6010d8e91936e41aeb790955bf93a958b5730d2cc4ea1bf8698e5"


def test_the_finalised_report_rebuilds_to_its_stored_bytes():
    figures = json.loads(FIGURES.read_text())
    assert hashlib.sha256(assessment_xlsx(figures, final=True)).hexdigest() == SHA256_XLSX
    assert hashlib.sha256(assessment_pdf(figures, final=True)).hexdigest() == SHA256_PDF
