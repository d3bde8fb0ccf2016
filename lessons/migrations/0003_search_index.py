"""Full-text search: a GIN-indexed tsvector on PostgreSQL, an FTS5 table on SQLite.

Each database's part does nothing on the other one. Both are filled from the lessons
already imported, the way lessons/search.py rebuild_search_index() fills them.
"""

import django.contrib.postgres.search
from django.db import migrations


def create_postgres_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX lessons_lesson_search_vector_gin ON lessons_lesson USING gin (search_vector)")
    schema_editor.execute(
        "UPDATE lessons_lesson lesson SET search_vector = "
        "setweight(to_tsvector('english', coalesce(lesson.title, '') || ' ' || coalesce("
        "(SELECT string_agg(term.term, ' ') FROM lessons_keyterm term WHERE term.lesson_id = lesson.id), '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(lesson.summary, '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(lesson.search_text, '')), 'C')"
    )


def drop_postgres_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lessons_lesson_search_vector_gin")


def create_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE lessons_lesson_fts USING fts5(title, terms, summary, body, track UNINDEXED, tokenize = 'porter unicode61')"
    )
    # The table's rank: bm25 with the weights of title, terms, summary, body and track (unindexed).
    schema_editor.execute("INSERT INTO lessons_lesson_fts (lessons_lesson_fts, rank) VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 1.0, 0.0)')")
    schema_editor.execute(
        "INSERT INTO lessons_lesson_fts (rowid, title, terms, summary, body, track) "
        "SELECT lesson.id, lesson.title, "
        "coalesce((SELECT group_concat(term.term, ' ') FROM lessons_keyterm term WHERE term.lesson_id = lesson.id), ''), "
        "lesson.summary, lesson.search_text, track.slug "
        "FROM lessons_lesson lesson JOIN lessons_track track ON track.id = lesson.track_id "
        "WHERE NOT lesson.is_archived AND NOT track.is_archived"
    )


def drop_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS lessons_lesson_fts")


class Migration(migrations.Migration):

    dependencies = [
        ("lessons", "0002_relatedlesson_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_postgres_index, drop_postgres_index),
        migrations.RunPython(create_sqlite_index, drop_sqlite_index),
    ]
