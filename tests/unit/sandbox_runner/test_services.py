from __future__ import annotations

from sandbox_runner.isolation import Limits, uses_heavy_modules


def test_exercise_limits_are_capped_by_the_site(settings):
    settings.SANDBOX_MAX_LIMITS = {**settings.SANDBOX_MAX_LIMITS, "wall_seconds": 30}

    limits = Limits.for_exercise({"wall_seconds": 999, "memory_mb": 256})

    assert (limits.wall_seconds, limits.memory_mb, limits.cpu_seconds) == (30, 256, settings.SANDBOX_DEFAULT_LIMITS["cpu_seconds"])


def test_heavy_imports_are_recognised():
    assert uses_heavy_modules("import pandas as pd")
    assert uses_heavy_modules("from matplotlib import pyplot")
    assert uses_heavy_modules("x = 1", "import numpy")
    assert not uses_heavy_modules("import json\nprint('pandas')")
    assert not uses_heavy_modules("this is not python")


def test_behind_the_proxy_runs_are_counted_per_client_address(rf, settings):
    from django.contrib.auth.models import AnonymousUser

    from common.ratelimit import identity

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    request.user = AnonymousUser()

    assert identity(request) == "address:10.0.0.1"
    settings.BEHIND_HTTPS_PROXY = True
    assert identity(request) == "address:198.51.100.7"
