from __future__ import annotations

import time

from sandbox_runner.isolation import Limits, execute
from sandbox_runner.pool import WarmPool


def wait_until_ready(pool: WarmPool, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not pool._ready:
        assert time.monotonic() < deadline, "the pool never filled"
        time.sleep(0.02)


def test_pooled_sandboxes_stay_alive_until_used_and_serve_one_run_each():
    pool = WarmPool(size=1, light_size=1)
    pool.fill()
    wait_until_ready(pool)
    while len(pool._ready) < 2:
        time.sleep(0.02)
    time.sleep(0.5)  # long after the thread that started them did other work

    light = pool.take(limits=Limits.for_exercise(), code="print(1)", check_source="")
    warm = pool.take(limits=Limits.for_exercise(), code="import pandas as pd\nprint(pd.__name__)", check_source="")

    assert (light.warm, warm.warm) == (False, True)
    assert light.process.poll() is None
    assert execute(code="print(1)", limits=Limits.for_exercise(), guest=light)["stdout"] == "1\n"
    assert execute(code="import pandas as pd\nprint(pd.__name__)", limits=Limits.for_exercise(), guest=warm)["stdout"] == "pandas\n"
    assert light.process.poll() is not None  # used once, then gone
    pool.close()


def test_a_sandbox_with_other_disk_limits_is_started_fresh():
    pool = WarmPool(size=0, light_size=1)
    pool.fill()
    wait_until_ready(pool)

    guest = pool.take(limits=Limits(disk_mb=7), code="pass", check_source="")

    assert guest.limits.disk_mb == 7
    assert len(pool._ready) == 1
    guest.close()
    pool.close()
