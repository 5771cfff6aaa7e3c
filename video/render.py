"""LessonRenderer: manim's Cairo renderer, made to render a lesson section fast.

What it changes, and why (README, "Render speed"):

* **Time in whole frames.** ``time`` is ``frames / fps`` and a play advances by
  the frames it draws, whether it is drawn, reused or skipped. manim advances a
  skipped play by its run time but a drawn one by whole frames, so a scene
  split across processes would drift; here every part agrees to the frame.
* **One file per play, keyed by content** (video/digest.py), in a store shared
  by renders: a play whose key is already there is not drawn again. An edit
  to one beat re-renders the plays whose picture changed, nothing else.
* **Holds cost one frame** (video/encoder.py): a wait with nothing moving is
  drawn once; its other frames are H.264 skip pictures.
* **Beat ranges.** With ``BACKPROP_BEATS=a:b`` only beats a..b-1 are drawn;
  the others run their scene code (the state must be built) without drawing,
  and the scene stops after beat b-1. Parts of a section render in parallel
  processes, or on other machines, and video/assemble.py joins them.
* **A part record** (``BACKPROP_PART_RECORD``): the beats (timing, narration,
  captions), the plays drawn for this range in order, and where the time went.
  Without one (a plain ``manim render``) the renderer joins the section itself.
* **Progress** (``BACKPROP_PROGRESS``): a JSON line per finished beat.

``BACKPROP_PIPELINE=stock`` makes LessonScene use manim's own renderer instead
(today's way: the benchmark's baseline).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from manim import __version__ as manim_version
from manim import config, logger
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils.exceptions import EndSceneEarlyException

from narration.cache import atomic_write_text
from video import (
    BEATS_ENV_VAR,
    PIPELINE_ENV_VAR,
    PROGRESS_ENV_VAR,
    RECORD_ENV_VAR,
    REDRAW_ENV_VAR,
    STORE_ENV_VAR,
    TEX_DIR_ENV_VAR,
    digest,
    parse_range,
    texcache,
)
from video.encoder import PlayEncoder, encoding_for, recipe

# Bumped when the way a play file is made changes in a way its key does not show.
PIPELINE_VERSION = "plays-1"
ROOT = Path(__file__).resolve().parents[1]


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
    status: str = "skipped"  # rendered | reused | skipped (outside this part's beats)


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
        self.beat_range = parse_range(os.environ.get(BEATS_ENV_VAR))
        self.plays: list[Play] = []
        self.ended_early = False
        self.timing = Timing()
        self._started = (time.perf_counter(), time.thread_time())
        self._encoder: PlayEncoder | None = None
        self._salt: str | None = None
        self._project_code: str | None = None
        self._progress = os.environ.get(PROGRESS_ENV_VAR)
        self.redraw = os.environ.get(REDRAW_ENV_VAR) == "1"
        if os.environ.get(TEX_DIR_ENV_VAR):
            texcache.share(os.environ[TEX_DIR_ENV_VAR])

    # -- output ---------------------------------------------------------------
    @property
    def writing(self) -> bool:
        return bool(config.write_to_movie) and not config.dry_run and not config.save_last_frame

    @property
    def store(self) -> Path:
        given = os.environ.get(STORE_ENV_VAR)
        return Path(given) if given else Path(config.media_dir) / "plays"

    @property
    def extension(self) -> str:
        # GIFs are made from H.264 play files when the section is joined.
        return ".mp4" if config.format == "gif" else config.movie_file_extension

    def play_path(self, key: str) -> Path:
        return self.store / f"{key}{self.extension}"

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
        path = self.play_path(play.key)
        if path.exists() and not self.redraw:
            play.status = "reused"
            t.frames_reused += play.frames
            if not frozen:
                self._run_without_drawing(scene)
            self.static_image = None
            return
        play.status = "rendered"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._encoder = PlayEncoder(
            path,
            self.camera.pixel_width,
            self.camera.pixel_height,
            self.fps,
            encoding_for(self.extension, config.transparent),
        )
        try:
            if frozen:
                self._write(self.camera.pixel_array, play.frames)
                t.frames_held += play.frames
            else:
                scene.play_internal()
                t.frames_moving += play.frames
            started = time.perf_counter()
            written = self._encoder.close()
            t.encoder_wait += time.perf_counter() - started
            t.encoding += self._encoder.cpu
        except BaseException:
            self._encoder.abort()
            raise
        finally:
            self._encoder = None
        if written != play.frames:
            path.unlink(missing_ok=True)
            raise RuntimeError(f"play {self.num_plays}: {written} frames written, {play.frames} expected")

    def render(self, scene, time_, moving_mobjects=None) -> None:
        """One frame of an animation: drawn, then handed to the encoder (no copy)."""
        started = time.thread_time()
        self.update_frame(scene, moving_mobjects)
        self.timing.drawing += time.thread_time() - started
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
            lock = ROOT / "requirements.lock"
            parts = [
                PIPELINE_VERSION,
                manim_version,
                recipe(encoding_for(self.extension, config.transparent)),
                hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "no lock",
                f"{cam.pixel_width}x{cam.pixel_height}@{self.fps}",
                f"{cam.frame_width}x{cam.frame_height}",
                repr(np.asarray(cam.frame_center).tolist()),
                str(cam.background_color),
                str(cam.background_opacity),
                str(cam.use_z_index),
                f"{type(cam).__module__}.{type(cam).__qualname__}",
            ]
            camera_file = digest.module_file(type(cam).__module__)
            if camera_file:
                parts.append(digest.class_code({camera_file}))
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
        start, _ = self.beat_range
        count = len(getattr(scene, "beats", []))
        if start and start >= count:  # nothing drawn: a record of no beats would join as 0 s of video
            # One short line: the renderer's summary shows the log's last error line.
            label = os.environ.get(BEATS_ENV_VAR)
            raise RuntimeError(f"the section has {count} beats; --part {label} starts past them")
        wall, cpu = self._started
        self.timing.wall = time.perf_counter() - wall
        self.timing.cpu = time.thread_time() - cpu
        record = self.part_record(scene)
        target = os.environ.get(RECORD_ENV_VAR)
        if target:
            atomic_write_text(Path(target), json.dumps(record, indent=1, ensure_ascii=False) + "\n")
            return
        # A plain `manim render`: join the section here, where manim would have put it.
        from video import assemble

        movie = Path(self.file_writer.movie_file_path)
        assemble.write_section(assemble.Section.from_parts([record], self.store), movie, gif=config.format == "gif")
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
