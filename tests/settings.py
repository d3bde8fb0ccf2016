"""Settings for the test suite: the real settings module, with test-only secrets.

Everything else (DATABASE_URL for PostgreSQL in CI, broker URLs) still comes from the
environment, so the same suite proves both the embedded and the production setup.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="lessonbox-tests-"))
# No idle pooled sandboxes in the test process (worker processes that tests start keep theirs).
os.environ.setdefault("SANDBOX_WARM_POOL_SIZE", "0")
os.environ.setdefault("SANDBOX_LIGHT_POOL_SIZE", "0")

from config.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: Celery worker processes in integration tests share it.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["DATA_DIR"], "test.sqlite3")}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
