"""The answerability model: trained reproducibly by tutor_train from a SQuAD 2.0 style file,
written as a small readable file, and the committed one fits the engine that reads it."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from tutor.answerability import AnswerabilityModel, default_model
from tutor.offline import FEATURE_SIGNS, FEATURES
from tutor.training import THRESHOLD_STEP

# Short passages written for these tests, in the SQuAD 2.0 layout: (title, passage, [(question, answers)]).
# An empty answer list marks a question the passage does not answer.
ARTICLES = [
    (
        "Bread",
        [
            (
                "Bakers mix flour, water, salt and yeast into a dough. The yeast feeds on sugars in the flour and "
                "releases carbon dioxide, which makes the dough rise. A sourdough starter does the same job with wild "
                "yeasts and lactic acid bacteria, and it gives the bread a sour taste.",
                [
                    ("What makes the dough rise?", ["carbon dioxide"]),
                    ("What four things do bakers mix into a dough?", ["flour, water, salt and yeast"]),
                    ("What gives sourdough bread its sour taste?", ["lactic acid bacteria", "sourdough starter"]),
                    ("What does the yeast feed on?", ["sugars in the flour", "sugars"]),
                    ("What makes the dough shrink?", []),
                    ("Which bacteria give rye bread a sweet taste?", []),
                    ("Who invented the sourdough starter in 1850?", []),
                ],
            ),
            (
                "A loaf bakes at about 230 degrees for forty minutes. Steam in the first minutes keeps the crust soft "
                "so the loaf can expand; later the crust hardens and browns. Bakers knock on the bottom of the loaf: a "
                "hollow sound means it is done.",
                [
                    ("At what temperature does a loaf bake?", ["230 degrees", "about 230 degrees"]),
                    ("What keeps the crust soft in the first minutes?", ["Steam"]),
                    ("What does a hollow sound mean?", ["it is done"]),
                    ("How long does a loaf bake?", ["forty minutes"]),
                    ("What keeps the crust hard in the last minutes?", []),
                    ("At what temperature does a cake bake?", []),
                    ("What does a dull sound mean?", []),
                ],
            ),
        ],
    ),
    (
        "Bicycles",
        [
            (
                "The safety bicycle of the 1880s had two wheels of equal size and a chain that drove the rear wheel. "
                "It replaced the penny-farthing, whose huge front wheel made falls dangerous. Pneumatic tyres, made "
                "practical by John Boyd Dunlop in 1888, made the ride far smoother.",
                [
                    ("What drove the rear wheel of the safety bicycle?", ["a chain", "chain"]),
                    ("What did the safety bicycle replace?", ["the penny-farthing", "penny-farthing"]),
                    ("Who made pneumatic tyres practical?", ["John Boyd Dunlop"]),
                    ("What made falls from the penny-farthing dangerous?", ["huge front wheel"]),
                    ("Who made solid tyres practical in 1888?", []),
                    ("What drove the front wheel of the safety bicycle?", []),
                    ("What did the penny-farthing replace in the 1920s?", []),
                ],
            ),
            (
                "Gears let a rider keep a comfortable pedalling speed on hills and on the flat. A derailleur moves the "
                "chain between sprockets of different sizes. A larger rear sprocket makes climbing easier but the "
                "bicycle slower on the flat.",
                [
                    ("What moves the chain between sprockets?", ["A derailleur", "derailleur"]),
                    ("What makes climbing easier?", ["A larger rear sprocket", "larger rear sprocket"]),
                    ("What do gears let a rider keep?", ["a comfortable pedalling speed"]),
                    ("What makes climbing harder?", []),
                    ("What moves the brakes between sprockets?", []),
                    ("Which company built the first derailleur in Italy?", []),
                ],
            ),
        ],
    ),
    (
        "Bees",
        [
            (
                "A honey bee colony has one queen, thousands of female workers and, in summer, a few hundred male "
                "drones. Workers forage for nectar and pollen, and they tell each other where flowers are with a "
                "waggle dance. The angle of the dance shows the direction of the food relative to the sun.",
                [
                    ("How many queens does a colony have?", ["one"]),
                    ("How do workers tell each other where flowers are?", ["with a waggle dance", "waggle dance"]),
                    ("What shows the direction of the food?", ["The angle of the dance", "angle of the dance"]),
                    ("What do workers forage for?", ["nectar and pollen"]),
                    ("How many queens does a wasp nest have?", []),
                    ("What shows the distance of the food in winter?", []),
                    ("How do drones tell each other where water is?", []),
                ],
            ),
        ],
    ),
]


def write_questions(path) -> None:
    lines = []
    for title, passages in ARTICLES:
        for number, (context, questions) in enumerate(passages):
            for index, (question, answers) in enumerate(questions):
                lines.append(
                    json.dumps({"id": f"{title}-{number}-{index}", "title": title, "context": context, "question": question, "answers": answers})
                )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "train.jsonl"
    write_questions(path)
    return path


def test_training_twice_on_the_same_file_writes_the_same_model(questions, tmp_path, capsys):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("tutor_train", str(questions), "--output", str(first))
    call_command("tutor_train", str(questions), "--output", str(second))

    assert first.read_bytes() == second.read_bytes()
    model = json.loads(first.read_text())
    assert model["features"] == list(FEATURES)
    assert model["trained_on"]["file"] == "train.jsonl"
    assert model["trained_on"]["sha256"] == hashlib.sha256(questions.read_bytes()).hexdigest()
    assert model["trained_on"]["questions"] == sum(len(qs) for _, passages in ARTICLES for _, qs in passages)
    assert model["trained_on"]["answerable"] == sum(1 for _, passages in ARTICLES for _, qs in passages for _, answers in qs if answers)
    assert "Trained on" in capsys.readouterr().out


def test_the_threshold_sits_on_its_coarse_grid_and_weights_keep_their_known_directions(questions, tmp_path):
    out = tmp_path / "model.json"
    call_command("tutor_train", str(questions), "--output", str(out))
    model = AnswerabilityModel.from_json(json.loads(out.read_text()))

    assert 0 < model.threshold < 1
    assert round(model.threshold / THRESHOLD_STEP, 6) == round(model.threshold / THRESHOLD_STEP)
    for name, weight in zip(model.features, model.weights, strict=True):
        assert weight * FEATURE_SIGNS.get(name, 0) >= 0, name


def test_a_missing_or_malformed_training_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("tutor_train", str(tmp_path / "absent.jsonl"), "--output", str(tmp_path / "model.json"))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "1", "title": "T", "context": "C", "question": "Q", "answers": []}\n{"id": 2\n')
    with pytest.raises(CommandError, match="line 2"):
        call_command("tutor_train", str(broken), "--output", str(tmp_path / "model.json"))
    assert not (tmp_path / "model.json").exists()


def test_the_committed_model_is_the_one_the_engine_reads():
    model = default_model()

    assert model.features == FEATURES
    assert 0 < model.threshold < 1
    assert model.trained_on["file"] == "squad2-dev-train.jsonl"
    assert len(model.trained_on["sha256"]) == 64
    for name, weight in zip(model.features, model.weights, strict=True):
        assert weight * FEATURE_SIGNS.get(name, 0) >= 0, name


def test_the_committed_model_trusts_a_passage_more_the_more_of_the_question_it_holds():
    model = default_model()
    typical = dict(zip(model.features, model.means, strict=True))

    covered = model.probability({**typical, "coverage_count": 1.0})
    half = model.probability({**typical, "coverage_count": 0.5})
    with_a_missing_name = model.probability({**typical, "coverage_count": 1.0, "names_missing_window": 2.0, "names_missing_lesson": 2.0})
    assert covered > half
    assert covered > with_a_missing_name


def test_tutor_eval_scores_a_squad_style_file(questions, capsys):
    call_command("tutor_eval", "--no-demo", "--squad", str(questions))

    out = capsys.readouterr().out
    assert "SQuAD 2.0 style file: train.jsonl, offline engine" in out
    assert "answered (the reply covers a gold answer)" in out
    assert "answered + refused" in out
