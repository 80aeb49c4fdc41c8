"""The scratch database every benchmark runs in: a PostgreSQL database of its own on the server that
DATABASE_URL names, created afresh, migrated, Guizhou's regions loaded, and dropped afterwards (unless kept)."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextmanager
def scratch_database(name: str, *, keep: bool = False):
    """Set Django up on a fresh database ``name`` and yield; drop it at the end unless ``keep``."""
    server = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    if not server.scheme.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL to a server it may create a database on.")
    import psycopg2

    admin = psycopg2.connect(urlunsplit(server))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{name}"))
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("load_regions", stdout=quiet)
        yield
    finally:
        connection.close()
        if not keep:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()
