"""The production paths against real servers: PostgreSQL is covered by running the whole
suite on it (bin/test); here, Redis as the shared cache and Redis/RabbitMQ as brokers."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client
from kombu import Connection

from lessons.authoring.importer import import_catalog
from tests.services import require_service

REDIS_URL = "redis://127.0.0.1:6379/15"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def redis_cache(settings):
    require_service("Redis", REDIS_URL)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "lessonbox-tests"}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.mark.django_db
def test_anonymous_pages_are_shared_through_redis(redis_cache, mini_course, django_assert_num_queries):
    import_catalog(mini_course)
    Client().get("/lessons/first-steps/")  # one web process renders and stores the page

    with django_assert_num_queries(0):
        response = Client().get("/lessons/first-steps/")  # any process then serves it from Redis

    assert "First steps" in response.content.decode()


@pytest.mark.parametrize(("name", "url"), [("Redis", "redis://127.0.0.1:6379/14"), ("RabbitMQ", RABBITMQ_URL)])
def test_celery_broker_accepts_and_delivers_a_message(name, url):
    require_service(name, url)
    with Connection(url, connect_timeout=3) as connection:
        queue = connection.SimpleQueue("lessonbox-tests")
        queue.clear()
        queue.put({"hello": name})
        message = queue.get(timeout=5)
        message.ack()
        queue.close()

    assert message.payload == {"hello": name}
