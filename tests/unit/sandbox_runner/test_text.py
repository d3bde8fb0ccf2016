"""Output cannot mislead: one rule for what runs print, applied to the API, the pages and sandbox_exec --json."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest
from django.core.management import call_command

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Run
from sandbox_runner.services import store_result
from sandbox_runner.text import _HIDING, clean_result, clean_text

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
TROJAN = f"grade: {RLO}deliaf{PDF}"


def test_clean_text_removes_nul_bytes_and_terminal_escapes():
    assert clean_text("ok\x00\x1b[31mred\x1b[0m\x1b]0;title\x07 done\r\n\tx\x9b2J") == "okred done\n\tx2J"


def test_clean_text_caps_the_size():
    assert clean_text("x" * 50, limit=10) == "x" * 10 + "\n… (cut)"


@pytest.mark.parametrize("control", [chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_every_bidi_embedding_override_and_isolate_control_becomes_a_visible_marker(control):
    assert clean_text(f"a{control}b") == f"a[U+{ord(control):04X}]b"


def test_a_reversed_word_reads_as_its_bytes_say():
    assert clean_text(TROJAN) == "grade: [U+202E]deliaf[U+202C]"


@pytest.mark.parametrize(
    ("hidden", "marker"),
    [
        ("\u200b", "[U+200B]"),
        ("\u200e", "[U+200E]"),
        ("\u200f", "[U+200F]"),
        ("\u061c", "[U+061C]"),
        ("\ufeff", "[U+FEFF]"),
        ("\U000e0041", "[U+E0041]"),
    ],
)
def test_other_invisible_format_characters_are_made_visible(hidden, marker):
    assert clean_text(f"pa{hidden}ss") == f"pa{marker}ss"


def test_lone_surrogates_and_line_separators_cannot_break_storage_or_layout():
    assert clean_text("a\ud800b\u2028c") == "a\ufffdb\nc"


@pytest.mark.parametrize(
    "text",
    [
        "Ça coûte 12 € à Zürich; naïve café",
        "東京の人口 1400万人, 서울",
        "مرحبا بالعالم ١٢٣",
        "שלום עולם",
        "می‌خواهم",  # Persian needs its zero width non-joiner
        "👩‍💻 and 🇫🇷",  # emoji sequences need the zero width joiner
        "e\u0301 Ünïcödé combining marks",
        "tab\tand\nnewline",
    ],
)
def test_ordinary_text_in_any_script_stays_exactly_as_printed(text):
    assert clean_text(text) == text


def test_the_rule_covers_every_format_character_python_knows_but_the_needed_ones():
    hidden = {chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"}
    kept = {character for character in hidden if not _HIDING.fullmatch(character)}

    assert kept == {"\u200c", "\u200d", *"\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"}


def test_clean_result_cleans_every_string_a_learner_sees():
    result = clean_result(
        {
            "status": "ok",
            "stdout": TROJAN,
            "stderr": f"warn{RLO}",
            "error": f"err{LRI}",
            "traceback": f"File {RLO}x",
            "display": {"kind": "table", "columns": [f"c{RLO}"], "index": [f"i{PDI}"], "rows": [[f"v{RLO}", 3, None]], "shape": [1, 1]},
            "checks": [{"name": "check_x", "title": f"t{RLO}", "passed": True, "message": f"m{RLO}"}],
            "figures": [{"png": "AAAA", "name": f"f{RLO}.png"}],
            "files": [{"name": f"report{RLO}vsc.exe", "size": 1, "content": "AA=="}, {"name": f"big{RLO}", "size": 9, "not_kept": "too large"}],
            "not_kept_figures": [{"name": f"g{RLO}", "size": 5, "not_kept": "too large"}],
        }
    )

    assert RLO not in json.dumps(result, ensure_ascii=False)
    assert LRI not in json.dumps(result, ensure_ascii=False)
    assert PDI not in json.dumps(result, ensure_ascii=False)
    assert result["display"]["rows"] == [["v[U+202E]", 3, None]]
    assert result["files"][0] == {"name": "report[U+202E]vsc.exe", "size": 1, "content": "AA=="}  # bytes untouched
    assert result["checks"][0]["message"] == "m[U+202E]"


@pytest.mark.django_db
def test_a_stored_run_shows_the_marker_in_the_api_and_on_the_page(client, learner):
    client.force_login(learner)
    run = Run.objects.create(code="x", learner=learner, status=Run.Status.RUNNING)
    store_result(
        run,
        {
            "status": "ok",
            "stdout": TROJAN,
            "display": {"kind": "table", "columns": [f"name{RLO}"], "index": ["0"], "rows": [[f"{RLO}cba"]], "shape": [1, 1]},
            "checks": [{"name": "check_a", "title": f"Title{RLO}", "passed": False, "message": f"say {RLO}olleh"}],
            "files": [{"name": f"notes{RLO}txt.exe", "size": 2, "content": "aGk="}],
        },
    )

    api = json.dumps(client.get(f"/api/runs/{run.pk}/").json(), ensure_ascii=False)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    partial = client.get(f"/runs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()

    for shown in (api, page, partial):
        assert RLO not in shown
        assert "grade: [U+202E]deliaf[U+202C]" in shown
        assert "say [U+202E]olleh" in shown
        assert "notes[U+202E]txt.exe" in shown
        assert "[U+202E]cba" in shown


@pytest.mark.django_db
def test_sandbox_exec_json_applies_the_same_rule(mini_course):
    import_catalog(mini_course)
    out = io.StringIO()

    code = f"print({TROJAN!r})\nopen('x{RLO}.txt', 'w').write('1')\nimport pandas as pd\npd.DataFrame({{'{RLO}col': ['{RLO}v']}})"
    path = mini_course / "trojan.py"
    path.write_text(code, encoding="utf-8")
    call_command("sandbox_exec", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["stdout"] == "grade: [U+202E]deliaf[U+202C]\n"
    assert report["files"] == [{"name": "x[U+202E].txt", "size": 1}]
    assert report["display"]["columns"] == ["[U+202E]col"]
    assert report["display"]["rows"] == [["[U+202E]v"]]
    assert RLO not in out.getvalue()
