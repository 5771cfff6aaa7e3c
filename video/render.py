"""LessonRenderer: manim's Cairo renderer, made to render a lesson section fast.

What it changes, and why (README, "Render speed"):

* **Time in whole frames.** ``time`` is ``frames / fps`` and a play advances by
  the frames it draws, whether it is drawn, reused or skipped. manim advances a
  skipped play by its run time but a drawn one by whole frames, so a scene
  split across processes would drift; here every part agrees to the frame.
* **One file per play, keyed by content** (video/digest.py), in a store shared
  by renders (video/store.py): a play whose key is already there is not drawn
  again. An edit to one beat re-renders the plays whose picture changed,
  nothing else.
* **A reused play proves itself.** The key is a claim; before a stored play is
  used, its file must be whole (the store's record: size and hash) and its first
  and last frames, drawn now (two Cairo draws, not hundreds), must be the
  recorded ones. A damaged file is dropped and drawn again at once; a play whose
  frames differ is dropped and marked ``mismatch`` in the part record, and the
  renderer runs the part again (its state has moved on by then), which draws it.
* **The sources it was started for.** The contract lists the files of the
  section's fingerprint with their hashes; they are checked when the renderer
  starts and when the scene ends. An edit saved meanwhile makes the part fail
  with ``SourcesChangedError`` (its newly drawn plays dropped: they may mix old and new
  code), and the renderer starts the section again from the new sources.
* **Holds cost one frame** (video/encoder.py): a wait with nothing moving is
  drawn once; its other frames are H.264 skip pictures.
* **Beat ranges.** With the contract's ``beats = "a:b"`` only beats a..b-1 are drawn;
  the others run their scene code (the state must be built) without drawing,
  and the scene stops after beat b-1. Parts of a section render in parallel
  processes, or on other machines, and video/assemble.py joins them.
* **A part record** (the contract's ``record``): the beats (timing, narration,
  captions), the plays drawn for this range in order, and where the time went.
  Without one (a plain ``manim render``) the renderer joins the section itself.
* **Progress** (the contract's ``progress``): a JSON line per finished beat.

What the renderer tells this process comes in one declared dataclass,
``common.contract.SceneContract`` (renderer/job.py writes it).

``BACKPROP_PIPELINE=stock`` makes LessonScene use manim's own renderer instead
(today's way: the benchmark's baseline).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from manim import __version__ as manim_version
from manim import config, logger
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils.exceptions import EndSceneEarlyException

from common import atomic
from common.contract import SceneContract, bytes_hash
from video import PIPELINE_ENV_VAR, digest, parse_range, texcache
from video.encoder import PlayEncoder, encoding_for, recipe
from video.store import Store

# Bumped when the way a play file is made changes in a way neither its key nor the
# code below (every video/ module that makes play files is in the salt) shows.
PIPELINE_VERSION = "plays-2"
HERE = Path(__file__).resolve().parent
# The modules whose code shapes a play file's frames or bytes (all of video/ but the joining).
PLAY_CODE = tuple(sorted(str(p) for p in HERE.glob("*.py") if p.name != "assemble.py"))
LOCK_FILE = HERE.parent / "requirements.lock"


class SourcesChangedError(RuntimeError):
    """A source of the section's fingerprint changed while its part rendered."""


def enabled() -> bool:
    return os.environ.get(PIPELINE_ENV_VAR, "").strip().lower() != "stock"


def frames_in(seconds: float, fps: int) -> int:
    """Whole frames in a hold of ``seconds`` (a hold of k/fps seconds is k frames)."""
    return max(0, math.floor(seconds * fps + 1e-6))


@dataclass
class Play:
    beat: int
    frames: int
    moving: bool = True  # an animation (False: a hold)
    key: str | None = None  # None: no frames (nothing to store)
    # rendered | reused | skipped (outside this part's beats) | mismatch (stored, but its
    # frames drawn now differ: dropped, to be drawn by a second run of the part)
    status: str = "skipped"
    repaired: bool = False  # a damaged stored file was dropped and this play drawn again


@dataclass
class Timing:
    """Where a part's time went (seconds; cpu is the main thread's)."""

    wall: float = 0.0
    cpu: float = 0.0
    drawing: float = 0.0
    converting: float = 0.0
    encoding: float = 0.0  # the encoder threads' CPU
    encoder_wait: float = 0.0
    keys: float = 0.0
    probing: float = 0.0  # drawing and checking a reused play's first and last frames
    frames_moving: int = 0
    frames_held: int = 0
    frames_reused: int = 0


class LessonFileWriter(SceneFileWriter):
    """manim's writer with its movie making left out: LessonRenderer writes the
    play files and the part record, and video/assemble.py the section."""

    def begin_animation(self, allow_write: bool = False, file_path=None) -> None:
        pass

    def end_animation(self, allow_write: bool = False) -> None:
        pass

    def add_partial_movie_file(self, hash_animation) -> None:
        pass

    def finish(self) -> None:
        pass


