"""gunicorn's settings beyond the command line (read from the working directory: the image's /app, a checkout)."""


def post_worker_init(worker):
    """Each worker loads the PDF renderer before its first request, not during it (``sunshine.pdf.warm_up``). A
    renderer that cannot load is logged, and the worker serves the pages all the same."""
    try:
        from sunshine.pdf import warm_up

        warm_up()
    except Exception:
        worker.log.exception("The PDF renderer could not be loaded before the first request")
