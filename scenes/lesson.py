"""LessonScene: what every scene of the lesson shares.

* ``self.params`` (this render's parameters) and ``self.theme`` (colours).
* ``with self.beat(name, narration):`` holds a named section (one clip per idea)
  whose narration line is spoken (voice from ``BACKPROP_VOICE``: piper, espeak
  or none, see narration/) and captioned. A beat lasts at least as long as a
  viewer needs to read that line, and with a voice at least as long as the
  sentence takes to say plus a short pause: the animation waits for the voice.
  Captions (<= 2 lines of <= 42 characters) follow the audio; manim writes them
  as <video>.srt, and the scene adds <video>.vtt and <video>.beats.json.
* ``described=`` is the beat's audio description (WCAG 1.2.5/1.2.7): what the
  picture shows that the narration does not say, "" when it says everything
  (decided, not forgotten: None is a beat nobody described yet). With
  ``BACKPROP_DESCRIBED=1`` (``./render.sh --described``) the picture holds on the
  beat's last frame while the description is spoken after the narration, and the
  captions show it in brackets; without it, the description is only kept (for the
  page's descriptions track and transcript).
* At the end of every beat the scene records what is on screen (texts shown,
  anything outside the frame, texts overlapping: scenes/checks.py) so tests
  can check it without rendering video.
* It renders with video.render.LessonRenderer (a file per play, reused when
  unchanged; holds that cost one frame; beat ranges), unless
  ``BACKPROP_PIPELINE=stock`` asks for manim's own renderer. With the lesson
  renderer the narration and captions are laid in when the section is joined
  (video/assemble.py); with manim's, the scene adds them itself.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from manim import UP, DecimalNumber, MathTex, Scene, Text, VGroup, config
from manim.camera.camera import Camera
from pydub import AudioSegment

from backprop_core import current
from backprop_core.numbers import plain
from common import atomic
from narration import LineAudio, described_version, line_cues, narrate, voice_from_env
from narration import captions as caption_files
from scenes import checks, style
from scenes.manifest import section_for_scene
from video import render as lesson_render
from video import speedups

speedups.install()


@dataclass
class Beat:
    name: str
    narration: str
    start: float
    end: float = 0.0
    texts: list[str] = field(default_factory=list)
    off_frame: list[str] = field(default_factory=list)
    overlaps: list[tuple[str, str]] = field(default_factory=list)
    audio: str | None = None  # the spoken line (WAV), when a voice is on
    audio_seconds: float = 0.0
    cues: list = field(default_factory=list)  # caption cues (narration.Cue), seconds in the video
    speech: LineAudio | None = field(default=None, repr=False)
    description: str | None = None  # what the picture shows and the narration does not; "" nothing more
    description_start: float = 0.0  # when the picture holds and the description is spoken (seconds)
    description_audio: str | None = None  # its WAV, in the described version with a voice on
    description_seconds: float = 0.0


def bracketed(text: str) -> str:
    """A description as its captions show it, set apart from the narration."""
    return f"[{text}]"


class BeatBlock:
    """``with self.beat(...):``: the beat ends with the block (not if the block raised)."""

    def __init__(self, scene: LessonScene, beat: Beat) -> None:
        self.scene, self.beat = scene, beat

    def __enter__(self) -> Beat:
        return self.beat

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self.scene.beats[-1] is self.beat:
            self.scene._close_beat()


def reading_seconds(narration: str) -> float:
    words = len(narration.split())
    return max(style.MIN_BEAT_SECONDS, words / style.READING_WORDS_PER_SECOND + style.BEAT_PAUSE)


# Silence after the voice before the next beat starts (seconds).
SPEECH_TAIL = 0.6


class LessonScene(Scene):
    """Base class of every scene in the lesson."""

    # The scene's own bookkeeping, never what a play draws: left out of play keys (video/digest.py).
    UNKEYED_STATE = ("beats",)
    # Texts on screen whose numbers no line says, each with the reason (an axis tick, say):
    # every other number a beat shows is in its narration or description (tests/test_descriptions.py).
    UNSAID: dict[str, str] = {}

    @classmethod
    def unsaid(cls) -> dict[str, str]:
        """UNSAID, and the section's number in its title (the chapters carry it)."""
        number = cls.section().number
        return {**({number: "the section's number in its title, as its chapter says"} if number else {}), **cls.UNSAID}

    def __init__(self, *args, **kwargs) -> None:
        # The global random generators seeded: a render is reproducible, and their state is
        # part of a play's key (video/digest.py), which an unseeded one would change every run.
        kwargs.setdefault("random_seed", 0)
        if not args and kwargs.get("renderer") is None and lesson_render.enabled():
            kwargs["renderer"] = lesson_render.LessonRenderer(
                camera_class=kwargs.get("camera_class", Camera),
                skip_animations=kwargs.get("skip_animations", False),
            )
        super().__init__(*args, **kwargs)

    @property
    def lesson_renderer(self) -> bool:
        """True with the lesson's renderer; False with manim's own (BACKPROP_PIPELINE=stock)."""
        return isinstance(self.renderer, lesson_render.LessonRenderer)

    def setup(self) -> None:
        super().setup()
        self.params = current()
        self.theme = style.theme()
        self.camera.background_color = self.theme.background
        # Numbers made by manim itself (along axes) take no colour from the scene.
        DecimalNumber.set_default()
        DecimalNumber.set_default(color=self.theme.ink)
        self.beats: list[Beat] = []

    # -- beats ------------------------------------------------------------
    def beat(self, name: str, narration: str, described: str | None = None) -> BeatBlock:
        """Start a named section of the video, with its narration line and its description
        (what the picture shows that the line does not say; "" when the line says it all).

        Use it as a block, ``with self.beat(name, narration):``, and the beat ends
        where the block does (waiting until its line has been read or spoken).
        Called on its own, the beat lasts until the next one or the scene's end.
        """
        self._close_beat()
        if any(b.name == name for b in self.beats):
            raise ValueError(f"beat name {name!r} used twice in {type(self).__name__}")
        if self.lesson_renderer:
            self.renderer.begin_beat(len(self.beats), name)  # may end a beat range here
        self.next_section(name)
        # Numbers come from fmt as LaTeX; the caption and the voice read them as text.
        new = Beat(name, " ".join(plain(narration).split()), start=self.time)
        if described is not None:
            new.description = " ".join(plain(described).split())
        self.beats.append(new)
        self._speak(new)
        return BeatBlock(self, new)

    def play(self, *args, **kwargs):
        # Every frame belongs to a beat: a clip, a caption and a chapter are cut by beats.
        if not self.beats or self.beats[-1].end:
            where = f"after the block of beat {self.beats[-1].name!r} ended" if self.beats else "before the first beat"
            raise RuntimeError(f"{type(self).__name__}: a play {where}; put it inside a `with self.beat(...)` block")
        return super().play(*args, **kwargs)

    def _speak(self, beat: Beat) -> None:
        """Synthesise (or fetch from the cache) the beat's line and play it from the beat's start."""
        beat.speech = narrate(beat.narration, voice_from_env())
        if beat.speech.path is not None:
            beat.audio, beat.audio_seconds = str(beat.speech.path), beat.speech.duration
            if not self.lesson_renderer:  # the lesson renderer lays it in when joining
                self.add_sound(beat.audio)

    def _close_beat(self) -> None:
        if not self.beats or self.beats[-1].end:
            return
        current_beat = self.beats[-1]
        elapsed = self.time - current_beat.start
        needed = reading_seconds(current_beat.narration)
        if current_beat.audio:
            needed = max(needed, current_beat.audio_seconds + SPEECH_TAIL)
        if elapsed < needed:
            self._hold(needed - elapsed)
        current_beat.description_start = self.time
        described = None
        if described_version() and current_beat.description:
            # Extended audio description (WCAG 1.2.7): the picture waits on the beat's last
            # frame while the description is read or spoken.
            described = narrate(current_beat.description, voice_from_env())
            needed = reading_seconds(current_beat.description)
            if described.path is not None:
                current_beat.description_audio = str(described.path)
                current_beat.description_seconds = described.duration
                needed = max(needed, described.duration + SPEECH_TAIL)
                if not self.lesson_renderer:
                    self.add_sound(current_beat.description_audio)
            self._hold(needed)
        current_beat.end = self.time
        speech = current_beat.speech or LineAudio(current_beat.narration, "none")
        said_until = current_beat.description_start if described else current_beat.end
        current_beat.cues = line_cues(speech, current_beat.start, said_until)
        if described:  # each sentence bracketed before the cues are cut (they keep their width)
            shown = replace(described, sentences=[replace(x, text=bracketed(x.text)) for x in described.sentences])
            current_beat.cues += line_cues(shown, current_beat.description_start, current_beat.end)
        if not self.lesson_renderer:  # manim writes these as <video>.srt
            for cue in current_beat.cues:
                self.add_subcaption(cue.text, duration=cue.end - cue.start, offset=cue.start - self.time)
        self._inspect(current_beat)

    def _hold(self, seconds: float) -> None:
        """Wait whole frames, at least ``seconds``."""
        fps = config.frame_rate
        self.wait(math.ceil(seconds * fps - 1e-6) / fps)

    def tear_down(self) -> None:
        self._close_beat()
        self._finish_narration()
        super().tear_down()

    def _finish_narration(self) -> None:
        """Pad the audio track to the video's length; write <video>.vtt and <video>.beats.json.

        (manim writes <video>.srt itself, from the same cues, after the movie is combined.)"""
        writer = getattr(self.renderer, "file_writer", None)
        if self.lesson_renderer or writer is None or config.dry_run or not hasattr(writer, "movie_file_path"):
            return
        if getattr(writer, "includes_sound", False):
            writer.add_audio_segment(AudioSegment.silent(0), time=self.time)
        movie = Path(writer.movie_file_path)
        cues = [cue for beat in self.beats for cue in beat.cues]
        caption_files.write(cues, movie, formats=("vtt",))
        index = [
            {
                "name": b.name,
                "narration": b.narration,
                "start": b.start,
                "end": b.end,
                "audio_seconds": b.audio_seconds,
                "description": b.description,
                "description_start": b.description_start,
                "description_audio": b.description_audio,
                "cues": [[c.start, c.end, c.text] for c in b.cues],
            }
            for b in self.beats
        ]
        atomic.write_text(movie.with_suffix(".beats.json"), json.dumps(index, indent=1, ensure_ascii=False) + "\n")

    # -- checks recorded for the tests ------------------------------------
    def _inspect(self, beat: Beat) -> None:
        """Keep in the beat what is on screen as it ends (scenes/checks.py)."""
        screen = checks.look(self.mobjects)
        beat.texts, beat.off_frame, beat.overlaps = screen.texts, screen.off_frame, screen.overlaps

    # -- building blocks ---------------------------------------------------
    @classmethod
    def section(cls):
        """This scene's manifest entry (tests render subclasses, so walk the MRO)."""
        for klass in cls.__mro__:
            try:
                return section_for_scene(klass.__name__)
            except KeyError:
                continue
        raise KeyError(f"{cls.__name__} is not in the lesson manifest (scenes/manifest.py)")

    def title(self) -> VGroup:
        """The section's number and title from the manifest, at the top edge."""
        section = self.section()
        parts = [self.words(section.title, size=style.TITLE)]
        if section.number:
            parts.insert(0, self.words(section.number, size=style.TITLE, color=self.theme.muted))
        group = VGroup(*parts).arrange(buff=style.NEAR)
        return group.to_edge(UP, buff=style.TITLE_BUFF)

    def math(self, *tex: str, size: int = style.BODY, color: str | None = None) -> MathTex:
        return MathTex(*tex, font_size=size, color=color or self.theme.text)

    def words(self, text: str, size: int = style.BODY, color: str | None = None) -> Text:
        text = plain(text)  # a number from fmt, in scientific form, as text
        return Text(text, font=style.FONT, font_size=size, color=color or self.theme.text)
