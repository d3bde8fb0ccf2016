"""The offline engine: retrieve the lesson's best passages, judge, answer in its own words.

No network and no randomness: the same lesson and question always give the same
reply. Retrieval scores passages by BM25 over stems, with the lesson's own key terms
as synonyms (a question that paraphrases a definition finds the term). The judgement
of whether the lesson answers the question is a small learned model over features
that look past word overlap: names and numbers the lesson never mentions, the kind
of answer the question asks for, negation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import pairwise

from tutor.answerability import AnswerabilityModel, default_model
from tutor.passages import BIG_IDEA_ANCHOR, EXERCISE_ANCHOR, INTRO_ANCHOR, ITEM, KEY_TERMS_ANCHOR, ROW, LessonText, Passage
from tutor.text import NEGATIONS, STOPWORDS, content_stems, numbers_in, plain_letters, same_number, stem, words

# Question words that say little about the subject: missing from a passage, they
# barely count against it.
GENERIC = frozenset(
    stem(word)
    for word in """
    name named called call use used using type types kind example examples first main mean meaning happen happens
    happened make makes made work works common usual purpose difference different do done get need part role
    define definition describe description year years century decade date time number amount percentage percent
    term terms many much often
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

ANAPHORA = frozenset(["it", "its", "that", "this", "these", "those", "they", "them", "their", "one", "ones"])

STEERING = re.compile(
    r"ignore (?:all |any |the |your |previous |prior |above )*(?:instructions?|lesson|rules?|prompt|context)"
    r"|system prompt|your (?:instructions|prompt|rules)|developer mode|jailbreak|pretend (?:you|to be)"
    r"|you are now|act as |from (?:your )?general knowledge|forget (?:the|your|everything)"
    r"|disregard (?:the|your|all|previous)|override|i authori[sz]e you|reveal your",
    re.IGNORECASE,
)

# Words that frame a question without being its subject: "what does the lesson say about...",
# "can you explain...", "tell me about...".
FRAMING = re.compile(
    r"\b(?:what|how) (?:does|do|did) (?:the|this|your) (?:lesson|page|text|section) (?:say|tell(?: me| us)?|explain|mention|teach|cover|have to say)\b"
    r"|\b(?:according to|in|from) (?:the|this) (?:lesson|page|text)\b|\b(?:the|this) lesson (?:says|mentions|explains|talks about)\b"
    r"|\b(?:can|could|would) you (?:please )?(?:explain|tell me|describe|remind me)\b|\b(?:tell|remind) me\b|\bplease explain\b|\bexplain to me\b",
    re.IGNORECASE,
)
QUANTITY_PHRASE = re.compile(r"\bhow (?:many|much|long|old|far|big|large|fast|often|high|small|wide|tall|deep)\b", re.IGNORECASE)
NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|long|old|far|big|large|fast|often|high|small|wide|tall|deep)\b"
    r"|\bwhat (?:percentage|percent|number|proportion|fraction|amount|share|size|rate)\b",
    re.IGNORECASE,
)
# "When did..." asks for a date; "when should I..." asks for a condition, which is prose.
DATE_QUESTION = re.compile(
    r"\bwhen (?:did|was|were|had)\b|\b(?:what|which) (?:year|century|decade|date|month|day|period|era)\b|\bin what year\b|\bsince when\b",
    re.IGNORECASE,
)
# "Who" asks for a name where it opens a clause or follows a preposition ("founded by whom");
# after a noun ("kids who get tutoring") it only joins a relative clause.
NAME_QUESTION = re.compile(
    r"(?:^|[,;]|\b(?:by|to|for|with|from|of|and|but|so|then))\s*(?:who|whom)\b|\bwhose\b|\bwhat (?:person|people|company|organi[sz]ation|group)\b",
    re.IGNORECASE,
)
PLACE_QUESTION = re.compile(r"^\s*where\b|\bwhat (?:country|city|place|region|state|continent|town|river)\b", re.IGNORECASE)

NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "dozen",
        "half",
        "twice",
        "once",
        "double",
        "triple",
    ]
)
MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])
YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\bcentur(?:y|ies)\b|\bdecades?\b|\b\d+(?:st|nd|rd|th)\b|\bBC\b|\bAD\b")
TIME = re.compile(
    r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a\.m\.|p\.m\.)|\bo'clock\b|\bnoon\b|\bmidnight\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:at|from|until|till|by|before|after) (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}(?::\d\d)?)\b",
    re.IGNORECASE,
)
CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'-]+")


FEATURES = (
    "coverage_best", "coverage_window", "missing_from_lesson", "names_missing_lesson",
    "names_missing_window", "asks_for_type", "type_missing", "negation_mismatch", "bigram_overlap",
    "question_terms", "new_information", "margin", "best_score", "missing_window_count", "missing_window_max",
    "antonym_in_window", "number_mismatch", "coverage_count",
)  # fmt: skip

# The direction each feature can push the judgement, where it is known (see fit_logistic).
FEATURE_SIGNS = {
    "coverage_best": 1, "coverage_window": 1, "coverage_count": 1, "bigram_overlap": 1, "best_score": 1,
    "missing_from_lesson": -1, "names_missing_lesson": -1, "names_missing_window": -1, "type_missing": -1,
    "negation_mismatch": -1, "missing_window_count": -1, "missing_window_max": -1, "antonym_in_window": -1,
    "number_mismatch": -1,
}  # fmt: skip

