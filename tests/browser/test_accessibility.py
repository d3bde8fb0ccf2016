"""axe-core (the engine behind most accessibility audits) finds nothing on our pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from lessons.authoring.importer import import_catalog
from tests.conftest import DEMO_CONTENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/?q=chart",
    "/tracks/data-wrangling/",
    "/lessons/joins-explained/",
    "/lessons/first-matplotlib-chart/",
    "/lessons/joins-explained/quiz/",
    "/lessons/joins-explained/tutor/",
    "/scratchpad/",
    "/accounts/sign-in/",
    "/accounts/sign-up/",
    "/accounts/password/reset/",
    "/api/docs/",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_pages_have_no_accessibility_violations(request, device, live_server, axe):
    import_catalog(DEMO_CONTENT)
    browser_page = request.getfixturevalue(device)
    problems = {}
    for path in PAGES:
        browser_page.goto(live_server.url + path)
        if path.startswith("/api/"):
            browser_page.wait_for_selector(".swagger-ui .info")  # Swagger UI draws itself after load
        results = axe.run(browser_page, context={"exclude": [[".swagger-ui"]]} if path.startswith("/api/") else None)
        violations = results.response["violations"]
        if violations:
            problems[path] = [(violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3]) for violation in violations]
    assert not problems, problems
