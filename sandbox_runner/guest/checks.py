"""The exercise's checks: run by the supervisor, after the learner's process is gone, on plain data."""

from __future__ import annotations

import os

from .common import WORK


class Learner:
    """What a check sees: the final variables, everything printed, and the figures."""

    def __init__(self, variables: dict, stdout: str, figures: list) -> None:
        self.variables = variables
        self.stdout = stdout
        self.figures = figures


def run_checks(source: str, learner: Learner) -> list[dict]:
    """Run every check_* function of the source against what the learner left; return one result each."""
    results = []
    # As if check.py sat in the exercise folder, which is the work directory here.
    namespace: dict = {"__name__": "exercise_checks", "__file__": os.path.join(WORK, "check.py")}
    try:
        exec(compile(source, "check.py", "exec"), namespace)  # noqa: S102 - the author's checks
    except Exception as error:
        return [
            {"name": "checks", "title": "The checks could not load", "passed": False, "message": f"{type(error).__name__}: {error}", "broken": True}
        ]
    for name, function in namespace.items():
        if not name.startswith("check_") or not callable(function):
            continue
        title = ((function.__doc__ or "").strip().splitlines() or [name.removeprefix("check_").replace("_", " ").capitalize()])[0]
        try:
            function(learner)
            results.append({"name": name, "title": title, "passed": True, "message": ""})
        except AssertionError as error:
            results.append({"name": name, "title": title, "passed": False, "message": str(error) or "Not yet."})
        except Exception as error:
            results.append(
                {"name": name, "title": title, "passed": False, "message": f"This check could not finish: {type(error).__name__}: {error}"}
            )
    return results
