// The live preview's script (./render.sh --watch): follows /__watch/state (renderer/watch.py).
// A section's new video replaces the old one in place (cache-busting query), at the first
// beat that changed, playing if it was playing; its transcript is rebuilt from the state.
// A failed render shows its error; the video on screen stays.
(() => {
  const data = JSON.parse(document.getElementById("page-data").textContent).watch;
  const page = window.lessonPage;
  const video = document.getElementById("video");
  const track = video.querySelector("track[kind=captions]");
  const status = document.getElementById("watch-status"), errbox = document.getElementById("watch-error");
  const shown = Object.assign({}, data.versions);  // section -> version on the page
  let current = data.current, last = null;
  video.dataset.section = current;
  video.dataset.version = shown[current];
  const sectionEl = (stem) => document.querySelector(`#transcript section[data-section="${stem}"]`);
  const linesOf = (stem) => [...sectionEl(stem).querySelectorAll(".line")];

  function show(stem) {
    current = stem;
    for (const s of document.querySelectorAll("#transcript section[data-section]")) s.hidden = s.dataset.section !== stem;
    for (const li of document.querySelectorAll("#chapters li[data-section]")) {
      const on = li.dataset.section === stem;
      li.classList.toggle("current", on);
      if (on) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    }
    page.setLines(linesOf(stem));
  }
  function load(stem, info, t, play) {
    const v = `?v=${info.version}`;
    const tt = track.track, mode = tt.mode;
    tt.mode = "hidden";  // hidden while its cues change, or Chromium keeps showing a removed one
    video.addEventListener("loadedmetadata", () => {
      tt.mode = mode;
      video.currentTime = Math.max(0, Math.min(t, video.duration - 0.01));
      if (play) video.play().catch(() => {});
      page.update();
    }, {once: true});
    video.poster = info.poster + v;
    video.src = info.video + v;
    // The same caption track, its cues replaced: a new src would leave the old cues showing.
    for (const c of [...(tt.cues || [])]) tt.removeCue(c);
    for (const [start, end, text] of info.cues) tt.addCue(new VTTCue(start, end, text));
    video.dataset.section = stem;
    video.dataset.version = info.version;
    const img = document.querySelector(`#chapters li[data-section="${stem}"] img`);
    if (img) img.src = info.poster + v;
  }
  function transcript(stem, beats) {
    const ol = sectionEl(stem).querySelector("ol");
    ol.replaceChildren(...beats.map((b) => {
      const li = document.createElement("li");
      li.className = "line";
      li.dataset.start = b.start.toFixed(3);
      li.dataset.end = b.end.toFixed(3);
      const at = document.createElement("button");
      at.type = "button"; at.className = "stamp"; at.dataset.t = b.start.toFixed(3);
      at.textContent = page.stamp(b.start);
      at.setAttribute("aria-label", `Play from ${page.stamp(b.start)}`);
      const text = document.createElement("span");
      text.className = "text"; text.textContent = b.text;
      li.append(at, text);
      page.bindLine(li);
      return li;
    }));
  }
  for (const b of document.querySelectorAll(".chapter[data-section]")) b.addEventListener("click", () => {
    const stem = b.dataset.section;
    if (stem === current || !last || !last.sections[stem]) return;
    show(stem);
    load(stem, last.sections[stem], 0, false);
  });

  function apply(state) {
    last = state;
    status.textContent = state.rendering.length ? `rendering ${state.rendering.join(", ")} …`
                                                : "watching: save a scene and its changed beat shows here";
    const errors = [];
    for (const [stem, info] of Object.entries(state.sections)) {
      if (info.status === "failed" && info.error) {
        const e = info.error, where = e.file ? `${e.file}, line ${e.line}\n` : "";
        errors.push(`${stem}: ${where}${e.error}${e.code ? "\n    " + e.code : ""}`);
        continue;
      }
      if (info.status !== "ok" || shown[stem] === info.version || !sectionEl(stem)) continue;
      shown[stem] = info.version;
      const same = stem === current;
      const playing = !video.paused && !video.ended;
      const t = info.seek !== null && info.seek !== undefined ? info.seek : (same ? video.currentTime : 0);
      transcript(stem, info.beats);
      show(stem);
      load(stem, info, t, playing);
    }
    errbox.hidden = !errors.length;
    errbox.textContent = errors.length ? "Render failed (the video shows the last good render):\n" + errors.join("\n\n") : "";
    document.body.classList.toggle("watch-failed", errors.length > 0);
  }
  async function poll() {
    try {
      const r = await fetch("/__watch/state", {cache: "no-store"});
      if (r.ok) apply(await r.json());
    } catch {
      status.textContent = "the watcher is not running (stopped?)";
    }
    setTimeout(poll, 500);
  }
  poll();
})();
