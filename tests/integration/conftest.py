from tests.workers import worker  # noqa: F401 - a fixture for these tests
