"""A PostgreSQL database of a benchmark's own, made fresh and dropped afterwards."""

from __future__ import annotations

from urllib.parse import urlparse


def _admin(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def recreate_database(url: str) -> None:
    """Drop the database the URL names, if it exists, and create it empty."""
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    """Drop the database the URL names, if it exists."""
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
