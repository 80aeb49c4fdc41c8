"""PDF documents rendered from templates by WeasyPrint, in Debian's Noto CJK fonts (installed by ``./dev test``).

Every printable document (assessment report, bulletin, person file) goes through ``render_pdf``: one place
that knows the fonts, the page frame and how to make the bytes reproducible.

The print fonts: WeasyPrint embeds in every file a subset of each font it used, cut from the whole font for each
document. Debian's Noto Sans CJK is a 19 MB collection of 65,000 glyphs, so that cut was about a fifth of a person
file's time, and its subset half the file's bytes. ``build_print_fonts`` (run by ``./dev`` and the image build)
cuts once the glyphs printed documents use almost always, GB 2312's characters with Latin letters and punctuation,
into ``settings.PRINT_FONT_DIR``; documents name that family first and Noto Sans CJK SC after it, so a character
outside GB 2312 (喆, 堃 in a name) still prints, from the whole font.
"""

import atexit
import datetime as dt
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.template.loader import render_to_string

# Creation/modification dates go into the file's metadata; pinning them makes the same input give the same bytes.
FIXED_METADATA_DATE = dt.datetime(2011, 10, 1, tzinfo=dt.UTC)

FONT_SOURCES = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk
PRINT_FAMILY = "Noto Sans SC GB2312"  # the family the print templates name first (templates/print/base.html)
PRINT_WEIGHTS = {"normal": "Regular", "bold": "Bold"}  # CSS font-weight: Noto Sans CJK SC's style
# Beside GB 2312's characters (its codec's table), the blocks of Latin letters, punctuation and symbols
# documents print: Latin-1, general punctuation (— – …), letterlike and number forms (№ Ⅳ), arrows, enclosed
# numbers (①), box drawing, geometric shapes (■ ○), CJK punctuation, full-width forms.
PRINT_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x21FF), (0x2460, 0x24FF),
                (0x2500, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))  # fmt: skip

_fonts = threading.local()  # per thread: a WeasyPrint font configuration is not to be shared between threads
# dropped before the interpreter takes its modules apart, which the configuration's clean-up still needs
atexit.register(_fonts.__dict__.clear)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` (extending ``print/base.html``) to PDF bytes, the same bytes for the same context."""
    from weasyprint import HTML  # imported late: loading pango takes a moment and only exports need it

    html = render_to_string(template_name, context, request=request)
    font_config, stylesheet = _print_fonts()
    document = HTML(string=html, base_url=None).render(stylesheets=[stylesheet], font_config=font_config)
    document.metadata.created = document.metadata.modified = FIXED_METADATA_DATE.isoformat()
    return document.write_pdf(uncompressed_pdf=False)


def warm_up() -> None:
    """Load WeasyPrint and pango, this thread's print fonts, and lay out a line in each weight: what a web worker's
    first document would otherwise wait for (the person file's first PDF 950 ms, the next ones 270–450). gunicorn
    runs it as each worker starts (``gunicorn.conf.py``)."""
    from weasyprint import HTML

    font_config, stylesheet = _print_fonts()
    html = f"<p style=\"font-family: '{PRINT_FAMILY}', 'Noto Sans CJK SC'\">阳光工程 Sunshine 2011 <b>黔府办发</b></p>"
    HTML(string=html).render(stylesheets=[stylesheet], font_config=font_config).write_pdf()


def print_font_path(weight: str) -> Path:
    return Path(settings.PRINT_FONT_DIR) / f"NotoSansSC-GB2312-{PRINT_WEIGHTS[weight]}.otf"


def _print_fonts():
    """This thread's font configuration, holding the print fonts when both are built, and their ``@font-face``
    rules. Made once per thread and set of fonts (a font built or rebuilt later is taken up): each would otherwise
    copy both fonts into a new temporary folder for every document."""
    paths = [print_font_path(weight) for weight in PRINT_WEIGHTS]
    built = all(path.exists() for path in paths)
    key = tuple(path.stat().st_mtime_ns for path in paths) if built else None
    if getattr(_fonts, "key", False) != (paths, key):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        faces = "".join(
            f'@font-face {{ font-family: "{PRINT_FAMILY}"; font-weight: {weight}; src: url({path.as_uri()}); }}'
            for weight, path in zip(PRINT_WEIGHTS, paths, strict=True)
            if built  # both or none: a lone regular face would print the headings in a made-up bold
        )
        _fonts.config = FontConfiguration()
        _fonts.stylesheet = CSS(string=faces, font_config=_fonts.config)
        _fonts.key = (paths, key)
    return _fonts.config, _fonts.stylesheet


@checks.register()
def print_fonts_built(app_configs, **kwargs) -> list[checks.CheckMessage]:
    missing = [str(print_font_path(weight)) for weight in PRINT_WEIGHTS if not print_font_path(weight).exists()]
    if not missing:
        return []
    return [
        checks.Warning(
            f"The print fonts are not built ({', '.join(missing)}): PDF documents cut the whole Noto Sans CJK "
            "for each file, slower and twice the bytes.",
            hint="Run `python manage.py build_print_fonts` (./dev and the image build do).",
            id="sunshine.W001",
        )
    ]


def print_characters() -> set[int]:
    """The code points the print fonts keep: GB 2312's characters and ``PRINT_RANGES``."""
    points = {point for first, last in PRINT_RANGES for point in range(first, last + 1)}
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned place in the table
    return points


def build_print_font(weight: str) -> Path:
    """Cut the print font of ``weight`` from Debian's Noto Sans CJK SC into ``print_font_path``."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    style = PRINT_WEIGHTS[weight]
    source = FONT_SOURCES / f"NotoSansCJK-{style}.ttc"
    if not source.exists():
        raise FileNotFoundError(f"{source} is not installed (Debian's fonts-noto-cjk)")
    faces = TTCollection(source, lazy=True).fonts
    index = next((i for i, face in enumerate(faces) if face["name"].getDebugName(1) == "Noto Sans CJK SC"), None)
    if index is None:
        raise FileNotFoundError(f"{source} holds no Noto Sans CJK SC face")
    font = TTFont(source, fontNumber=index, recalcTimestamp=False)  # the same source, the same bytes
    options = subset.Options(notdef_outline=True, name_IDs=["*"], name_languages=["*"])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=print_characters())
    subsetter.subset(font)
    path = print_font_path(weight)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".partial", delete=False) as partial:
        font.save(partial)
    Path(partial.name).replace(path)  # whole or not at all: a renderer never reads half a font
    return path
