"""PDF documents rendered from templates by WeasyPrint, in Debian's Noto CJK fonts (installed by ``./dev test``).

Every printable document (assessment report, bulletin, person file) goes through ``render_pdf``: one place
that knows the fonts, the page frame and how to make the bytes reproducible.
"""

import datetime as dt

from django.template.loader import render_to_string

# Creation/modification dates go into the file's metadata; pinning them makes the same input give the same bytes.
FIXED_METADATA_DATE = dt.datetime(2011, 10, 1, tzinfo=dt.UTC)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` (extending ``print/base.html``) to PDF bytes, the same bytes for the same context."""
    from weasyprint import HTML  # imported late: loading pango takes a moment and only exports need it

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=None).render()
    document.metadata.created = document.metadata.modified = FIXED_METADATA_DATE.isoformat()
    return document.write_pdf(uncompressed_pdf=False)