class LessonRenderer(CairoRenderer):
    def __init__(self, camera_class=None, skip_animations: bool = False) -> None:
        super().__init__(file_writer_class=LessonFileWriter, camera_class=camera_class, skip_animations=skip_animations)
        self.fps = int(round(config.frame_rate))
        self.frame_count = 0
        self.beat = -1
        self.beat_name = ""
        self.contract = SceneContract.from_env()
        self.beat_range = parse_range(self.contract.beats)
        self.plays: list[Play] = []
        self.ended_early = False
        self.timing = Timing()
        self._started = (time.perf_counter(), time.thread_time())
        self._encoder: PlayEncoder | None = None
        self._frame_hashes: list[str] = []  # the drawn play's first frame, then its last
        self._probe: _Probe | None = None
        self._salt: str | None = None
        self._project_code: str | None = None
        self._progress = self.contract.progress
        self.redraw = self.contract.redraw
        if self.contract.tex_dir:
            texcache.share(self.contract.tex_dir)
        self.check_sources("before the scene was built")

    # -- output ---------------------------------------------------------------
    @property
    def writing(self) -> bool:
        return bool(config.write_to_movie) and not config.dry_run and not config.save_last_frame

    @property
    def store(self) -> Store:
        folder = self.contract.store or Path(config.media_dir) / "plays"
        return Store(folder, self.extension)

    @property
    def extension(self) -> str:
        # GIFs are made from H.264 play files when the section is joined.
        return ".mp4" if config.format == "gif" else config.movie_file_extension

    def check_sources(self, when: str) -> None:
        """Raise SourcesChangedError if a file of the fingerprint is not the one it was taken of."""
        changed = [path for path, want in self.contract.sources.items() if bytes_hash(path) != want]
        if not changed:
            return
        drawn = [p.key for p in self.plays if p.status == "rendered" and p.key]
        for key in drawn:  # drawn from a mix of old and new code: never to be reused
            self.store.drop(key)
        raise SourcesChangedError(
            f"{len(changed)} source file(s) changed while this part rendered ({when}): "
            f"{', '.join(changed[:3])}; the renderer starts the section again"
        )

    # -- beats ----------------------------------------------------------------
    def begin_beat(self, index: int, name: str) -> None:
        """Called by LessonScene when beat ``index`` starts; stops the scene after the range."""
        self._beat_done()
        self.beat_name = name
        start, stop = self.beat_range
        if stop is not None and index >= stop:
            self.ended_early = True
            self.beat = -1  # reported above
            raise EndSceneEarlyException()
        self.beat = index

    @property
    def drawing_beat(self) -> bool:
        start, stop = self.beat_range
        return self.beat >= start and (stop is None or self.beat < stop)

    def _beat_done(self) -> None:
        if self.beat >= 0:
            self._report("beat", index=self.beat, name=self.beat_name, drawn=self.drawing_beat)

    def _report(self, event: str, **data) -> None:
        if not self._progress:
            return
        line = json.dumps(
            {"event": event, "frames": self.frame_count, "seconds": time.perf_counter() - self._started[0], **data}
        )
        with open(self._progress, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    # -- plays ----------------------------------------------------------------
    def play(self, scene, *args, **kwargs) -> None:
        self.skip_animations = self._original_skipping_status
        self.update_skipping_status()
        scene.compile_animation_data(*args, **kwargs)
        frozen = self._frozen(scene)
        if scene.stop_condition is not None:
            raise RuntimeError("wait_until/stop_condition: the frame count of such a wait is unknown in advance")
        frames = frames_in(scene.duration, self.fps) if frozen else len(np.arange(0, scene.duration, 1 / self.fps))
        draw = self.writing and not self.skip_animations and self.drawing_beat
        play = Play(self.beat, frames, moving=not frozen)
        first = self.frame_count
        if draw and frames:
            self._draw_or_reuse(scene, frozen, play)
        else:
            self.skip_animations = True
            scene.begin_animations()
            if not frozen:
                self._run_without_drawing(scene)
        if self.writing and self.drawing_beat and not self._original_skipping_status:
            self.plays.append(play)
        if self.frame_count not in (first, first + frames):  # render() counts the frames it draws
            raise RuntimeError(f"play {self.num_plays}: {self.frame_count - first} frames drawn, {frames} expected")
        self.frame_count = first + frames
        self.time = self.frame_count / self.fps
        self.num_plays += 1

    @staticmethod
    def _frozen(scene) -> bool:
        return scene.is_current_animation_frozen_frame() if len(scene.animations) == 1 else False

    def _run_without_drawing(self, scene) -> None:
        """The play's end state, as if drawn (manim's own skipping leaves the final updater pass out)."""
        self.skip_animations = True
        scene.play_internal(skip_rendering=True)
        scene.update_mobjects(0)

    def _draw_or_reuse(self, scene, frozen: bool, play: Play) -> None:
        t = self.timing
        scene.begin_animations()
        started = time.thread_time()
        self.save_static_frame_data(scene, scene.static_mobjects)
        if frozen:
            self.update_frame(scene, mobjects=scene.moving_mobjects)
        t.drawing += time.thread_time() - started
        started = time.thread_time()
        play.key = self._key(scene, frozen, play.frames)
        t.keys += time.thread_time() - started
        store = self.store
        stored = None if self.redraw else store.check(play.key)
        if stored is None and not self.redraw and store.present(play.key):
            play.repaired = True  # there, but not whole (or without its record): drawn again
            store.drop(play.key)
        if stored is not None and stored.frames == play.frames:
            t.frames_reused += play.frames
            if frozen:  # the key holds the picture's pixels: it is the proof
                play.status = "reused"
            else:
                started = time.thread_time()
                seen = self._probe_run(scene, play.frames)
                t.probing += time.thread_time() - started
                play.status = "reused" if seen == [stored.first, stored.last] else "mismatch"
                if play.status == "mismatch":
                    store.drop(play.key)
                    logger.warning("play %s: its frames are not the stored ones; it is drawn again", play.key[:12])
            self.static_image = None
            return
        play.status = "rendered"
        store.folder.mkdir(parents=True, exist_ok=True)
        self._encoder = PlayEncoder(
            store.path(play.key),
            self.camera.pixel_width,
            self.camera.pixel_height,
            self.fps,
            encoding_for(self.extension, config.transparent),
        )
        self._frame_hashes = []
        try:
            if frozen:
                self._frame_hashes = [digest.frame_digest(self.camera.pixel_array)] * 2
                self._write(self.camera.pixel_array, play.frames)
                t.frames_held += play.frames
            else:
                scene.play_internal()
                self._frame_hashes.append(digest.frame_digest(self.camera.pixel_array))  # the last frame
                t.frames_moving += play.frames
            started = time.perf_counter()
            written = self._encoder.close(move=False)
            t.encoder_wait += time.perf_counter() - started
            t.encoding += self._encoder.cpu
            if written != play.frames:
                raise RuntimeError(f"play {self.num_plays}: {written} frames written, {play.frames} expected")
            first, last = self._frame_hashes[0], self._frame_hashes[-1]
            store.commit(play.key, self._encoder.tmp, play.frames, first, last)
        finally:
            self._encoder.abort()  # (after a commit: nothing left to remove)
            self._encoder = None

    def _probe_run(self, scene, frames: int) -> list[str]:
        """Run the play as if drawn (every updater, every step), drawing only its first and
        last frames; returns their pixel hashes."""
        self._probe = _Probe(frames)
        try:
            scene.play_internal()
        finally:
            probe, self._probe = self._probe, None
        if probe.seen != frames:
            return []
        return [probe.hashes[0], probe.hashes[-1]]

    def render(self, scene, time_, moving_mobjects=None) -> None:
        """One frame of an animation: drawn, then handed to the encoder (no copy); while a
        reused play is probed, only its first and last frames are drawn."""
        probe = self._probe
        if probe is not None:
            if probe.seen in (0, probe.frames - 1):
                self.update_frame(scene, moving_mobjects)
                probe.hashes.append(digest.frame_digest(self.camera.pixel_array))
            probe.seen += 1
        else:
            started = time.thread_time()
            self.update_frame(scene, moving_mobjects)
            self.timing.drawing += time.thread_time() - started
            if not self._frame_hashes:
                self._frame_hashes.append(digest.frame_digest(self.camera.pixel_array))
            self._write(self.camera.pixel_array, 1)
        self.frame_count += 1
        self.time = self.frame_count / self.fps

    def _write(self, pixels: np.ndarray, repeat: int) -> None:
        started = time.thread_time()
        self._encoder.write(pixels, repeat)
        self.timing.converting += time.thread_time() - started

    def add_frame(self, frame, num_frames: int = 1) -> None:
        raise RuntimeError("LessonRenderer writes frames through render(); add_frame is not used")

    # -- keys -------------------------------------------------------------------
    def salt(self) -> str:
        """What every play file of this render depends on besides its own content."""
        if self._salt is None:
            cam = self.camera
            parts = [
                PIPELINE_VERSION,
                manim_version,
                recipe(encoding_for(self.extension, config.transparent)),
                hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest() if LOCK_FILE.exists() else "no lock",
                digest.class_code(set(PLAY_CODE)),
                f"{cam.pixel_width}x{cam.pixel_height}@{self.fps}",
                f"{cam.frame_width}x{cam.frame_height}",
                repr(np.asarray(cam.frame_center).tolist()),
                str(cam.background_color),
                str(cam.background_opacity),
                str(cam.use_z_index),
                f"{type(cam).__module__}.{type(cam).__qualname__}",
                # The camera's class and every project base it draws with (its modules' code).
                digest.class_code({f for k in type(cam).__mro__ if (f := digest.module_file(k.__module__))}),
            ]
            self._salt = "|".join(parts)
        return self._salt

    def _key(self, scene, frozen: bool, frames: int) -> str:
        d = digest.Digest()
        d.text(self.salt())
        d.text(f"{'hold' if frozen else 'play'}:{frames}")
        if frozen:  # the picture is everything
            d.text(digest.frame_digest(self.camera.pixel_array))
            return d.hexdigest()
        d.text(digest.frame_digest(self.static_image))
        d.add(list(scene.animations))
        d.add(list(scene.moving_mobjects))
        d.add(list(scene.updaters))
        if d.reach(self.code_dirs(scene)):  # code that names attributes at run time: any of it may run
            d.text(self.project_code(scene))
        if d.project_modules:
            d.text(digest.class_code(d.project_modules))
        d.text(digest.random_state())
        if d.unkeyable:  # state that cannot be hashed: this play is drawn every time
            logger.info("play %s: drawn (not reusable): it holds %s", self.num_plays, ", ".join(sorted(d.unkeyable)))
            d.text(f"unkeyable:{os.getpid()}:{time.time_ns()}")
        return d.hexdigest()

    def code_dirs(self, scene) -> tuple[Path, ...]:
        own = digest.module_file(type(scene).__module__)
        return digest.code_dirs((Path(own).parent,) if own else ())

    def project_code(self, scene) -> str:
        if self._project_code is None:
            self._project_code = digest.project_code(self.code_dirs(scene))
        return self._project_code

    # -- the end ----------------------------------------------------------------
    def scene_finished(self, scene) -> None:
        self._beat_done()
        if config.save_last_frame:
            self.static_image = None
            self.update_frame(scene)
            self.file_writer.save_image(self.camera.get_image())
            return
        if not self.writing:
            return
        self.check_sources("when the scene ended")
        start, _ = self.beat_range
        count = len(getattr(scene, "beats", []))
        if start and start >= count:  # nothing drawn: a record of no beats would join as 0 s of video
            # One short line: the renderer's summary shows the log's last error line.
            label = self.contract.beats
            raise RuntimeError(f"the section has {count} beats; --part {label} starts past them")
        wall, cpu = self._started
        self.timing.wall = time.perf_counter() - wall
        self.timing.cpu = time.thread_time() - cpu
        record = self.part_record(scene)
        target = self.contract.record
        if target:
            atomic.write_text(Path(target), json.dumps(record, indent=1, ensure_ascii=False) + "\n")
            return
        # A plain `manim render`: join the section here, where manim would have put it.
        from video import assemble

        movie = Path(self.file_writer.movie_file_path)
        assemble.write_section(
            assemble.Section.from_parts([record], self.store.folder), movie, gif=config.format == "gif"
        )
        logger.info("File ready at %s", movie)

    def part_record(self, scene) -> dict:
        start, stop = self.beat_range
        beats = []
        for k, b in enumerate(getattr(scene, "beats", [])):
            beats.append(
                {
                    "index": k,
                    "name": b.name,
                    "narration": b.narration,
                    "start": b.start,
                    "end": b.end,
                    "start_frame": round(b.start * self.fps),
                    "end_frame": round(b.end * self.fps),
                    "audio": b.audio,
                    "audio_seconds": b.audio_seconds,
                    # The audio description: its text (page, transcript) and, in the
                    # described version, its WAV spoken from the frame the picture holds.
                    "description": getattr(b, "description", None),
                    "description_start": getattr(b, "description_start", b.end),
                    "description_frame": round(getattr(b, "description_start", b.end) * self.fps),
                    "description_audio": getattr(b, "description_audio", None),
                    "cues": [[c.start, c.end, c.text] for c in b.cues],
                }
            )
        timing = asdict(self.timing)
        return {
            "version": 1,
            "scene": type(scene).__name__,
            "fps": self.fps,
            "width": self.camera.pixel_width,
            "height": self.camera.pixel_height,
            "extension": self.extension,
            "range": [start, stop],
            "complete": not self.ended_early,
            "frames": self.frame_count,
            "beats": beats,
            "plays": [asdict(p) for p in self.plays],
            "timing": timing,
        }


@dataclass
class _Probe:
    """A reused play being run to draw its first and last frames only."""

    frames: int
    seen: int = 0
    hashes: list[str] = field(default_factory=list)
