"""Plain-text renderings shared by the CLI and the demo: one timestamp style, `-` for nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

NOTHING = "-"
# ISO 8601 as DynamoDB records, Python and SES write it: 2026-12-02T07:05:42.291431+00:00, ...T07:08:14.428Z
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def printable(text: str, keep: str = "") -> str:
    """text without control characters (C0, DEL, C1) except those in keep.

    Stored strings reach a terminal: bounce diagnostics come from remote mail servers, and audit
    fields from whoever invoked the function. An ESC sequence in them could rewrite the screen.
    """
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc")


def timestamp(moment: datetime) -> str:
    """The one style for people: 2026-12-02 07:05 UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def value(item: Any) -> str:
    """A value as a person reads it: `-` for nothing, lists joined, timestamps in one style, no Python reprs."""
    if item is None or item == "":
        return NOTHING
    if isinstance(item, bool):
        return "yes" if item else "no"
    if isinstance(item, datetime):
        return timestamp(item)
    if isinstance(item, (list, tuple, set, frozenset)):
        return ", ".join(value(element) for element in item) if item else NOTHING
    if isinstance(item, Mapping):
        return ", ".join(f"{key}={value(element)}" for key, element in item.items()) if item else NOTHING
    if isinstance(item, str) and _TIMESTAMP.match(item):
        try:
            return timestamp(datetime.fromisoformat(item.replace("Z", "+00:00")))
        except ValueError:
            return item
    return str(item)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], empty: str | None = None) -> str:
    """A fixed-width table with a header row; `empty` is said instead when there are no rows."""
    if not rows and empty is not None:
        return empty
    cells = [[printable(value(row.get(column))) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[index]) for line in cells]) for index, column in enumerate(columns)]
    lines = [
        "  ".join(column.upper().ljust(width) for column, width in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines)


def fields(record: Mapping[str, Any], skip: Sequence[str] = ()) -> str:
    """One `name  value` line per field, names right-aligned."""
    shown = {key: item for key, item in record.items() if key not in skip}
    width = max((len(key) for key in shown), default=0)
    return "\n".join(f"{key:>{width}}  {printable(value(item))}" for key, item in shown.items())


def smtp_settings(endpoint: str, ports: Sequence[Mapping[str, Any]]) -> str:
    """What a person types into a mail client as the outgoing server."""
    return table(
        [{"server": endpoint, "port": port["port"], "security": port["tls"], "note": port["note"]} for port in ports],
        ["server", "port", "security", "note"],
    )
