"""What a run hands back is untrusted text: one rule makes it safe to store and show as it is.

The rule, for every string a run returns and the site shows (printed output, the traceback,
table cells and headers, file and figure names, check messages):

- NUL, other control characters (C0 and C1) but newline and tab, and terminal escape
  sequences are removed: nothing of them belongs on a page, and PostgreSQL rejects NUL.
- Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069),
  the bidi marks (U+200E, U+200F, U+061C) and the other invisible format characters that
  can hide or reorder text (zero-width spaces, tag characters, invisible operators...) are
  replaced by a visible marker such as ``[U+202E]``: the page then reads the way the bytes
  do, not the way a "Trojan Source" trick wants them read.
- Letters of every script, accents, combining marks, emoji and the joiners that scripts
  and emoji need (ZWJ, ZWNJ) stay exactly as printed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Terminal escape sequences (colours, cursor moves, title changes) and control characters
# other than newline and tab, C1 included (U+009B is a one-character CSI to some terminals).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Format characters (category Cf) that are visible or needed to spell ordinary text.
_KEPT_FORMAT = {
    "\u200c",  # zero width non-joiner: Persian, Indic scripts
    "\u200d",  # zero width joiner: emoji sequences, Indic scripts
    *"\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd",  # visible signs spanning numbers
}
_SURROGATES = re.compile("[\ud800-\udfff]")
CUT_NOTE = "\n… (cut)"


def _mark(character: str) -> str:
    return f"[U+{ord(character):04X}]"


def _is_hiding(character: str) -> bool:
    return unicodedata.category(character) == "Cf" and character not in _KEPT_FORMAT


def _character_class(codes: list[int]) -> str:
    """Return a regex character class of these code points, as ranges (a long list of single characters is slow)."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in ranges) + "]"


# Every Cf character in the Unicode database this Python knows. Planes 4 to 13 and the
# private use planes hold none (a test checks the whole range), so start-up skips them.
_HIDING = re.compile(_character_class([code for code in (*range(0x40000), *range(0xE0000, 0xF0000)) if _is_hiding(chr(code))]))


def clean_text(text: str, *, limit: int = 2_000_000) -> str:
    """Return text safe to store and show: no controls or escapes, hidden format characters made visible, size-capped."""
    cleaned = _ESCAPES.sub("", str(text).replace("\r\n", "\n"))
    cleaned = _SURROGATES.sub("\ufffd", cleaned)  # a lone surrogate cannot be stored as UTF-8
    cleaned = cleaned.replace("\u2028", "\n").replace("\u2029", "\n")
    cleaned = _HIDING.sub(lambda found: _mark(found.group()), cleaned)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + CUT_NOTE


def _clean_value(value: Any, *, limit: int) -> Any:
    """Clean every string inside JSON-like data (a table's cells, headers and index labels)."""
    if isinstance(value, str):
        return clean_text(value, limit=limit)
    if isinstance(value, list | tuple):
        return [_clean_value(item, limit=limit) for item in value]
    if isinstance(value, dict):
        return {clean_text(str(key), limit=limit): _clean_value(item, limit=limit) for key, item in value.items()}
    return value


def _clean_check(check: Any) -> dict[str, Any]:
    check = check if isinstance(check, dict) else {}
    return {
        "name": clean_text(str(check.get("name", "")), limit=200),
        "title": clean_text(str(check.get("title", "")), limit=2000),
        "passed": check.get("passed") is True,
        "message": clean_text(str(check.get("message", "")), limit=2000),
    }


def _clean_entries(entries: Any) -> list[dict[str, Any]]:
    """Clean the names and reasons of figure and file entries; their bytes stay as they are."""
    cleaned = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        entry = dict(entry)
        for key in ("name", "not_kept"):
            if key in entry and entry[key] is not None:
                entry[key] = clean_text(str(entry[key]), limit=300)
        cleaned.append(entry)
    return cleaned


def clean_result(result: dict[str, Any]) -> dict[str, Any]:
    """Return a sandbox result with every string a learner will see cleaned by the one rule above."""
    cleaned = dict(result)
    cleaned["stdout"] = clean_text(result.get("stdout") or "")
    cleaned["stderr"] = clean_text(result.get("stderr") or "")
    cleaned["error"] = clean_text(result.get("error") or "", limit=10_000)
    cleaned["traceback"] = clean_text(result.get("traceback") or "", limit=50_000)
    cleaned["display"] = _clean_value(result.get("display"), limit=10_000)
    cleaned["checks"] = [_clean_check(check) for check in result.get("checks") or []]
    cleaned["figures"] = _clean_entries(result.get("figures"))
    cleaned["files"] = _clean_entries(result.get("files"))
    cleaned["not_kept_figures"] = _clean_entries(result.get("not_kept_figures"))
    return cleaned
