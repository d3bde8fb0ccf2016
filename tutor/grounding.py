"""The grounding check: keep only the sentences of a model's answer that the lesson supports.

A model writes fluently whether or not it knows; this check decides what the learner
sees. Every sentence of the answer is tested against the passages it cites (or, when
it cites none, the one or two shown passages that match it best):

- its content words must mostly be in those passages, every clause must be at least
  half in them, and any word the lesson never uses at all is a new claim;
- every name and number in it must appear in those passages;
- it may not add a negation the passages lack, nor drop one that they state.

A sentence that fails is dropped; a citation of a passage that was never shown, or
citations that do not support their sentence, fail it. What remains is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tutor.passages import Passage
from tutor.text import NEGATIONS, STOPWORDS, content_stems, sentences, stem, words

NOT_COVERED_MARKER = "NOT_COVERED"
MAX_SENTENCES = 6

# "[2]", "[1, 3]", "[1][2]", "[passage 2]", "(passage 2)", "[#2]"
CITATION = re.compile(
    r"\[\s*(?:passages?\s*)?#?\d+(?:\s*(?:,|;|and|&)\s*(?:passages?\s*)?#?\d+)*\s*\]"
    r"|\(\s*passages?\s*#?\d+(?:\s*(?:,|;|and|&)\s*#?\d+)*\s*\)",
    re.IGNORECASE,
)
NUMBER_IN_CITATION = re.compile(r"\d+")
MARKER = re.compile(r"\bNOT[_ ]COVERED\b", re.IGNORECASE)
MARKDOWN = re.compile(r"\*\*|__|`|^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", re.MULTILINE)
CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s(?:and|but|or|which|because|while|whereas|although|though|so|yet|unless|except)\s", re.IGNORECASE)
CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")

# Words that frame an answer rather than claim anything: missing from the passages,
# they cost nothing ("The lesson explains that...", "In short, ...").
GLUE = frozenset(
    content_stems(
        "lesson lessons passage passages section sections text mentions mention mentioned says state states stated "
        "explains explained describes described notes noted according covers covered learn read answer question "
        "great good sure yes simply basically short summary summarise important example examples instance "
        "word words called call named name use used uses make makes made happen happens happened mean means "
        "help helps hope here well together overall put"
    )
)

# Number words compared as numbers, so "two" in the lesson supports "2" in the answer.
NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "dozen": "12", "twice": "twice", "thrice": "thrice", "half": "half", "double": "double", "triple": "triple",
}  # fmt: skip
NUMBER_STEMS = {stem(word): number for word, number in NUMBER_WORDS.items()}


@dataclass(frozen=True)
class GroundedAnswer:
    text: str  # the supported sentences with citation markers removed; "" when none is
    passages: list[int] = field(default_factory=list)  # indexes (0-based) of the shown passages it rests on
    dropped: list[str] = field(default_factory=list)  # sentences removed as unsupported
    declined: bool = False  # the model said the passages do not answer

    @property
    def covered(self) -> bool:
        return bool(self.text)


def ground_answer(answer: str, passages: Sequence[Passage], *, vocabulary: Iterable[str] = (), truncated: bool = False) -> GroundedAnswer:
    """Return the part of a model's answer that the shown passages support, and the passages it rests on.

    passages are those the model saw, numbered from 1 in its prompt; vocabulary is
    every stem of the lesson. truncated says the model was cut off mid-answer.
    """
    if MARKER.search(answer):
        return GroundedAnswer(text="", declined=True)
    shown = [_Support.of(passage) for passage in passages]
    lesson_stems = frozenset(_as_numbers(vocabulary)) | {item for support in shown for item in support.stems}
    # A capitalised word the passages also capitalise inside a sentence is a name, even first in a sentence.
    names = {stem(match.group().lower()) for support in shown for match in CAPITALISED.finditer(support.text) if match.start() > 0}
    lines = _plain(answer)
    found = sentences(lines)
    if truncated and found and found[-1][-1:] not in ".!?":
        found = found[:-1]  # cut off mid-sentence: its claim is unfinished
    kept: list[str] = []
    used: set[int] = set()
    dropped: list[str] = []
    for sentence in found:
        cited = [int(number) for marker in CITATION.findall(sentence) for number in NUMBER_IN_CITATION.findall(marker)]
        text = _tidy(CITATION.sub("", sentence))
        if not _claim_stems(text):
            continue  # "Great question!": nothing to check, nothing worth showing
        support = _support_for(text, cited, shown, lesson_stems, names)
        if support is None:
            dropped.append(text)
            continue
        if len(kept) < MAX_SENTENCES:
            kept.append(text)
            used.update(support)
    return GroundedAnswer(text=" ".join(kept), passages=sorted(used), dropped=dropped)


@dataclass(frozen=True)
class _Support:
    text: str
    stems: frozenset[str]
    numbers: frozenset[str]
    negated: bool
    negated_stems: frozenset[str]  # what the passage says is not so: "do not predict" -> "predict"

    @classmethod
    def of(cls, passage: Passage) -> _Support:
        tokens = words(passage.text)
        return cls(
            text=passage.text,
            stems=frozenset(_as_numbers([*passage.stems, *content_stems(passage.text)])),
            numbers=frozenset(_numbers(tokens)),
            negated=any(_is_negation(token) for token in tokens),
            negated_stems=frozenset(_negated_stems(tokens)),
        )


def _support_for(text: str, cited: list[int], shown: list[_Support], lesson_stems: frozenset[str], names: set[str]) -> list[int] | None:
    """Return the indexes of the passages that support the sentence, or None when none do."""
    if cited:
        chosen = sorted({number - 1 for number in cited if 1 <= number <= len(shown)})
        if not chosen:
            return None  # it cites only passages it was never shown
        return chosen if _is_supported(text, [shown[index] for index in chosen], lesson_stems, names) else None
    claim = set(_claim_stems(text))
    ranked = sorted(range(len(shown)), key=lambda index: (-len(claim & shown[index].stems), index))
    for chosen in (ranked[:1], ranked[:2]):
        if chosen and _is_supported(text, [shown[index] for index in chosen], lesson_stems, names):
            return sorted(chosen)
    return None


def _is_supported(text: str, support: list[_Support], lesson_stems: frozenset[str], names: set[str]) -> bool:
    stems = set().union(*(item.stems for item in support))
    claim = _claim_stems(text)
    missing = [item for item in claim if item not in stems]
    if any(item not in lesson_stems for item in missing):
        return False  # a word the lesson never uses: the model brought it
    if len(missing) > 0.25 * len(claim):
        return False
    for clause in CLAUSE.split(text):
        clause_stems = _claim_stems(clause)
        if clause_stems and sum(item in stems for item in clause_stems) < 0.5 * len(clause_stems):
            return False
    tokens = words(text)
    if any(name not in stems for name in _names(text, names)):
        return False
    numbers = set().union(*(item.numbers for item in support))
    if any(number not in numbers for number in _numbers(tokens)):
        return False
    negated = any(_is_negation(token) for token in tokens)
    if negated and not any(item.negated for item in support):
        return False
    denied = set().union(*(item.negated_stems for item in support))
    return negated or not (denied & set(claim))


def _claim_stems(text: str) -> list[str]:
    return _as_numbers(item for item in content_stems(text) if item not in GLUE)


def _as_numbers(stems: Iterable[str]) -> list[str]:
    """Return the stems with number words as numbers: "seven", "7" and "1,000", "1000" are the same claims."""
    return [item.replace(",", "") if item[:1].isdigit() else NUMBER_STEMS.get(item, item) for item in stems]


def _names(text: str, known_names: set[str]) -> list[str]:
    """Return the stems of a sentence's capitalised words that name something (a first word only when the passages capitalise it)."""
    found = []
    for match in CAPITALISED.finditer(text):
        word = match.group().lower()
        if word in STOPWORDS or stem(word) in GLUE:
            continue
        if match.start() > 0 or stem(word) in known_names:
            found.append(stem(word))
    return found


def _numbers(tokens: list[str]) -> list[str]:
    found = []
    for token in tokens:
        if any(ch.isdigit() for ch in token):
            found.append(token.replace(",", ""))
        elif token in NUMBER_WORDS:
            found.append(NUMBER_WORDS[token])
    return found


def _is_negation(token: str) -> bool:
    return token in NEGATIONS or token.endswith("n't")


def _negated_stems(tokens: list[str]) -> list[str]:
    """Return the stem of the first content word after each negation in the passage."""
    found = []
    for position, token in enumerate(tokens):
        if _is_negation(token):
            following = [item for item in tokens[position + 1 : position + 4] if item not in STOPWORDS and not _is_negation(item)]
            if following:
                found.append(stem(following[0]))
    return found


def _plain(answer: str) -> str:
    """Remove Markdown emphasis, headings, list bullets and quote marks so sentences compare as prose."""
    return MARKDOWN.sub("", answer)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
    return text.strip()
