from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from lessons.authoring.importer import import_catalog
from sandbox_runner.models import Exercise, Run
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_CONTENT
from tests.workers import file_broker_worker  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A run that imports pandas and matplotlib in a cold sandbox, on two cores shared with the
# browser, the live server and the test itself: generous, since a slow machine is not a failure.
RUN_TIMEOUT_MS = 60_000


def test_learner_runs_an_exercise_to_passing_checks_and_sees_the_figure(page, live_server, file_broker_worker):  # noqa: F811
    import_catalog(DEMO_CONTENT)
    solution = Exercise.objects.get(lesson__slug="first-matplotlib-chart").solution_code
    page.goto(live_server.url + "/lessons/first-matplotlib-chart/#exercise")

    editor = page.locator("#exercise .CodeMirror")
    expect(editor).to_contain_text("import pandas as pd")  # the starter, highlighted
    expect(editor.locator(".cm-keyword").first).to_have_text("import")
    page.get_by_role("button", name="▶ Run").click()  # the starter first: checks fail with hints
    expect(page.locator("#exercise-output .check--failed").first).to_be_visible(timeout=RUN_TIMEOUT_MS)

    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    editor.evaluate("(element, code) => element.CodeMirror.setValue(code)", solution)
    page.keyboard.press("Control+Enter")  # runs, like the button

    output = page.locator("#exercise-output")
    with runs_explained(file_broker_worker):
        expect(output.locator(".status--ok")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(output.locator(".check--passed")).to_have_count(3)
    figure = output.get_by_role("img", name="Figure 1 drawn by the code")
    expect(figure).to_be_visible()
    assert figure.evaluate("img => img.naturalWidth") > 100
    expect(page.locator(".recent-runs")).to_contain_text("all checks passed")
    page.locator("#exercise").screenshot(path=str(screenshot_path("exercise-run-desktop")))


def test_scratchpad_runs_without_javascript(browser, live_server, file_broker_worker):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/scratchpad/")

    page.get_by_label("Your code").fill("print('hello from the sandbox')\n6 * 7")
    page.get_by_role("button", name="▶ Run").click()

    expect(page.locator(".run-output__stdout")).to_have_text(
        "hello from the sandbox\n", timeout=RUN_TIMEOUT_MS
    )  # the page refreshes itself until done
    expect(page.locator(".run-output")).to_contain_text("42")
    screenshot(page, "run-page-no-js")
    context.close()


def test_a_file_too_large_to_keep_is_listed_with_its_size_and_a_second_click_waits(page, live_server, file_broker_worker):  # noqa: F811
    page.goto(live_server.url + "/scratchpad/")
    code = (
        "open('summary.csv', 'w').write('city,rain\\nLyon,831\\n')\nopen('everything.bin', 'wb').write(bytes(12_000_000))\nimport time\ntime.sleep(1)"
    )
    page.locator("#scratchpad-output-code + .CodeMirror").evaluate("(element, code) => element.CodeMirror.setValue(code)", code)

    page.get_by_role("button", name="▶ Run").click()
    output = page.locator("#scratchpad-output")
    expect(output.get_by_role("status")).to_be_visible()
    page.get_by_role("button", name="▶ Run").click()  # while the first run is still going
    expect(output.get_by_role("alert")).to_contain_text("Your previous run was still going, so this one did not start.")

    with runs_explained(file_broker_worker):
        expect(output.locator(".status--ok")).to_be_visible(timeout=RUN_TIMEOUT_MS)  # the first run's output still arrives
    expect(output.get_by_role("link", name="summary.csv")).to_be_visible()
    expect(output.locator(".files__not-kept")).to_contain_text("everything.bin not kept: too large (11.4 MB)")
    expect(output).to_contain_text("A run keeps up to 20 MB of files and figures, 10 MB per file.")
    screenshot(page, "run-file-not-kept")


@contextmanager
def runs_explained(worker):
    """On a failed expectation, say first what the runs and the worker did: the page alone does not tell."""
    try:
        yield
    except AssertionError as failure:
        runs = "\n".join(
            f"run {run.pk}: {run.status}, created {run.created_at:%H:%M:%S.%f}, started {run.started_at and f'{run.started_at:%H:%M:%S.%f}'}, "
            f"finished {run.finished_at and f'{run.finished_at:%H:%M:%S.%f}'}, {run.duration_s} s, {run.error_message!r}"
            for run in Run.objects.order_by("pk")
        )
        raise AssertionError(f"runs:\n{runs}\nworker log, last lines:\n{worker.log_tail()}\n\n{failure}") from None


def screenshot_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
