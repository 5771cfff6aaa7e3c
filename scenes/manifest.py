"""The lesson's order: the one list that render.sh, the tests and the joined video read.

Each section is one Scene class in ``scenes/<module>.py``. ``name`` is what
users type (``./render.sh derivative``) and what output files are called.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Section:
    name: str  # command-line name and file stem, e.g. "derivative"
    module: str  # file in the folder without .py
    scene: str  # the Scene class in that file
    number: str  # the notebook's section number ("01"), or "" for unnumbered
    title: str
    folder: Path = SCENES_DIR  # where the scene file is (the test fixtures keep their own)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.module}.py"

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


LESSON: tuple[Section, ...] = (
    Section("premise", "premise", "PremiseScene", "", "The chain rule, unfolded"),
    Section("derivative", "derivative", "DerivativeScene", "01", "What's a derivative, again?"),
    Section("two-ds", "two_ds", "TwoDsScene", "02", "Two flavours of the letter d"),
    Section("partials", "partials", "PartialsScene", "03", "Partial derivatives, visualised"),
    Section("chain-rule", "chain_rule", "ChainRuleScene", "04", "The chain rule, in plain English"),
    Section("worked-example", "worked_example", "WorkedExampleScene", "05", "A tiny worked example"),
    Section("rules", "rules", "RulesScene", "06", "Three rules you'll need"),
    Section("network-walk", "network_walk", "NetworkWalkScene", "07", "The network, step by step"),
    Section("why-it-scales", "why_it_scales", "WhyItScalesScene", "08", "Why it scales"),
    Section("whats-not-shown", "whats_not_shown", "WhatsNotShownScene", "09", "What's not shown: many neurons"),
    Section("descent", "descent", "DescentScene", "10", "Descent: the update, again and again"),
)


def names() -> list[str]:
    return [s.name for s in LESSON]


def by_name(name: str) -> Section:
    for section in LESSON:
        if section.name == name:
            return section
    raise KeyError(f"unknown section {name!r}; sections: {', '.join(names())}")


def section_for_scene(scene_class: str) -> Section:
    for section in LESSON:
        if section.scene == scene_class:
            return section
    raise KeyError(f"scene class {scene_class!r} is not in the lesson manifest (scenes/manifest.py)")
