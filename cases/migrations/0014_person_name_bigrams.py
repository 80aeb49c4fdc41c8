"""A GIN index of every two-character run of a person's name, on PostgreSQL: a search by two characters (a given
name, a surname and the first given character) finds its persons through it. The trigram index serves three
characters and more; pg_trgm takes no trigram from a two-character pattern, so such a search read every person."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION name_bigrams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT ARRAY(SELECT substr(name, i, 2) FROM generate_series(1, length(name) - 1) AS i) $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute("CREATE INDEX person_name_bigrams ON cases_person USING gin (name_bigrams(name))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX person_name_bigrams")
        schema_editor.execute("DROP FUNCTION name_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_person_sealed_index")]
    operations = [migrations.RunPython(forwards, backwards)]
