"""Caption cues from narration: short lines, timed, written as SRT and WebVTT.

A narration line is split into sentences; a sentence too long for one cue is
split into cues of at most two lines of at most ``MAX_LINE`` characters, at the
word boundaries nearest to equal shares (preferring a comma or colon). Joining
every cue's lines with spaces gives back the narration text exactly.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from common import atomic

MAX_LINE = 42
MAX_LINES = 2


@dataclass
class Cue:
    start: float
    end: float
    text: str  # lines joined by "\n"

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def sentences(text: str) -> list[str]:
    """Split after ., ! or ? followed by a space (so 1.5 and 0.0334 stay whole)."""
    text = " ".join(text.split())
    parts = re.split(r"(?<=[.!?])\s+(?=\S)", text)
    return [p for p in parts if p]


def wrap(text: str, width: int = MAX_LINE) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [text]


def _fits(words: list[str]) -> bool:
    return len(wrap(" ".join(words))) <= MAX_LINES


def _balanced_lines(text: str) -> str:
    """One or two lines; two lines split near the middle (at a word boundary) when it fits."""
    if len(text) <= MAX_LINE:
        return text
    words = text.split()
    best = None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        if len(a) <= MAX_LINE and len(b) <= MAX_LINE:
            score = abs(len(a) - len(b)) - (6 if a.endswith((",", ":", ";")) else 0)
            if best is None or score < best[0]:
                best = (score, a + "\n" + b)
    return best[1] if best else "\n".join(wrap(text))


def chunks(sentence: str) -> list[str]:
    """Split one sentence into cue texts that each fit in two lines."""
    words = sentence.split()
    if _fits(words):
        return [_balanced_lines(sentence)]
    total = len(sentence)
    for count in range(2, len(words) + 1):
        out, start, ok = [], 0, True
        for c in range(count - 1):
            target = total * (c + 1) / count
            best = None
            for end in range(start + 1, len(words)):
                if not _fits(words[start:end]):
                    break
                pos = len(" ".join(words[:end]))
                score = abs(pos - target) - (8 if words[end - 1].endswith((",", ":", ";")) else 0)
                if best is None or score < best[0]:
                    best = (score, end)
            if best is None:
                ok = False
                break
            out.append(words[start : best[1]])
            start = best[1]
        rest = words[start:]
        if ok and rest and _fits(rest):
            out.append(rest)
            return [_balanced_lines(" ".join(ws)) for ws in out]
    return [_balanced_lines(w) for w in words]


def cues_for(text: str, start: float, end: float) -> list[Cue]:
    """Cues for ``text`` shown from ``start`` to ``end``, each timed by its share of the characters."""
    parts = chunks(text)
    weights = [len(p.replace("\n", " ")) + 1 for p in parts]
    total = sum(weights)
    out, t = [], start
    for k, (part, weight) in enumerate(zip(parts, weights)):
        t_end = end if k == len(parts) - 1 else t + (end - start) * weight / total
        out.append(Cue(t, t_end, part))
        t = t_end
    return out


def _stamp(seconds: float, sep: str) -> str:
    ms = int(max(0.0, seconds) * 1000 + 1e-6)  # truncated, as the srt package does
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    return "".join(f"{k}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n" for k, c in enumerate(cues, 1))


def to_vtt(cues: list[Cue]) -> str:
    body = "".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n\n" for c in cues)
    return "WEBVTT\n\n" + body


def write(cues: list[Cue], base: Path, formats: tuple[str, ...] = ("srt", "vtt")) -> list[Path]:
    """Write ``base``.srt / ``base``.vtt atomically; returns the paths written."""
    written = []
    for fmt in formats:
        path = Path(base).with_suffix(f".{fmt}")
        atomic.write_text(path, to_srt(cues) if fmt == "srt" else to_vtt(cues))
        written.append(path)
    return written


_TIME = r"(\d+):(\d\d):(\d\d)[,.](\d{3})"


def parse(text: str) -> list[Cue]:
    """Parse SRT or WebVTT (what this module writes, and manim's SRT); raises ValueError if malformed."""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if b.strip()]
    if blocks and blocks[0].startswith("WEBVTT"):
        blocks = blocks[1:]
    cues = []
    for block in blocks:
        lines = block.split("\n")
        while lines and "-->" not in lines[0]:
            lines = lines[1:]  # the SRT index or a VTT cue id
        if not lines:
            raise ValueError(f"no timing line in {block!r}")
        m = re.fullmatch(rf"\s*{_TIME}\s*-->\s*{_TIME}\s*(.*)", lines[0])
        if not m:
            raise ValueError(f"bad timing line {lines[0]!r}")
        g = [int(x) for x in m.groups()[:8]]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        if not lines[1:]:
            raise ValueError(f"empty cue at {lines[0]!r}")
        cues.append(Cue(start, end, "\n".join(lines[1:])))
    return cues
