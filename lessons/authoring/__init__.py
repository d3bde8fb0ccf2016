"""Authoring: content files in git <-> catalog rows. See docs/authoring.md for the format."""
