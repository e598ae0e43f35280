"""Plain-text renderings shared by the CLI and the demo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A fixed-width table with a header row; every cell is str()-ed."""
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[index]) for line in cells]) for index, column in enumerate(columns)]
    lines = [
        "  ".join(column.upper().ljust(width) for column, width in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines)


def smtp_settings(endpoint: str, ports: Sequence[Mapping[str, Any]]) -> str:
    """What a person types into a mail client as the outgoing server."""
    return table(
        [{"server": endpoint, "port": port["port"], "security": port["tls"], "note": port["note"]} for port in ports],
        ["server", "port", "security", "note"],
    )
