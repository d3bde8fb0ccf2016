"""Write a large, realistic content tree in the authoring format (for benchmarks).

Usage: python bench/generate_catalog.py OUT_DIR [--lessons 2500] [--tracks 25]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "data",
    "frame",
    "column",
    "row",
    "index",
    "merge",
    "join",
    "concat",
    "pivot",
    "group",
    "aggregate",
    "mean",
    "median",
    "variance",
    "chart",
    "axis",
    "label",
    "histogram",
    "scatter",
    "bar",
    "line",
    "distribution",
    "outlier",
    "sample",
    "population",
    "test",
    "hypothesis",
    "model",
    "prompt",
    "output",
    "sandbox",
    "code",
    "check",
    "assert",
    "filter",
    "sort",
    "clean",
    "missing",
    "value",
    "type",
    "date",
    "string",
    "number",
    "category",
    "table",
    "key",
    "record",
    "file",
    "csv",
    "excel",
    "parse",
    "encode",
    "delimiter",
    "header",
    "schema",
    "validate",
    "join",
    "inner",
    "outer",
    "left",
    "right",
    "duplicate",
    "count",
    "sum",
    "total",
    "average",
    "spread",
    "quantile",
    "percentile",
    "correlation",
    "cause",
    "effect",
    "noise",
    "signal",
    "trend",
    "season",
    "forecast",
    "error",
    "bias",
    "fairness",
    "privacy",
    "upload",
    "secret",
    "token",
    "limit",
    "memory",
    "time",
    "cpu",
    "process",
    "network",
    "isolation",
    "runtime",
    "library",
    "package",
    "import",
    "function",
    "variable",
    "loop",
]


def sentence(rng: random.Random, length: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(sentence(rng, rng.randint(9, 18)) for _ in range(sentences))


def lesson_markdown(rng: random.Random, title: str, related: list[str]) -> str:
    terms = rng.sample(WORDS, 5)
    front = [
        "---",
        f'title: "{title}"',
        f'summary: "{sentence(rng, 20)}"',
        f"minutes: {rng.randint(6, 25)}",
        f'big_idea: "{sentence(rng, 16)}"',
        "key_terms:",
        *[f'  - term: "{term} {index}"\n    definition: "{sentence(rng, 12)}"' for index, term in enumerate(terms)],
    ]
    if related:
        front.append(f"related: [{', '.join(related)}]")
    front.append("---")
    body = [paragraph(rng, 3)]
    for number in range(1, 5):
        body += [f"## Part {number}: {rng.choice(WORDS)} and {rng.choice(WORDS)}", paragraph(rng), paragraph(rng)]
        if number == 2:
            body += ["```python", "import pandas as pd", "df = pd.read_csv('data/file.csv')", "print(df.groupby('key')['value'].sum())", "```"]
        if number == 3:
            body += ["| method | meaning |", "|---|---|", *[f"| {rng.choice(WORDS)} | {sentence(rng, 6)} |" for _ in range(4)]]
    body += ["## Applied exercise", *[f"{step}. {sentence(rng, 12)}" for step in range(1, 5)]]
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


def quiz_yaml(rng: random.Random) -> str:
    lines = ["questions:"]
    for index in range(15):
        kind = ["single", "multiple", "true_false", "number", "text"][index % 5]
        lines += [f"  - id: q{index}", f"    type: {kind}", f'    prompt: "{sentence(rng, 10)}"', f'    explanation: "{sentence(rng, 10)}"']
        choices = [f"choice {n} {rng.choice(WORDS)}" for n in range(4)]
        if kind == "single":
            lines += [f"    choices: {choices}", f'    answer: "{choices[1]}"']
        elif kind == "multiple":
            lines += [f"    choices: {choices}", f"    answers: {choices[:2]}"]
        elif kind == "true_false":
            lines += ["    answer: true"]
        elif kind == "number":
            lines += [f"    answer: {rng.randint(1, 1000)}", "    tolerance: 0.5"]
        else:
            lines += [f"    accept: [{rng.choice(WORDS)}]"]
    return "\n".join(lines) + "\n"


def write_exercise(folder: Path, rng: random.Random) -> None:
    (folder / "data").mkdir(parents=True)
    rows = "\n".join(f"{n},{rng.choice(WORDS)},{rng.randint(1, 500)}" for n in range(200))
    (folder / "data/values.csv").write_text(f"id,label,value\n{rows}\n")
    (folder / "starter.py").write_text('import pandas as pd\n\nvalues = pd.read_csv("data/values.csv")\ntotal = None\n')
    (folder / "solution.py").write_text('import pandas as pd\n\nvalues = pd.read_csv("data/values.csv")\ntotal = values["value"].sum()\n')
    (folder / "check.py").write_text(
        "import pandas as pd\n\n\ndef check_total(learner):\n"
        '    """The total is right."""\n'
        '    assert learner.variables.get("total") == pd.read_csv("data/values.csv")["value"].sum(), "Sum the value column."\n'
    )
    (folder / "exercise.yaml").write_text(
        'title: "Add it up"\ninstructions: |\n  Store the sum of `value` in `total`.\n'
        "starter: starter.py\nsolution: solution.py\ncheck: check.py\ndata:\n  - data/values.csv\n"
    )


def generate(out: Path, *, lessons: int, tracks: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    per_track = -(-lessons // tracks)
    written = 0
    for track_number in range(tracks):
        track_dir = out / f"track-{track_number:03d}"
        track_dir.mkdir(parents=True)
        (track_dir / "track.yaml").write_text(f'title: "Track {track_number}"\nsummary: "{sentence(rng)}"\norder: {track_number}\n')
        for number in range(1, per_track + 1):
            if written == lessons:
                return
            slug = f"lesson-{track_number:03d}-{number:04d}"
            lesson_dir = track_dir / f"{number:04d}-{slug}"
            lesson_dir.mkdir()
            related = [f"lesson-{track_number:03d}-{number - 1:04d}"] if number > 1 and number % 10 == 0 else []
            (lesson_dir / "lesson.md").write_text(lesson_markdown(rng, f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {slug}", related))
            (lesson_dir / "quiz.yaml").write_text(quiz_yaml(rng))
            if number % 5 == 0:
                write_exercise(lesson_dir / "exercise", rng)
            written += 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lessons", type=int, default=2500)
    parser.add_argument("--tracks", type=int, default=25)
    arguments = parser.parse_args()
    generate(arguments.out, lessons=arguments.lessons, tracks=arguments.tracks)
    print(f"Wrote {arguments.lessons} lessons in {arguments.tracks} tracks to {arguments.out}")