# Pairs of opposites: a question that asks about one while the passage says the other
# is about something the lesson does not say.
OPPOSITES = [
    tuple(stem(word) for word in pair.split("/"))
    for pair in [
        "increase/decrease",
        "increase/decline",
        "grow/decline",
        "grow/shrink",
        "rise/fall",
        "rise/drop",
        "gain/lose",
        "win/lose",
        "more/less",
        "more/fewer",
        "larger/smaller",
        "largest/smallest",
        "large/small",
        "big/small",
        "high/low",
        "higher/lower",
        "highest/lowest",
        "long/short",
        "longer/shorter",
        "longest/shortest",
        "fast/slow",
        "faster/slower",
        "early/late",
        "earlier/later",
        "earliest/latest",
        "first/last",
        "first/second",
        "second/third",
        "before/after",
        "start/end",
        "begin/end",
        "open/close",
        "accept/reject",
        "allow/forbid",
        "allow/prevent",
        "attract/repel",
        "support/oppose",
        "strong/weak",
        "stronger/weaker",
        "north/south",
        "east/west",
        "major/minor",
        "maximum/minimum",
        "positive/negative",
        "success/failure",
        "succeed/fail",
        "include/exclude",
        "same/different",
        "true/false",
        "old/new",
        "older/newer",
        "oldest/newest",
        "public/private",
        "internal/external",
        "inner/outer",
        "upper/lower",
        "add/remove",
        "import/export",
        "rich/poor",
        "heavy/light",
        "hot/cold",
        "wet/dry",
        "always/never",
        "all/none",
        "many/few",
        "most/least",
        "best/worst",
        "better/worse",
        "good/bad",
        "legal/illegal",
        "possible/impossible",
        "mean/median",
        "ascending/descending",
        "left/right",
        # Pairs that swap in questions written to look answerable from a passage (pairs a
        # learner would ask with, like question/answer or cause/effect, are left out).
        *"""
        above/below inside/outside top/bottom front/back upper/lower northern/southern eastern/western birth/death
        born/died die/survive victory/defeat won/lost buy/sell borrow/lend arrive/depart enter/leave
        entrance/exit ban/permit reduce/increase expand/contract advantage/disadvantage strength/weakness rural/urban domestic/foreign
        military/civilian permanent/temporary common/rare simple/complex cheap/expensive wide/narrow thick/thin deep/shallow
        male/female men/women man/woman king/queen father/mother son/daughter brother/sister husband/wife
        previous/next past/future ancient/modern natural/artificial similar/different agree/disagree approve/reject attack/defend
        offensive/defensive light/dark day/night summer/winter majority/minority winner/loser wealthy/poor young/old
        youngest/oldest younger/older hard/soft easy/difficult easier/harder safe/dangerous healthy/sick friend/enemy
        ally/enemy peace/war lowest/highest least/most minor/major partial/complete full/empty supply/demand
        profit/loss credit/debit debt/asset upstream/downstream inland/coastal solid/liquid liquid/gas freeze/melt
        heat/cool warm/cool warmer/cooler absorb/emit create/destroy build/demolish hire/fire employ/dismiss
        elect/defeat promote/demote rise/sink ascend/descend start/finish begin/finish open/closed
        online/offline visible/invisible known/unknown official/unofficial formal/informal
        """.split(),  # noqa: SIM905 - a word list reads better as prose
    ]
]


@dataclass
class Judgement:
    best: Passage | None
    probability: float
    covered: bool
    passages: list[Passage] = field(default_factory=list)  # what the answer quotes, in lesson order
    features: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FEATURES, 0.0))
    steering: bool = False


def is_steering(question: str) -> bool:
    """Return True when the question tries to change the tutor's rules rather than ask about the lesson."""
    return bool(STEERING.search(question))


def _weights(lesson: LessonText, stems: list[str]) -> dict[str, float]:
    total = max(1, len(lesson.passages))
    weights = {}
    for item in stems:
        frequency = lesson.document_frequency.get(item, 0)
        weight = math.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5))
        weights[item] = weight * (0.3 if item in GENERIC else 1.0)
    return weights


def _bm25_scores(lesson: LessonText, weights: dict[str, float]) -> list[float]:
    """Score every passage by BM25, touching only the passages that hold a question word."""
    scores = [0.0] * len(lesson.passages)
    lengths, average = lesson.passage_lengths, lesson.average_length
    for item, weight in weights.items():
        for index, count in lesson.postings.get(item, ()):
            scores[index] += weight * count * 2.2 / (count + 1.2 * (0.25 + 0.75 * lengths[index] / average))
    return scores


def _coverage(weights: dict[str, float], present: set[str]) -> float:
    total = sum(weights.values())
    return sum(weight for item, weight in weights.items() if item in present) / total if total else 0.0


