"""PDF documents rendered from templates by WeasyPrint, in Debian's Noto CJK fonts (installed by ``./dev test``).

Every printable document (assessment report, bulletin, person file) goes through ``render_pdf``: one place
that knows the fonts, the page frame and how to make the bytes reproducible.
"""

import datetime as dt
import hashlib

from django.template.loader import render_to_string

from .jobs import cache_call, cache_get

# Creation/modification dates go into the file's metadata; pinning them makes the same input give the same bytes.
FIXED_METADATA_DATE = dt.datetime(2011, 10, 1, tzinfo=dt.UTC)
# The bytes of a document rendered lately, by the digest of its HTML: the same HTML gives the same bytes, so a
# second print of an unchanged file (the same reader, the same day: both are printed on it) skips WeasyPrint, which
# takes most of a second. Any change to what the document shows changes its HTML, hence its key.
CACHE_SECONDS = 10 * 60


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` (extending ``print/base.html``) to PDF bytes, the same bytes for the same context."""
    html = render_to_string(template_name, context, request=request)
    key = f"pdf:{hashlib.sha256(html.encode()).hexdigest()}"
    content = cache_get(key, None)  # a cache that is down is a miss
    if content is None:
        content = _weasyprint(html)
        cache_call("set", key, content, CACHE_SECONDS)
    return content


def _weasyprint(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading pango takes a moment and only exports need it

    document = HTML(string=html, base_url=None).render()
    document.metadata.created = document.metadata.modified = FIXED_METADATA_DATE.isoformat()
    return document.write_pdf(uncompressed_pdf=False)
