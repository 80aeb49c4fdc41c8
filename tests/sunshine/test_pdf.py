"""The printed frame (templates/print/base.html): every word of a document, its page numbers too, in the CJK font."""

import io

from pypdf import PdfReader

from sunshine.pdf import render_pdf


def fonts(content: bytes) -> set[str]:
    """The fonts a PDF's pages draw with, without their subset tags (``ABCDEF+Noto-Sans-CJK-SC``)."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_the_page_numbers_are_set_in_the_documents_font(settings, tmp_path):
    (tmp_path / "two_pages.html").write_text(
        '{% extends "print/base.html" %}{% block content %}'
        '<h1>社区戒毒人员档案</h1><p style="break-after: page">第一页</p><p>第二页 2026-12-07</p>{% endblock %}'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    content = render_pdf("two_pages.html", {})
    assert len(PdfReader(io.BytesIO(content)).pages) == 2  # "1 / 2", "2 / 2" in the margin boxes
    assert fonts(content) == {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}  # the heading bold, no DejaVu