def _term_synonyms(lesson: LessonText, stems: set[str]) -> list[str]:
    """Return the stems of key terms whose definition the question paraphrases."""
    found = []
    for term, definition in lesson.key_terms:
        term_stems = content_stems(term)
        definition_stems = set(content_stems(definition))
        if not term_stems or not definition_stems or set(term_stems) <= stems:
            continue
        shared = len(definition_stems & stems)
        if shared >= 2 and shared / len(definition_stems) >= 0.25:
            found.extend(term_stems)
    return found


def answer_type(question: str) -> str:
    # A reason is not checked: lessons explain without "because" as often as with it.
    for kind, pattern in (("number", NUMBER_QUESTION), ("date", DATE_QUESTION), ("name", NAME_QUESTION), ("place", PLACE_QUESTION)):
        if pattern.search(question):
            # "Where should I put the rows?", "who should I ask?": a learner asking about their
            # own work wants a place in it or a role, not a proper name.
            if kind in ("name", "place") and speaks_of_own_work(question):
                return ""
            return kind
    return ""


def _has_answer_type(kind: str, text: str, question_words: set[str]) -> bool:
    fresh = [word for word in words(text) if word not in question_words]
    if kind == "number":
        return any(any(ch.isdigit() for ch in word) or word in NUMBER_WORDS for word in fresh)
    if kind == "date":
        return bool(YEAR.search(text) or TIME.search(text)) or any(word in MONTHS for word in fresh)
    if kind in ("name", "place"):
        return any(match.group().lower() not in question_words for match in CAPITALISED.finditer(text))
    return True


def _names_and_numbers(question: str, numbers: set[str]) -> list[str]:
    """Return the stems of the question's capitalised words (after its first) and the numbers it asks about."""
    found = [stem(match.group().lower()) for match in CAPITALISED.finditer(plain_letters(question))]
    found += sorted(numbers)
    return [item for item in found if item not in STOPWORDS]


def _mismatch_features(weights: dict[str, float], window_stems: set[str], asked: _Asked, window_text: str) -> dict[str, float]:
    """How the question's own words fail to appear where the answer should be."""
    missing = {item: weight for item, weight in weights.items() if item not in window_stems and item not in GENERIC}
    # Opposites are read from every word: "more", "before" and "after" are too common to be
    # searched for, yet swapping one for the other changes the question.
    question_stems = set(weights) | asked.clause_stems
    window_stems = window_stems | {stem(word) for word in words(window_text)}
    # Both of a pair in the question ("keep the first copy or the last?") offers a choice.
    antonym = any(
        (a in question_stems and a not in window_stems and b in window_stems) or (b in question_stems and b not in window_stems and a in window_stems)
        for a, b in OPPOSITES
        if not (a in question_stems and b in question_stems)
    )
    question_numbers = asked.numbers
    window_numbers = numbers_in(words(window_text))
    return {
        "missing_window_count": float(len(missing)),
        "missing_window_max": max(missing.values(), default=0.0),
        "antonym_in_window": 1.0 if antonym else 0.0,
        "number_mismatch": 1.0 if question_numbers - window_numbers else 0.0,
    }


def _bigrams(stems: list[str] | tuple[str, ...]) -> set[tuple[str, str]]:
    return set(pairwise(stems))


def judge(
    lesson: LessonText, question: str, *, context: str = "", model: AnswerabilityModel | None = None, vocabulary_prior: bool = True
) -> Judgement:
    """Find the passages that best answer question and judge whether they really do.

    context is earlier conversation, used only to make sense of a short follow-up.
    vocabulary_prior=False leaves the model's probability as it is (training reads the
    features of an engine that does not yet have a model; see _with_lesson_vocabulary).
    A question in several parts ("what is X and when do I use it?") is judged part by
    part; the lesson covers it when it covers every part, and the answer quotes each.
    """
    model = model or default_model()
    if is_steering(question):
        return Judgement(best=None, probability=0.0, covered=False, steering=True)
    term = _asked_term(lesson, question)
    if term is not None:
        return term
    parts = question_parts(question)
    if len(parts) == 1:
        return _judge_part(lesson, question, context, model, ANSWER_WORDS, vocabulary_prior)
    # A later part takes its subject from the part before ("what is X, and how do I plot one?").
    # Each part gets its share of the answer's length.
    budget = ANSWER_WORDS // len(parts)
    judged = [
        _judge_part(lesson, part, parts[number - 1] if number else context, model, budget, vocabulary_prior) for number, part in enumerate(parts)
    ]
    weakest = min(judged, key=lambda judgement: judgement.probability)
    passages = {id(passage): passage for judgement in judged for passage in judgement.passages}
    ordered = sorted(passages.values(), key=lesson.passages.index)
    # Covered only when every part is: half an answer presented as a whole one misleads.
    covered = all(judgement.covered for judgement in judged)
    return Judgement(best=judged[0].best, probability=weakest.probability, covered=covered, passages=ordered, features=weakest.features)


QUESTION_SPLIT = re.compile(
    r"\?\s+(?=\S)|[;,]?\s+and\s+(?=(?:what|why|how|when|where|which|who|is|are|does|do|can|should)\b)|,\s+(?=(?:what|why|how|when|where|which|who)\b)",
    re.IGNORECASE,
)


