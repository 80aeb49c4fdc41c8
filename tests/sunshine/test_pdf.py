"""The printed frame (templates/print/base.html): every word of a document, its page numbers too, in the print fonts
(sunshine/pdf.py), and a character they lack from the whole Noto Sans CJK."""

import io
import logging
import runpy
import shutil
import threading

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from sunshine import pdf
from sunshine.pdf import print_font_path, print_fonts_built, render_pdf

PRINT = {"Noto-Sans-SC-GB2312", "Noto-Sans-SC-GB2312-Bold"}
WHOLE = {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}


def fonts(content: bytes) -> set[str]:
    """The fonts a PDF's pages draw with, without their subset tags (``ABCDEF+Noto-Sans-CJK-SC``)."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def document(settings, tmp_path):
    """Render a two-page document whose body is ``body``."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]

    def render(body: str) -> bytes:
        (tmp_path / "two_pages.html").write_text(
            '{% extends "print/base.html" %}{% block content %}<h1>社区戒毒人员档案</h1>'
            f'<p style="break-after: page">第一页</p><p>{body}</p>{{% endblock %}}'
        )
        return render_pdf("two_pages.html", {})

    return render


def test_the_page_numbers_are_set_in_the_print_fonts(document):
    content = document("第二页 2026-12-07 · 帮教小组——社区民警")
    assert len(PdfReader(io.BytesIO(content)).pages) == 2  # "1 / 2", "2 / 2" in the margin boxes
    assert fonts(content) == PRINT  # the heading bold; the dash and the dot are in them too; no DejaVu


def test_a_character_outside_gb2312_prints_from_the_whole_font(document):
    content = document("王喆 张堃")
    assert fonts(content) == PRINT | {"Noto-Sans-CJK-SC"}
    assert "王喆 张堃" in text(content)


def test_without_the_print_fonts_documents_print_in_the_whole_font_twice_the_size(document, settings, tmp_path):
    body = "、".join(["黔南布依族苗族自治州都匀市社区戒毒社区康复帮教记录"] * 20)
    with_print_fonts = document(body)
    assert print_fonts_built(None) == []

    settings.PRINT_FONT_DIR = tmp_path / "none"
    without = document(body)
    assert fonts(without) == WHOLE
    assert text(without) == text(with_print_fonts)
    assert len(with_print_fonts) < 0.7 * len(without)
    [warning] = print_fonts_built(None)
    assert warning.id == "sunshine.W001" and str(print_font_path("normal")) in warning.msg


def test_the_print_fonts_hold_gb2312_latin_and_punctuation_but_not_rarer_characters():
    for weight in pdf.PRINT_WEIGHTS:
        cmap = TTFont(print_font_path(weight), lazy=True).getBestCmap()
        assert all(ord(char) in cmap for char in "黔贵阳市中华人民共和国AZaz09·—–…①№Ⅳ■○、。「」（）：Ａ")
        assert not {ord(char) for char in "喆堃昇"} & cmap.keys()
        assert len(cmap) > 7_000


def test_building_the_print_fonts_skips_built_ones_and_names_a_missing_source(settings, tmp_path, monkeypatch):
    out = io.StringIO()
    call_command("build_print_fonts", stdout=out)  # both are built (the tests' session cuts them first)
    assert out.getvalue() == ""

    settings.PRINT_FONT_DIR = tmp_path
    monkeypatch.setattr(pdf, "FONT_SOURCES", tmp_path / "no-fonts")
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("build_print_fonts")
    assert list(tmp_path.iterdir()) == []


def test_the_print_fonts_are_taken_up_both_or_neither_when_built_later(document, settings, tmp_path):
    built = {weight: print_font_path(weight) for weight in pdf.PRINT_WEIGHTS}
    settings.PRINT_FONT_DIR = tmp_path / "later"
    settings.PRINT_FONT_DIR.mkdir()
    shutil.copy(built["normal"], print_font_path("normal"))
    assert fonts(document("第二页")) == WHOLE  # a lone regular face would print the heading in a made-up bold
    shutil.copy(built["bold"], print_font_path("bold"))
    assert fonts(document("第二页")) == PRINT  # the same thread, without a restart


class _Worker:
    """What gunicorn's hook is given of a worker: its log."""

    def __init__(self):
        self.log = logging.getLogger("gunicorn.error")


def _in_a_new_thread(function):
    """Run ``function`` in a thread of its own (a font configuration is kept per thread) and return its answer."""
    answers = []
    thread = threading.Thread(target=lambda: answers.append(function()))
    thread.start()
    thread.join()
    return answers[0]


def test_each_gunicorn_worker_loads_the_renderer_and_its_fonts_before_its_first_request(caplog):
    hook = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["post_worker_init"]

    def worker_starts():
        hook(_Worker())
        return getattr(pdf._fonts, "config", None), getattr(pdf._fonts, "key", None)

    with caplog.at_level(logging.ERROR, logger="gunicorn.error"):
        config, key = _in_a_new_thread(worker_starts)
    assert not caplog.records  # the hook logs a renderer that failed to load: it loaded, and laid out a line
    assert config is not None and key[1] is not None  # the print fonts, both built (the session cuts them)


def test_a_renderer_that_cannot_load_leaves_the_worker_serving(monkeypatch, caplog):
    hook = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["post_worker_init"]
    monkeypatch.setattr(pdf, "warm_up", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="gunicorn.error"):
        hook(_Worker())  # no exception: the worker goes on to serve
    assert "The PDF renderer could not be loaded" in caplog.text and "ZeroDivisionError" in caplog.text
