"""The notebook on the lesson page (issue 20): step mode, predict checkpoints, explorers.

What the page needs from the renderer, and nothing it computes itself:

* every beat's label for the stepper ("SETUP", "1/13" ... "13/13", "Forward again"),
  from the beats' names;
* the checkpoints, from ``backprop_core.checkpoints`` with this render's parameters,
  placed at the end of the beat they follow; a section not in the lesson has none;
* the explorers the renderer wrote (renderer/explorers.py): their frames and, per stop,
  the core's values as text.

``page_parts`` returns the HTML that renderer/page.py puts in its page (one hook there);
the page's code is assets/page/notebook.js and notebook.css, inlined because a file://
page may fetch nothing.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from renderer import cache
from renderer.plan import Plan

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets" / "page"
JS, CSS = ASSETS / "notebook.js", ASSETS / "notebook.css"
STEP = re.compile(r"step-(\d+)(?:-.*)?")


@dataclass(frozen=True)
class PageParts:
    style: str  # in <head>
    controls: str  # in the player's control bar
    panel: str  # under the player's controls: the stepper's bar, its status, the checkpoint's place
    explorers: str  # under the player: the explorers (or why there are none)
    script: str  # before </body>: the data blocks and the script


def beat_label(name: str, names: list[str]) -> str:
    """The stepper's name of a beat: "step-07-da2-dz2" of 13 steps is "7/13", "setup" is "SETUP"."""
    match = STEP.fullmatch(name)
    if match:
        return f"{int(match.group(1))}/{sum(1 for n in names if STEP.fullmatch(n))}"
    if name == "setup":
        return "SETUP"
    return name.replace("-", " ").capitalize()


def checkpoints(plan: Plan, parts: list[dict]) -> list[dict]:
    """The core's checkpoints that fall in this lesson, each at (section stem, beat index)."""
    from backprop_core.checkpoints import checkpoints as core_checkpoints
    from backprop_core.params import Params

    where = {s["entry"].name: s for s in parts}
    out = []
    for c in core_checkpoints(Params.from_json(plan.params_json)):
        s = where.get(c.section)
        names = [b["name"] for b in s["beats"]] if s else []
        if c.after in names:
            out.append({**c.to_dict(), "stem": s["entry"].stem, "beat": names.index(c.after)})
    return out


def fingerprint(plan: Plan) -> str:
    """What the notebook adds to the page: its code, its checkpoints' inputs, the explorers' data."""
    from renderer import explorers

    h = hashlib.sha256()
    for path in (JS, CSS, Path(__file__), ROOT / "backprop_core" / "checkpoints.py"):
        h.update(f"{path.name}={cache.file_hash(path)}\n".encode())
    h.update(f"params={plan.params_json}\n".encode())
    for stem, data in sorted(explorers.published(plan).items()):
        h.update(f"explorer {stem}={data['fingerprint']}\n".encode())
    return h.hexdigest()


def _json_block(block_id: str, value) -> str:
    text = json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{block_id}">{text}</script>'


def page_parts(plan: Plan, parts: list[dict], watch: bool = False) -> PageParts:
    from renderer import explorers

    esc = html.escape
    sections = []
    for s in parts:
        names = [b["name"] for b in s["beats"]]
        sections.append({"stem": s["entry"].stem, "names": names, "labels": [beat_label(n, names) for n in names]})
    found = explorers.published(plan)
    shown = [found[s["entry"].stem] for s in parts if s["entry"].stem in found]
    data = {"fps": plan.quality.fps, "watch": watch, "sections": sections, "explorers": shown}
    controls = (
        '<button type="button" id="nb-step" aria-pressed="false" '
        'aria-label="Step mode: pause at the end of every beat">Step</button>\n'
        '      <button type="button" id="nb-questions" aria-pressed="true" '
        'aria-label="Questions: pause and ask at each checkpoint">Questions</button>'
    )
    boxes = []
    for e in shown:
        boxes.append(
            f'<details class="nb-explorer" id="nb-explorer-{esc(e["stem"])}" data-stem="{esc(e["stem"])}">'
            f'<summary>{esc(e["title"])} <span class="muted">· {esc(e["chapter"])}</span></summary>'
            '<div class="nb-body"></div></details>'
            f'<img class="nb-start" src="{esc(e["start_still"])}" alt="{esc(e["start_text"])}">'
        )
    wanted = [s for s in parts if s["entry"].name in explorers.EXPLORERS and s["entry"].stem not in found]
    if not boxes and not wanted:
        explorer_html = ""
    else:
        missing = (
            f'<p class="muted nb-none">No explorer for {", ".join(esc(s["title"]) for s in wanted)} in this '
            "render yet: it is drawn with the lesson (./render.sh without --no-join).</p>"
            if wanted
            else ""
        )
        explorer_html = (
            '<section id="nb-explorers" aria-labelledby="nb-explorers-title">\n'
            '  <h2 id="nb-explorers-title">Try it</h2>\n  ' + "\n  ".join(boxes) + missing + "\n</section>"
        )
    panel = (
        '<div id="nb-bar" role="group" aria-label="Step through the lesson"></div>\n'
        '<div id="nb-status" role="status" aria-live="polite" class="muted"></div>\n'
        '<div id="nb-checkpoint" role="region" aria-label="Checkpoint" aria-live="polite"></div>'
    )
    script = (
        _json_block("lesson-notebook", data)
        + "\n"
        + _json_block("lesson-checkpoints", [] if watch else checkpoints(plan, parts))
        + f"\n<script>\n{JS.read_text(encoding='utf-8')}\n</script>"
    )
    return PageParts(f"<style>\n{CSS.read_text(encoding='utf-8')}\n</style>", controls, panel, explorer_html, script)
