"""Write YAML the way authors write it: fields in a fixed order, long text as blocks."""

from __future__ import annotations

from typing import Any

import yaml


class _AuthorDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("key:\n  - item"), as people write YAML.
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_AuthorDumper.add_representer(str, _represent_text)


def dump_yaml(data: Any) -> str:
    """Return YAML text for data, keeping the mapping order given."""
    return yaml.dump(data, Dumper=_AuthorDumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
