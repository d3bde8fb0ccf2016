"""Words, stems and sentences: the text handling every tutor engine shares.

Questions and lessons are compared by stems (the Snowball English stemmer), so
"joins", "joined" and "joining" meet; small function words are dropped because they
say nothing about what a question is about.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# Letters (with inner apostrophes, dots and underscores, so "isna", "df.groupby" and
# "don't" stay whole), or numbers with their separators and a trailing percent sign.
WORD = re.compile(r"[^\W\d_](?:[\w']|\.(?=\w))*|\d+(?:[.,:/]\d+)*%?", re.UNICODE)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "got",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "however",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "like",
        "me",
        "might",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "nor",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "please",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "versus",
        "very",
        "vs",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "whether",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "whose",
        "why",
        "why's",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "yet",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "tell",
        "explain",
        "know",
        "mean",
        "means",
        "meant",
        "say",
        "says",
        "said",
        "want",
        "wanted",
        "give",
        "show",
        "let",
        "us",
        "okay",
        "ok",
        "hi",
        "hello",
        "thanks",
        "thank",
        "really",
        "actually",
        "exactly",
        "basically",
        "just",
        "something",
        "anything",
        "thing",
        "things",
        "way",
        "ways",
        "kind",
        "sort",
        "lot",
        "bit",
    ]
)

# Words that make a question negative: a passage that answers "which did not..." must
# speak of the negative too.
NEGATIONS = frozenset(["not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "n't", "cannot"])

SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[`*]?[A-Z0-9`])")


# Irregular verbs the stemmer cannot bring together ("became" and "become").
_IRREGULAR = {
    form: base
    for base, *forms in (
        line.split()
        for line in """
        arise arose arisen; be was were been; bear bore born borne; beat beaten; become became; begin began begun;
        bend bent; bind bound; bite bit bitten; blow blew blown; break broke broken; bring brought; build built;
        buy bought; catch caught; choose chose chosen; come came; cost; cut; deal dealt; dig dug; do did done;
        draw drew drawn; drink drank drunk; drive drove driven; eat ate eaten; fall fell fallen; feed fed; feel felt;
        fight fought; find found; flee fled; fly flew flown; forbid forbade forbidden; forget forgot forgotten;
        freeze froze frozen; get got gotten; give gave given; go went gone; grow grew grown; hang hung; have had;
        hear heard; hide hid hidden; hold held; keep kept; know knew known; lay laid; lead led; leave left;
        lend lent; lie lay lain; lose lost; make made; mean meant; meet met; pay paid; ride rode ridden;
        ring rang rung; rise rose risen; run ran; say said; see saw seen; seek sought; sell sold; send sent;
        shake shook shaken; shoot shot; show shown; shrink shrank shrunk; sing sang sung; sink sank sunk; sit sat;
        sleep slept; speak spoke spoken; spend spent; stand stood; steal stole stolen; stick stuck; strike struck;
        swear swore sworn; swim swam swum; take took taken; teach taught; tear tore torn; tell told; think thought;
        throw threw thrown; understand understood; wake woke woken; wear wore worn; win won; write wrote written;
        undertake undertook undertaken; overcome overcame; withdraw withdrew withdrawn; arise arose
        """.replace("\n", " ").split(";")
        if line.split()
    )
    for form in forms
}
# British spellings meet American ones ("centre", "center"; "colour", "color").
_SPELLING = [
    (re.compile(r"^(cent|met|theat|fib|lit|calib|spect|meag|somb)re(s|d)?$"), r"\1er\2"),
    (re.compile(r"^(colo|favo|hono|labo|behavio|neighbo|harbo|humo|vigo|rumo|armo)ur(s|ed|ing|ite|ites|able)?$"), r"\1r\2"),
    (re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"^(\w{3,})ys(e|ed|es|ing)$"), r"\1yz\2"),
]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the stem of one lower-case word ("grouping" -> "group", "became" -> "becom")."""
    word = word.strip("'").removesuffix("'s")
    if "." in word or "_" in word or any(ch.isdigit() for ch in word):
        return word  # identifiers and numbers are compared as written
    word = _IRREGULAR.get(word, word)
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """Return the lower-case words of text, in order."""
    return [match.group().lower() for match in WORD.finditer(plain_letters(text))]


THOUSANDS_SEPARATOR = re.compile(r"(?<=\d)[,\u202f](?=\d{3}(?!\d))")


def same_number(word: str) -> str:
    """The number as written without thousands separators: "9,999" and "9999" are one number."""
    return THOUSANDS_SEPARATOR.sub("", word)


def numbers_in(items) -> set[str]:
    """The numbers among words or stems, as written without thousands separators."""
    return {same_number(item) for item in items if any(ch.isdigit() for ch in item)}


def plain_letters(text: str) -> str:
    """Return text with compatibility forms and accents made plain: full-width letters and
    the "fi" ligature meet their plain letters, and "café" meets "cafe", as learners type it."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def content_stems(text: str) -> list[str]:
    """Return the stems of the words of text that carry meaning, in order."""
    return [stem(word) for word in words(text) if (word not in STOPWORDS and len(word) > 1) or word.isdigit()]


def sentences(text: str) -> list[str]:
    """Split a paragraph of prose into sentences; lines are split too."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            found.extend(part.strip() for part in SENTENCE_END.split(line) if part.strip())
    return found


def normalise(text: str) -> str:
    """Return text in lower case with every run of white space as one space."""
    return " ".join(text.lower().split())
