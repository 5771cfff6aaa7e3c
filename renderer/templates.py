"""The outputs' templates, styles, scripts and data, read from ``assets/``.

string.Template is enough here: the pages have no logic a template needs
(the loops are over lists of the same piece), so each repeated piece is a
``<template id="...">`` in the page's ``parts.html``, filled once per item
and joined in Python. Values are HTML-escaped unless wrapped in ``Raw`` (an
already filled piece), so nothing is escaped twice or forgotten. The scripts
take no placeholders at all: what they need is in the page's JSON block, so
the .js files are plain JavaScript a linter reads (test.sh runs ESLint).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path
from string import Template

from renderer.plan import ROOT

ASSETS = ROOT / "assets"

_PART = re.compile(r'<template id="([\w-]+)">\n?(.*?)\n?</template>', re.S)


class Raw(str):
    """Markup already filled from a template: inserted as it is."""


def path(name: str) -> Path:
    return ASSETS / name


@functools.cache
def text(name: str) -> str:
    return path(name).read_text(encoding="utf-8")


@functools.cache
def data(name: str):
    """A JSON data file of assets/."""
    return json.loads(text(name))


@functools.cache
def parts(name: str) -> dict[str, Template]:
    """The ``<template id=...>`` pieces of an assets/ HTML file, by id."""
    return {key: Template(body) for key, body in _PART.findall(text(name))}


def fill(template: Template | str, **values) -> Raw:
    """``template`` (a Template or an assets/ file name) with ``values`` escaped, ``Raw`` ones as they are."""
    if isinstance(template, str):
        template = Template(text(template))
    return Raw(template.substitute({k: v if isinstance(v, Raw) else html.escape(str(v)) for k, v in values.items()}))


def style(name: str, **values) -> Raw:
    """A stylesheet of assets/ with its placeholders (theme colours, sizes) filled as they are."""
    return Raw(Template(text(name)).substitute(values))


def script_json(value) -> Raw:
    """``value`` as JSON for a ``<script type="application/json">`` block: no "</" ends it early."""
    return Raw(json.dumps(value, ensure_ascii=False).replace("</", "<\\/"))


def files(*names: str) -> list[Path]:
    """These assets/ files, and every file under these assets/ folders."""
    found = set()
    for name in names:
        p = ASSETS / name
        found |= {q for q in p.rglob("*") if q.is_file()} if p.is_dir() else {p}
    return sorted(found)


def digest(*names: str) -> str:
    """One hash of these assets/ files and folders: an input of every product drawn from them."""
    from renderer.cache import file_hash

    h = hashlib.sha256()
    for p in files(*names):
        h.update(f"{p.relative_to(ASSETS)}={file_hash(p)}\n".encode())
    return h.hexdigest()