QUESTION_OPENERS = frozenset(
    """
    what which who whom whose when where why how is are was were am do does did can could should would will shall may might must
    has have had isn't aren't doesn't don't didn't can't couldn't shouldn't wouldn't won't
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def question_parts(question: str) -> list[str]:
    """Split a question at its joints ("...? And why...", "... and how ...") into parts worth answering.

    A statement before a question ("my wait isn't in the histogram, why?") is not a part of
    its own: it is the setting of the question that follows, and stays with it.
    """
    parts, setting = [], ""
    for part in QUESTION_SPLIT.split(question):
        part = f"{setting}, {part}" if setting else part
        opener = next(iter(words(part)), "")
        setting = "" if opener in QUESTION_OPENERS or part.rstrip().endswith("?") else part.strip(" ,;")
        if not setting:
            parts.append(part.strip(" ?,;"))
    if setting:
        parts.append(setting)
    parts = [part for part in parts if len(content_stems(part)) >= 1]
    return parts if len(parts) > 1 and all(len(content_stems(part)) >= 2 for part in parts) else [question]


def _asked_term(lesson: LessonText, question: str) -> Judgement | None:
    """A question that only names one of the lesson's key terms ("what's a sentinel value?", "NaN?"):
    answer with its definition and the first place the lesson uses it."""
    asked = set(content_stems(question)) - GENERIC
    if not asked or len(asked) > 4:
        return None
    for term, meaning in lesson.key_terms:
        term_stems = set(content_stems(term))
        if term_stems and asked == term_stems:
            definition = next((p for p in lesson.passages if p.is_definition and p.text.startswith(f"{term}:")), None)
            # Where the lesson teaches the term: the section named after it ("Units and
            # denominators"), else the passages that use it, the applied exercise and the big
            # idea last (one sets a task with the term, the other sums the lesson up).
            named = [p for p in lesson.passages if not p.is_definition and not p.is_code and term_stems <= lesson.sections[p.section].stems]
            mentions = named or [p for p in lesson.passages if not p.is_definition and not p.is_code and term_stems <= set(p.stems)]
            # In the section that teaches it, the sentence using the term or closest to its definition.
            defined = set(content_stems(meaning))
            mentions.sort(key=lambda p: (lesson.sections[p.section].anchor in ASIDES, not term_stems <= set(p.stems), -len(defined & set(p.stems))))
            # A sentence that ends by leading into something else ("...computes with it:") reads badly alone.
            mention = next((p for p in mentions if not _leads_on(p)), mentions[0] if mentions else None)
            # The definition first, then where the lesson uses the term, with what a lead-in leads to.
            passages = [passage for passage in (definition, mention) if passage is not None]
            if mention is not None and _leads_on(mention):
                following = lesson.passages.index(mention) + 1
                if following < len(lesson.passages) and lesson.passages[following].section == mention.section:
                    passages.append(lesson.passages[following])
            if passages:
                return Judgement(best=definition or mention, probability=1.0, covered=True, passages=passages)
    return None


ASIDES = frozenset([EXERCISE_ANCHOR, BIG_IDEA_ANCHOR])

# Definitions are short, so BM25 favours them; a question that only names a term is
# answered from them directly (_asked_term), any other question rarely is.
DEFINITION_DISCOUNT = 0.8
# How close to the top a passage that holds the kind of answer asked for must score.
TYPED_RERANK_SHARE = 0.6


# Offline answers stay short: a few sentences, the rest one click away in the cited section.
ANSWER_WORDS = 90
MAX_ANSWER_PASSAGES = 5
# How close to the best passage's score another passage of its section must come to join the answer.
SUPPORT_SHARE = 0.3
# How close the best passage of another section must come to join the answer.
RIVAL_SHARE = 0.75
# How many more sentences after the best one and the next may fill an answer with words to spare.
FOLLOWING_SENTENCES = 1


SECTION_BASE = 0.5
# The applied exercise sets tasks in the lesson's own words without explaining them: it
# answers a question only when nothing that teaches the subject comes close.
TASK_DISCOUNT = 0.5
# Pseudo-relevance feedback: the words the best passages share, added to the question
# with a small weight, find passages that say the same thing in other words.
PSEUDO_FEEDBACK_PASSAGES = 3
PSEUDO_FEEDBACK_TERMS = 5
PSEUDO_FEEDBACK_WEIGHT = 0.3


def _rank(lesson: LessonText, asked: set[str], search_weights: dict[str, float]) -> list[float]:
    """Score every passage for a question: BM25, lifted by its heading, by how many of the
    question's own words it holds, and by how well its section fits the question."""
    scores = _bm25_scores(lesson, search_weights)
    heading_scores = [sum(weight for item, weight in search_weights.items() if item in ref.stems) for ref in lesson.sections]
    # Lucene's old "coord" factor: a passage matching more of the question's words beats
    # one that matches a single rare word many times.
    heading_matches = [asked & ref.stems for ref in lesson.sections]
    section_fit = _section_fit(lesson, search_weights)
    poses_tasks = [TASK_DISCOUNT if ref.anchor == EXERCISE_ANCHOR else 1.0 for ref in lesson.sections]
    return [
        (score + 0.5 * heading_scores[passage.section])
        * (len((asked & set(passage.stems)) | heading_matches[passage.section]) / len(asked))
        * (DEFINITION_DISCOUNT if passage.is_definition or passage.is_code else 1.0)
        * (SECTION_BASE + section_fit[passage.section])
        * poses_tasks[passage.section]
        if score
        else 0.0
        for score, passage in zip(scores, lesson.passages, strict=True)
    ]


def _feedback_terms(lesson: LessonText, scores: list[float], search_weights: dict[str, float]) -> dict[str, float]:
    top = sorted(range(len(scores)), key=lambda index: -scores[index])[:PSEUDO_FEEDBACK_PASSAGES]
    counts: dict[str, int] = {}
    for index in top:
        if scores[index] > 0:
            for item in set(lesson.passages[index].stems) - set(search_weights) - GENERIC:
                counts[item] = counts.get(item, 0) + 1
    weights = _weights(lesson, list(counts))
    chosen = sorted(counts, key=lambda item: (-counts[item] * weights[item], item))[:PSEUDO_FEEDBACK_TERMS]
    return {item: PSEUDO_FEEDBACK_WEIGHT * weights[item] for item in chosen if counts[item] > 1}


def _section_fit(lesson: LessonText, weights: dict[str, float]) -> list[float]:
    """How well each section as a whole matches the question, from 0 to 1 (the best section)."""
    fits = []
    for index, ref in enumerate(lesson.sections):
        present = lesson.section_stems[index]
        fits.append(
            sum(weight for item, weight in weights.items() if item in present) + sum(weight for item, weight in weights.items() if item in ref.stems)
        )
    top = max(fits, default=0.0)
    return [fit / top if top else 0.0 for fit in fits]


def _typed_best(lesson: LessonText, order: list[int], scores: list[float], kind: str, question_words: set[str]) -> int:
    """The best passage, preferring among the close runners-up one that holds the kind of answer asked for
    (a number for "how many", a date for "when")."""
    top = order[0]
    if not kind:
        return top
    for index in order[:5]:
        if scores[index] < TYPED_RERANK_SHARE * scores[top]:
            break
        if _has_answer_type(kind, lesson.passages[index].text, question_words):
            return index
    return top


# Words by which learners speak of themselves and their own work. A clause holding one
# describes the learner's situation ("my 63-minute wait isn't in the histogram"); what
# they ask about is elsewhere.
SPEAKERS = frozenset(["i", "i'm", "i've", "i'd", "me", "my", "mine", "myself", "we", "our", "you", "your"])
WH_WORDS = frozenset(["what", "which", "who", "whom", "whose", "when", "where", "why", "how"])
# A clause opening with one of these sets a condition for the question, it is not asked.
CONDITIONS = frozenset(["if", "unless", "although", "though", "even"])
SENTENCE_BREAK = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)\s+")
CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[;()]|:(?=\s)|\s(?:but|so|because|although|though|while)\s", re.IGNORECASE)
# "...written like 05.01.2024", "e.g. 01307": a number given as an example of the learner's data.
EXAMPLE_MARKERS = frozenset(["like", "e.g", "eg", "say", "as", "example"])
# "...and not just the final figure": a contrast, not a question about a negative.
NEGATION_SOFTENERS = frozenset(["just", "only", "simply", "merely", "even"])


