"""SQLite's search index keyed by catalog position, and a small one of titles and key terms.

Search lists the lessons of a large tier in catalog order, and a track is a range of
positions, so neither needs the lessons table; the first tier (every word in the title
or the key terms) reads the small table (see lessons/search.py). The track column goes.
PostgreSQL is unchanged.
"""

from django.db import migrations

COLUMNS = "title, terms, summary, body"
TERMS = "coalesce((SELECT group_concat(term.term, ' ') FROM lessons_keyterm term WHERE term.lesson_id = lesson.id), '')"
PUBLISHED = "FROM lessons_lesson lesson JOIN lessons_track track ON track.id = lesson.track_id WHERE NOT lesson.is_archived AND NOT track.is_archived"


def key_by_position(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS lessons_lesson_fts")
    schema_editor.execute(f"CREATE VIRTUAL TABLE lessons_lesson_fts USING fts5({COLUMNS}, tokenize = 'porter unicode61')")
    # The table's rank: bm25 with the weights of title, terms, summary and body.
    schema_editor.execute("INSERT INTO lessons_lesson_fts (lessons_lesson_fts, rank) VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 1.0)')")
    schema_editor.execute(
        f"INSERT INTO lessons_lesson_fts (rowid, {COLUMNS}) "
        f"SELECT lesson.catalog_position, lesson.title, {TERMS}, lesson.summary, lesson.search_text "
        f"{PUBLISHED} AND lesson.catalog_position IS NOT NULL ORDER BY lesson.catalog_position"
    )
    schema_editor.execute("CREATE VIRTUAL TABLE lessons_lesson_fts_head USING fts5(title, terms, tokenize = 'porter unicode61')")
    schema_editor.execute("INSERT INTO lessons_lesson_fts_head (rowid, title, terms) SELECT rowid, title, terms FROM lessons_lesson_fts")


def key_by_id(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS lessons_lesson_fts_head")
    schema_editor.execute("DROP TABLE IF EXISTS lessons_lesson_fts")
    schema_editor.execute(f"CREATE VIRTUAL TABLE lessons_lesson_fts USING fts5({COLUMNS}, track UNINDEXED, tokenize = 'porter unicode61')")
    schema_editor.execute("INSERT INTO lessons_lesson_fts (lessons_lesson_fts, rank) VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 1.0, 0.0)')")
    schema_editor.execute(
        f"INSERT INTO lessons_lesson_fts (rowid, {COLUMNS}, track) "
        f"SELECT lesson.id, lesson.title, {TERMS}, lesson.summary, lesson.search_text, track.slug {PUBLISHED}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("lessons", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(key_by_position, key_by_id),
    ]
