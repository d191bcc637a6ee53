"""Exporters: one module per output format, each turning model objects into a file.

`EXPORTERS` names every format `sciatica-quiz export` offers, with the module that declares it
(`EXPORTER = Exporter(...)`, see exporters.common). A plain dict: add an entry, or an `Exporter`
object itself, to offer another format. Modules are imported only when their format is used, so
the command line starts without them.

The public entry points are importable from here: `export_anki`, `export_canvas`,
`export_kahoot`, `build_handout`, `write_handouts`, and the registry's `Exporter`, `Option`,
`ExportReport`, `load_exporter`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exporters.anki import export_anki
    from exporters.canvas import export_canvas
    from exporters.common import Exporter, ExportReport, Option
    from exporters.handout import build_handout, render, write_handouts
    from exporters.kahoot import export_kahoot

EXPORTERS: dict[str, Exporter | str] = {
    "anki": "exporters.anki",
    "canvas": "exporters.canvas",
    "gift": "exporters.gift",
    "handout": "exporters.handout",
    "kahoot": "exporters.kahoot",
    "moodle": "exporters.moodle",
    "web": "exporters.web",
}

__all__ = [
    "EXPORTERS",
    "ExportReport",
    "Exporter",
    "Option",
    "build_handout",
    "export_anki",
    "export_canvas",
    "export_kahoot",
    "load_exporter",
    "render",
    "write_handouts",
]
_LAZY = {
    "export_anki": "exporters.anki",
    "export_canvas": "exporters.canvas",
    "export_kahoot": "exporters.kahoot",
    "build_handout": "exporters.handout",
    "write_handouts": "exporters.handout",
    "render": "exporters.handout",
    "Exporter": "exporters.common",
    "Option": "exporters.common",
    "ExportReport": "exporters.common",
}


def load_exporter(name: str) -> Exporter:
    """Return the exporter registered under `name`, importing its module on first use."""
    entry = EXPORTERS[name]
    if isinstance(entry, str):
        exporter: Exporter = importlib.import_module(entry).EXPORTER
        return exporter
    return entry


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'exporters' has no attribute {name!r}")