def asking_clauses(question: str) -> list[list[str]]:
    """Return the words of each clause that asks, leaving out the question's setting.

    The setting is what the learner tells before asking: a statement before the question
    ("March has a coupon column that jan and feb don't have. What happens...?"), a
    condition ("if nobody prints the row counts, ..."), a clause about their own work
    ("rows with no region disappear from my groupby, ..."). A clause that opens with a
    question word asks, though it may mention the learner ("which providers promise not
    to train on my data?").
    """
    sentences = [sentence for sentence in SENTENCE_BREAK.split(question.strip()) if words(sentence)]
    asking = []
    for sentence in sentences:
        statement = not sentence.rstrip().endswith("?") and words(sentence)[0] not in QUESTION_OPENERS
        if statement and len(sentences) > 1:
            continue
        for part in CLAUSE_BREAK.split(sentence):
            clause = words(part)
            if not clause or clause[0] in CONDITIONS or (SPEAKERS & set(clause) and clause[0] not in WH_WORDS):
                continue
            asking.append(clause)
    return asking


def speaks_of_own_work(question: str) -> bool:
    return bool(SPEAKERS & set(words(question)))


def asks_about_a_negative(question: str) -> bool:
    """Whether the question asks about something that did not happen ("which region did not...").

    The learner's own negations are how people talk, not part of what they ask about:
    one in the question's setting (asking_clauses), one the learner says of themselves
    ("some library I don't have"), a question that leads with a negative to ask for
    agreement ("isn't the new page better?"), a contrast ("and not just the final
    figure"), or a closing "why not?".
    """
    for clause in asking_clauses(question):
        for index, token in enumerate(clause):
            if token in NEGATIONS or token.endswith("n't"):
                leads = index == 0 and token.endswith("n't")
                closes = index == len(clause) - 1
                own = bool(SPEAKERS & set(clause[max(0, index - 2) : index]))
                contrast = not closes and clause[index + 1] in NEGATION_SOFTENERS
                if not (leads or closes or own or contrast):
                    return True
    return False


