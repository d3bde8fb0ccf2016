"""The exercise/ part of a lesson folder: validation, saving and export."""

from __future__ import annotations

import ast
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from lessons.authoring.parsing import ParsedLesson, read_text_file, read_yaml_file
from lessons.authoring.parts import ParseContext
from lessons.authoring.yamlfile import FieldReader
from lessons.authoring.yamlwrite import dump_yaml
from lessons.markdown import render_markdown
from lessons.models import Lesson
from sandbox_runner.models import Exercise, ExerciseFile

EXERCISE_FIELDS = {"title", "instructions", "starter", "check", "solution", "data", "limits"}
LIMIT_FIELDS = {"wall_seconds", "cpu_seconds", "memory_mb", "processes", "output_kb", "disk_mb"}


@dataclass
class ParsedExercise:
    title: str
    instructions: str
    starter_file: str = "starter.py"
    starter_code: str = ""
    check_file: str = ""
    check_code: str = ""
    solution_file: str = ""
    solution_code: str = ""
    limits: dict[str, int] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)  # relative path -> contents


class ExercisePart:
    name = "exercise"

    def parse(self, folder: Path, lesson: ParsedLesson, context: ParseContext) -> ParsedExercise | None:
        exercise_dir = folder / "exercise"
        if not exercise_dir.exists():
            return None
        yaml_file = exercise_dir / "exercise.yaml"
        path = context.relative(yaml_file)
        data = read_yaml_file(
            yaml_file,
            context,
            missing="is missing: an exercise/ folder needs an exercise.yaml",
            empty="is empty (title, instructions, starter are required)",
        )
        if data is None:
            return None
        fields = FieldReader(data, path=path, problems=context.problems, allowed=EXERCISE_FIELDS)
        exercise = ParsedExercise(title=fields.text("title", max_length=200), instructions=fields.text("instructions", max_length=20_000))
        exercise.starter_file = fields.text("starter")
        exercise.starter_code = _read_python(exercise_dir, exercise.starter_file, "starter", fields, context) or ""
        exercise.check_file = fields.text("check", required=False)
        if exercise.check_file:
            exercise.check_code = _read_python(exercise_dir, exercise.check_file, "check", fields, context) or ""
            if exercise.check_code and not _defines_checks(exercise.check_code):
                fields.problem(
                    "check", f"{exercise.check_file} defines no check_... function; each check is a function named check_<something>(learner)"
                )
        exercise.solution_file = fields.text("solution", required=False)
        if exercise.solution_file:
            exercise.solution_code = _read_python(exercise_dir, exercise.solution_file, "solution", fields, context) or ""

        total = 0
        for index, (name, line) in enumerate(fields.text_items("data", required=False)):
            target = _inside(exercise_dir, name)
            if not name.startswith("data/"):
                # The sandbox mounts exactly one read-only folder for them: /work/data.
                fields.problem(f"data[{index}]", f"{name!r} must be in the exercise's data/ folder (e.g. data/{PurePosixPath(name).name})", line=line)
                continue
            if target is None or not target.is_file() or target.is_symlink():
                fields.problem(
                    f"data[{index}]", f"{name!r} is not a file inside exercise/ (paths are relative to exercise/, e.g. data/orders.csv)", line=line
                )
                continue
            total += target.stat().st_size
            if total > settings.EXERCISE_MAX_DATA_BYTES:
                fields.problem("data", f"the data files add up to more than {settings.EXERCISE_MAX_DATA_BYTES:,} bytes")
                break
            exercise.data[PurePosixPath(name).as_posix()] = target.read_bytes()

        if fields.has("limits"):
            limits = FieldReader(
                fields.mapping["limits"], path=path, problems=context.problems, allowed=LIMIT_FIELDS, prefix="limits.", line=fields.line("limits")
            )
            for name in sorted(LIMIT_FIELDS):
                if limits.has(name):
                    value = limits.integer(name, minimum=1, maximum=1_000_000)
                    if value:
                        exercise.limits[name] = value
        return exercise

    def fingerprint(self, parsed: ParsedExercise) -> Any:
        fields = {name: value for name, value in vars(parsed).items() if name != "data"}
        fields["data"] = {name: hashlib.sha256(content).hexdigest() for name, content in parsed.data.items()}
        return fields

    def save(self, lesson: Lesson, parsed: ParsedExercise | None) -> dict[str, Counter]:
        counts: Counter = Counter()
        exercise = Exercise.objects.filter(lesson=lesson).first()
        if parsed is None:
            if exercise is not None and not exercise.is_archived:
                exercise.is_archived = True
                exercise.save(update_fields=["is_archived"])
                counts["archived"] += 1
            return {"exercises": counts}
        fingerprint = hashlib.sha256(repr(sorted(self.fingerprint(parsed).items())).encode()).hexdigest()
        if exercise is not None and exercise.content_hash == fingerprint and not exercise.is_archived:
            return {"exercises": counts}
        counts["added" if exercise is None else "changed"] += 1
        exercise = exercise or Exercise(lesson=lesson)
        exercise.title = parsed.title
        exercise.instructions_markdown = parsed.instructions
        exercise.instructions_html = render_markdown(parsed.instructions)
        exercise.starter_file, exercise.starter_code = parsed.starter_file, parsed.starter_code
        exercise.check_file, exercise.check_code = parsed.check_file, parsed.check_code
        exercise.solution_file, exercise.solution_code = parsed.solution_file, parsed.solution_code
        exercise.limits = parsed.limits
        exercise.is_archived = False
        exercise.content_hash = fingerprint
        exercise.save()
        exercise.files.all().delete()
        ExerciseFile.objects.bulk_create(
            ExerciseFile(exercise=exercise, path=name, content=content, size=len(content)) for name, content in parsed.data.items()
        )
        return {"exercises": counts}

    def export(self, lesson: Lesson, folder: Path) -> None:
        exercise = Exercise.objects.live().filter(lesson=lesson).first()
        if exercise is None:
            return
        exercise_dir = folder / "exercise"
        exercise_dir.mkdir()
        fields: dict[str, Any] = {"title": exercise.title, "instructions": exercise.instructions_markdown, "starter": exercise.starter_file}
        _write(exercise_dir / exercise.starter_file, exercise.starter_code.encode())
        if exercise.solution_file:
            fields["solution"] = exercise.solution_file
            _write(exercise_dir / exercise.solution_file, exercise.solution_code.encode())
        if exercise.check_file:
            fields["check"] = exercise.check_file
            _write(exercise_dir / exercise.check_file, exercise.check_code.encode())
        files = list(exercise.files.all())
        if files:
            fields["data"] = [data_file.path for data_file in files]
            for data_file in files:
                _write(exercise_dir / data_file.path, bytes(data_file.content))
        if exercise.limits:
            fields["limits"] = dict(sorted(exercise.limits.items()))
        (exercise_dir / "exercise.yaml").write_text(dump_yaml(fields), encoding="utf-8")


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _inside(folder: Path, name: str) -> Path | None:
    """Return folder/name if name is a plain relative path that stays inside folder."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return folder.joinpath(*relative.parts)


def _read_python(folder: Path, name: str, field_name: str, fields: FieldReader, context: ParseContext) -> str | None:
    if not name:
        return None
    target = _inside(folder, name)
    if target is None or not target.is_file():
        fields.problem(field_name, f"{name!r} is not a file inside exercise/")
        return None
    code = read_text_file(target, context)
    if code is None:
        return None
    try:
        compile(code, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        context.problems.add(context.relative(target), f"is not valid Python: {error.msg}", line=error.lineno)
        return None
    return code


def _defines_checks(code: str) -> bool:
    tree = ast.parse(code)
    return any(isinstance(node, ast.FunctionDef) and node.name.startswith("check_") for node in tree.body)
