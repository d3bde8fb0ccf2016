"""What the tutor says back: the shape every engine returns and the API sends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class Reason:
    ANSWERED = "answered"
    NOT_COVERED = "not-covered"  # the lesson does not answer it
    STEERING = "steering"  # the question tries to change the rules
    QUIZ_POINTER = "quiz-pointer"  # a question of the learner's unfinished quiz: where to read, not the answer
    QUIZ_REVIEW = "quiz-review"  # after the attempt: why the learner's answer was wrong, from the lesson
    SMALL_TALK = "small-talk"  # a greeting, thanks, or a request too vague to answer: an invitation to ask


@dataclass(frozen=True)
class Citation:
    section: str  # the section's title
    anchor: str
    quote: str  # the lesson's own words the answer rests on


@dataclass(frozen=True)
class SeeAlso:
    slug: str
    title: str
    url: str


@dataclass
class TutorReply:
    answer: str
    covered: bool
    reason: str
    engine: str
    citations: list[Citation] = field(default_factory=list)
    see_also: list[SeeAlso] = field(default_factory=list)
    latency_ms: int = 0

    def to_json(self) -> dict:
        return asdict(self)