def asked_numbers(question: str) -> set[str]:
    """The numbers the question asks about, leaving out those of its setting and the learner's examples."""
    found = set()
    for clause in asking_clauses(question):
        for before, word in pairwise(["", *clause]):
            if any(ch.isdigit() for ch in word) and before not in EXAMPLE_MARKERS:
                found.add(same_number(word))
    return found


# "I don't get it", "explain that again", "what do you mean?": a request to explain again
# what the last question was about, which then is the whole question.
CLARIFY_WORDS = frozenset(
    content_stems(
        "understand understood get explain again mean meant confused confusing lost elaborate simpler simply detail details more help please "
        "give show example examples another"
    )
)


def is_follow_up(question: str) -> bool:
    """A question that needs the one before it: very short, or leaning on a pronoun ("why is that?")."""
    stems = set(content_stems(question))
    return len(stems) <= 1 or (len(stems) <= 4 and bool(set(words(question)) & ANAPHORA))


def _asked(question: str, context: str) -> str:
    """The question as the engine reads it: a follow-up takes its subject from the question before."""
    if context and set(content_stems(question)) <= CLARIFY_WORDS:
        return context
    if context and is_follow_up(question):
        return f"{context} {question}"
    return question


def _question_stems(question: str) -> list[str]:
    # "How long", "how many": the adjective asks for a quantity; it is not the subject. And
    # "what does the lesson say about X?" asks about X.
    return content_stems(QUANTITY_PHRASE.sub(" ", FRAMING.sub(" ", question)))


def _search(lesson: LessonText, stems: list[str]) -> tuple[dict[str, float], dict[str, float], list[float]]:
    """Return the question's word weights, the weights searched with (adding key terms the
    question paraphrases) and every passage's score."""
    weights = _weights(lesson, list(dict.fromkeys(stems)))
    search_weights = dict(weights)
    for item in _term_synonyms(lesson, set(stems)):
        search_weights.setdefault(item, 0.6 * _weights(lesson, [item])[item])
    scores = _rank(lesson, set(weights), search_weights)
    if PSEUDO_FEEDBACK_TERMS:
        scores = _rank(lesson, set(weights), {**_feedback_terms(lesson, scores, search_weights), **search_weights})
    return weights, search_weights, scores


def rank_passages(lesson: LessonText, question: str, *, context: str = "") -> list[int]:
    """Return the indexes of the passages that match the question, best first: the offline
    engine's retrieval without its judgement, for engines that answer in their own words."""
    stems = _question_stems(_asked(question, context))
    if not stems or not lesson.passages:
        return []
    _, _, scores = _search(lesson, stems)
    return sorted((index for index, score in enumerate(scores) if score > 0), key=lambda index: (-scores[index], index))


def _judge_part(lesson: LessonText, question: str, context: str, model: AnswerabilityModel, budget: int, vocabulary_prior: bool) -> Judgement:
    question = _asked(question, context)
    stems = _question_stems(question)
    if not stems or not lesson.passages:
        return Judgement(best=None, probability=0.0, covered=False)
    asked = _Asked.read(question, stems)
    weights, search_weights, scores = _search(lesson, stems)
    # A table's header row names the columns and says nothing itself: it is not an answer.
    order = sorted((index for index in range(len(scores)) if not _is_table_header(lesson, index)), key=lambda index: (-scores[index], index))
    best_index = _typed_best(lesson, order, scores, asked.kind, asked.words)
    # The runners-up close to the best are judged too, and the one the judgement trusts
    # most answers: the best-scoring passage may share the question's words while a
    # close second holds its names, its kind of answer, or more of what it asks.
    candidates = [best_index] + [
        index for index in order[:JUDGED_CANDIDATES] if index != best_index and scores[index] >= CANDIDATE_SHARE * scores[order[0]]
    ]
    judged = []
    for rank, index in enumerate(candidates):
        features = _features(lesson, asked, weights, search_weights, scores, order, index)
        judged.append((model.probability(features), -rank, index, features))  # ties go to the better-ranked
    probability, _, best_index, features = max(judged)
    if vocabulary_prior:
        probability = _with_lesson_vocabulary(probability, features["missing_from_lesson"], lesson)
    covered = scores[best_index] > 0 and probability >= model.threshold
    named = _section_named_by(lesson, stems)
    if named is not None and not covered and not asked.negated:
        # A short question that only names what one section's heading names ("size vs
        # count?" and "Size versus count") asks for that section: the author's heading says
        # it is the answer. It is answered from the section's best passage, or its first.
        in_section = [index for index in order if lesson.passages[index].section == named and not lesson.passages[index].is_code]
        if in_section:
            best_index, probability, covered = in_section[0], max(probability, model.threshold), True
    return Judgement(
        best=lesson.passages[best_index],
        probability=probability,
        covered=covered,
        passages=_answer_passages(lesson, best_index, scores, budget, procedure=asked.procedure),
        features=features,
    )


def _with_lesson_vocabulary(probability: float, missing: float, lesson: LessonText) -> float:
    """Move a probability by how much of the question the whole lesson never says (missing:
    the question words' weights), more the longer the lesson.

    The model learns from SQuAD's one-paragraph lessons, where a question word missing
    from the paragraph says little: paraphrases miss words too. In a lesson of a few
    thousand words it says more. A question whose every word the lesson uses somewhere is
    more likely asked about what it teaches; one with words the lesson never uses ("violin
    plot", "cron job") less likely.
    """
    if not 0.0 < probability < 1.0:
        return probability
    pull = VOCABULARY_PULL * (VOCABULARY_MIDPOINT - missing) * min(1.0, lesson.length / LONG_LESSON_WORDS)
    return 1.0 / (1.0 + math.exp(-(math.log(probability / (1.0 - probability)) + pull)))


# Set on the demo course's main question set, checked on its held-out set (docs/tutor.md).
VOCABULARY_PULL = 0.08  # per unit of missing weight (a word a demo lesson never uses weighs about 5 to 6)
VOCABULARY_MIDPOINT = 8.0  # the missing weight at which the probability does not move (one or two words)
LONG_LESSON_WORDS = 2000  # content words from which a lesson counts in full


def _section_named_by(lesson: LessonText, stems: list[str]) -> int | None:
    """The one teaching section whose heading holds every specific word of a short question, if any."""
    asked = set(stems) - GENERIC
    if not asked or len(asked) > HEADING_QUESTION_WORDS:
        return None
    named = [index for index, ref in enumerate(lesson.sections) if ref.anchor not in (*ASIDES, INTRO_ANCHOR, KEY_TERMS_ANCHOR) and asked <= ref.stems]
    return named[0] if len(named) == 1 else None


HEADING_QUESTION_WORDS = 3
JUDGED_CANDIDATES = 3
CANDIDATE_SHARE = 0.6
# "How do I...", "which argument...": a question answered by the lesson's code as much as by its prose.
PROCEDURE_QUESTION = re.compile(
    r"\bhow (?:do|can|should|would|could) (?:i|we|you)\b|\bhow to\b|\b(?:which|what) (?:argument|parameter|option|function|method|format|code|call)s?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Asked:
    """What a question asks, read once and used for every passage judged against it."""

    text: str
    stems: list[str]
    words: set[str]
    kind: str
    names: list[str]
    numbers: set[str]
    clause_stems: set[str]  # stems of every word of the clauses that ask, stop words too
    negated: bool
    procedure: bool  # asks how to do something: the lesson's code shows it

    @classmethod
    def read(cls, question: str, stems: list[str]) -> _Asked:
        numbers = asked_numbers(question)
        return cls(
            text=question,
            stems=stems,
            words=set(words(question)),
            kind=answer_type(question),
            names=_names_and_numbers(question, numbers),
            numbers=numbers,
            clause_stems={stem(word) for clause in asking_clauses(question) for word in clause},
            negated=asks_about_a_negative(question),
            procedure=bool(PROCEDURE_QUESTION.search(question)),
        )


def _features(
    lesson: LessonText,
    asked: _Asked,
    weights: dict[str, float],
    search_weights: dict[str, float],
    scores: list[float],
    order: list[int],
    best_index: int,
) -> dict[str, float]:
    best = lesson.passages[best_index]
    window = [
        lesson.passages[index]
        for index in (best_index - 1, best_index, best_index + 1)
        if 0 <= index < len(lesson.passages) and lesson.passages[index].section == best.section
    ]
    window_stems = {item for passage in window for item in passage.stems} | lesson.sections[best.section].stems | lesson.title_stems
    window_text = " ".join(passage.text for passage in window)
    window_numbers = numbers_in(window_stems)
    stems, names, kind = asked.stems, asked.names, asked.kind
    question_bigrams = _bigrams(stems)
    other = max((scores[index] for index in order[:2] if index != best_index), default=0.0)
    return {
        "coverage_best": _coverage(search_weights, set(best.stems)),
        "coverage_window": _coverage(search_weights, window_stems),
        "missing_from_lesson": sum(weight for item, weight in weights.items() if item not in lesson.vocabulary and item not in GENERIC),
        "names_missing_lesson": float(sum(1 for item in names if item not in lesson.vocabulary and item not in lesson.numbers)),
        "names_missing_window": float(sum(1 for item in names if item not in window_stems and item not in window_numbers)),
        "asks_for_type": 1.0 if kind else 0.0,
        "type_missing": 0.0 if _has_answer_type(kind, window_text, asked.words) else 1.0,
        "negation_mismatch": 1.0 if asked.negated and not (set(words(window_text)) & NEGATIONS or "n't" in window_text.lower()) else 0.0,
        "bigram_overlap": len(question_bigrams & _bigrams(best.stems)) / len(question_bigrams) if question_bigrams else 0.0,
        "question_terms": math.log1p(len(set(stems))),
        "new_information": math.log1p(len(set(best.stems) - set(stems))),
        "margin": (scores[best_index] - other) / scores[best_index] if scores[best_index] else 0.0,
        "best_score": math.log1p(scores[best_index]),
        "coverage_count": len(specific & window_stems) / len(specific) if (specific := set(stems) - GENERIC) else 1.0,
        **_mismatch_features(weights, window_stems, asked, window_text),
    }


def _answer_passages(lesson: LessonText, best_index: int, scores: list[float], budget: int, *, procedure: bool = False) -> list[Passage]:
    """Return the best passage with what it needs, in lesson order and within budget words.

    First the context the best passage needs: the sentence before when it leans on it
    ("These are called..."), the prose that introduces a code block, what follows a
    sentence ending in a colon (a list, a code block), or else the next sentence, which
    usually finishes the thought; for a "how do I" question, the code example that follows.
    Then the section's other strong passages, strongest first: an answer is often spread
    over a few sentences of one section. Words to spare go to the sentences around the best.
    """
    best = lesson.passages[best_index]

    def same_section(index: int) -> bool:
        return 0 <= index < len(lesson.passages) and lesson.passages[index].section == best.section

    if best.is_definition:
        # A key term's definition: add where the lesson itself uses the term.
        term_stems = set(content_stems(best.text.partition(":")[0]))
        uses = [index for index, passage in enumerate(lesson.passages) if not passage.is_definition and term_stems <= set(passage.stems)]
        if uses:
            return [lesson.passages[max(uses, key=lambda index: (scores[index], -index))], best]
        return [best]
    wanted = [best_index]
    if same_section(best_index - 1) and (best.is_code or LEANS_BACK.match(best.text)):
        wanted.append(best_index - 1)
    listed = []
    if _leads_on(best):  # a lead-in or a question the lesson then answers
        # A lead-in to a list ("...one of five questions:") comes with the first sentence of
        # each item, a lead-in to a table with its rows.
        follow = best_index + 1
        while same_section(follow) and (lesson.passages[follow].in_list or lesson.passages[follow].kind == ROW):
            if lesson.passages[follow].kind in (ITEM, ROW):
                listed.append(follow)
            follow += 1
        following = [index for index in (best_index + 1, best_index + 2) if same_section(index)]
        wanted += listed or following[: 1 if following and lesson.passages[following[0]].is_code else 2]
    if procedure and not best.is_code:  # "how do I...?" is shown by the code example that follows
        example = next((index for index in range(best_index + 1, best_index + 4) if same_section(index) and lesson.passages[index].is_code), None)
        if example is not None:
            wanted.append(example)
    strong = [index for index in range(len(scores)) if same_section(index) and scores[index] >= SUPPORT_SHARE * scores[best_index]]
    wanted += sorted(strong, key=lambda index: (-scores[index], index))
    # Another section that answers nearly as well is named too: the learner may need it.
    rival = max(
        (index for index in range(len(scores)) if not same_section(index) and not lesson.passages[index].is_definition),
        key=scores.__getitem__,
        default=None,
    )
    if rival is not None and scores[best_index] > 0 and scores[rival] >= RIVAL_SHARE * scores[best_index]:
        wanted.insert(1, rival)
    if same_section(best_index + 1) and not lesson.passages[best_index + 1].is_code:
        wanted.append(best_index + 1)
    # Then the sentence before, which often gives the cause or the setting of the best one
    # ("Every run gets a time budget." before "A slow apply may be stopped halfway.").
    if same_section(best_index - 1) and not lesson.passages[best_index - 1].is_code:
        wanted.append(best_index - 1)
    # Words to spare go to how the section goes on from the best passage: "That error is a
    # gift." is followed by why. (After a lead-in to a list, the items are what follows.)
    if not listed:
        wanted += [
            index
            for index in range(best_index + 2, best_index + 2 + FOLLOWING_SENTENCES)
            if same_section(index) and not lesson.passages[index].is_code
        ]
    chosen: list[int] = []
    words_used = 0
    for index in dict.fromkeys(wanted):
        if index in chosen:
            continue
        # A lead-in ("...like this:") or a question the lesson then answers comes with what follows, or not at all.
        unit = [index]
        if index != best_index and index not in listed and _leads_on(lesson.passages[index]) and same_section(index + 1) and index + 1 not in chosen:
            unit.append(index + 1)
        length = sum(len(lesson.passages[item].text.split()) for item in unit)
        # The items of a list are short and belong together: they count against the words, not the passages.
        passages_used = sum(1 for item in [*chosen, *unit] if item not in listed)
        if chosen and (words_used + length > budget or passages_used > MAX_ANSWER_PASSAGES):
            continue
        chosen += unit
        words_used += length
    # A table's header row says nothing on its own: the rows quoted name their cells by it.
    headers = {index for index in chosen if _is_table_header(lesson, index)}
    if headers and len(chosen) > len(headers):
        chosen = [index for index in chosen if index not in headers]
        # ...and a lead-in to a table that has lost its header has lost what it leads to.
        chosen = [index for index in chosen if index == best_index or not (_leads_on(lesson.passages[index]) and index + 1 in headers)]
    return [lesson.passages[index] for index in sorted(chosen)]


def _is_table_header(lesson: LessonText, index: int) -> bool:
    """Whether the passage at index is a table's first row with more rows after it (checked for every passage: O(1))."""
    passages, row = lesson.passages, lesson.passages[index]

    def is_row_beside(other: int) -> bool:
        return 0 <= other < len(passages) and passages[other].kind == ROW and passages[other].section == row.section

    return row.kind == ROW and not is_row_beside(index - 1) and is_row_beside(index + 1)


def _leads_on(passage: Passage) -> bool:
    return passage.text.rstrip().endswith((":", "?"))


LEANS_BACK = re.compile(r"^(?:this|these|that|those|it|its|they|their|such|so|here|then|both|either|neither)\b", re.IGNORECASE)
