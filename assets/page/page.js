(() => {
  const video = document.getElementById("video");
  const data = JSON.parse(document.getElementById("page-data").textContent);
  // Chromium treats every file:// page as its own origin and loads no <track> from
  // disk: there the tracks get the copies of the same WebVTT kept in this page.
  for (const el of video.querySelectorAll("track")) {
    const useCopy = () => {
      if (!el.src.startsWith("blob:")) {
        el.src = URL.createObjectURL(new Blob([data.vtt[el.dataset.copy]], {type: "text/vtt"}));
      }
    };
    el.addEventListener("error", useCopy);
    if (location.protocol === "file:" || el.readyState === 3 || !el.getAttribute("src")) useCopy();
  }
  const captions = video.querySelector("track[kind=captions]").track;
  video.querySelector("track[kind=chapters]").track.mode = "hidden";  // loaded, not shown
  // Audio description as text (WCAG 1.2.5): browsers load a descriptions track but speak
  // none, so the current cue goes to a live region, read out when the reader asks for it.
  const descriptions = video.querySelector("track[kind=descriptions]").track;
  descriptions.mode = "hidden";
  const describedNow = document.getElementById("description-now");
  descriptions.addEventListener("cuechange", () => {
    const cue = descriptions.activeCues && descriptions.activeCues[0];
    describedNow.textContent = cue ? `Described: ${cue.text}` : "";
  });
  const $ = (id) => document.getElementById(id);
  // The live preview (data.watch) shows one section at a time: its sections are not chapters in time.
  const chapters = data.watch ? [] : [...document.querySelectorAll("#chapters li")];
  let lines = [...document.querySelectorAll(data.watch ? "#transcript section:not([hidden]) .line" : "#transcript .line")];
  const scroller = $("transcript");
  const fmt = (s) => {
    s = Math.floor(s + 1e-6);
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
  };
  const total = data.total;

  function seek(t) {
    video.currentTime = Math.max(0, Math.min(t, video.duration || total));
    update();
  }
  function toggle() { if (video.paused || video.ended) video.play(); else video.pause(); }
  function showCaptions(on) {
    captions.mode = on ? "showing" : "hidden";
    $("cc").setAttribute("aria-pressed", String(on));  // "change" comes later, and also from the video's menu
  }
  function chapterStep(step) {
    const t = video.currentTime;
    if (!chapters.length) return;
    let k = current(chapters, t);
    // "Previous" from inside a chapter goes back to its start first, as players do.
    if (step < 0 && k >= 0 && t - chapters[k].dataset.start > 2) step = 0;
    k = Math.max(0, Math.min(chapters.length - 1, k + step));
    seek(+chapters[k].dataset.start);
  }
  function current(items, t) {
    let k = -1;
    for (let i = 0; i < items.length; i++) if (+items[i].dataset.start <= t + 0.001) k = i;
    return k;
  }
  function mark(items, before, now) {
    if (before >= 0) { items[before].classList.remove("current"); items[before].removeAttribute("aria-current"); }
    if (now >= 0) { items[now].classList.add("current"); items[now].setAttribute("aria-current", "true"); }
  }
  // The transcript follows the video unless the reader scrolled it a moment ago.
  let readerScrolled = 0;
  for (const kind of ["wheel", "touchmove"]) scroller.addEventListener(kind, () => { readerScrolled = Date.now(); });
  function follow(el) {
    if (Date.now() - readerScrolled < 4000) return;
    const box = scroller.getBoundingClientRect(), r = el.getBoundingClientRect();
    if (r.top < box.top + 40 || r.bottom > box.bottom - 40) scroller.scrollTop += r.top - box.top - box.height / 3;
  }
  let chapter = -1, line = -1;
  function update() {
    const t = video.currentTime;
    const c = current(chapters, t), l = current(lines, t);
    if (c !== chapter) { mark(chapters, chapter, c); chapter = c; }
    if (l !== line) { mark(lines, line, l); line = l; if (l >= 0) follow(lines[l]); }
    $("time").textContent = `${fmt(t)} / ${fmt(video.duration || total)}`;
  }
  for (const kind of ["timeupdate", "seeked", "seeking", "loadedmetadata"]) video.addEventListener(kind, update);
  video.addEventListener("play", () => { $("play").textContent = "Pause"; $("play").setAttribute("aria-label", "Pause"); });
  video.addEventListener("pause", () => { $("play").textContent = "Play"; $("play").setAttribute("aria-label", "Play"); });
  video.textTracks.addEventListener("change", () => $("cc").setAttribute("aria-pressed", String(captions.mode === "showing")));

  $("play").addEventListener("click", toggle);
  $("back").addEventListener("click", () => seek(video.currentTime - 5));
  $("forward").addEventListener("click", () => seek(video.currentTime + 5));
  $("prev").addEventListener("click", () => chapterStep(-1));
  $("next").addEventListener("click", () => chapterStep(1));
  $("cc").addEventListener("click", () => showCaptions(captions.mode !== "showing"));
  $("read-descriptions").addEventListener("click", () => {
    const on = describedNow.getAttribute("aria-live") !== "polite";
    describedNow.setAttribute("aria-live", on ? "polite" : "off");
    $("read-descriptions").setAttribute("aria-pressed", String(on));
  });

  // The Described switch: the other version (plain or described), at the same point of
  // the same beat. Its beat times come from its page/variant.js, found beside this page's
  // folder (the renderer writes both; this page computes only where that point falls).
  const variant = data.variant;
  function beatAt(beats, t) {
    let k = 0;
    for (let i = 0; i < beats.length; i++) if (beats[i][0] <= t + 0.001) k = i;
    return k;
  }
  function offerSibling() {
    const other = variant && (window.lessonVariants || {})[variant.sibling];
    const button = $("described");
    if (!other || other.beats.length !== variant.beats.length || !button.hidden) return;
    button.hidden = false;
    button.setAttribute("aria-pressed", String(variant.described));
    button.setAttribute("aria-label", variant.described ? "Described version: on (switch to the plain one)"
                                                        : "Described version: off (switch to the described one)");
    button.addEventListener("click", () => {
      const t = video.currentTime, k = beatAt(variant.beats, t);
      const into = Math.min(t - variant.beats[k][0], other.beats[k][1] - other.beats[k][0]);
      const playing = !video.paused && !video.ended;
      location.href = `../${variant.sibling}/${other.page}#t=${(other.beats[k][0] + into).toFixed(3)}${playing ? "&play" : ""}`;
    });
  }
  if (variant) {
    offerSibling();
    window.addEventListener("load", offerSibling, {once: true});  // the probe script may load after this one
  }
  // #t=SECONDS[&play]: open at that point (the Described switch, a shared link).
  const start = /(?:^#|&)t=([0-9.]+)/.exec(location.hash);
  if (start) {
    const go = () => { seek(+start[1]); if (/&play\b/.test(location.hash)) video.play().catch(() => {}); };
    if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, {once: true});
  }
  for (const b of document.querySelectorAll(".chapter[data-t], #transcript [data-t]")) if (!data.watch) b.addEventListener("click", (e) => {
    e.stopPropagation();
    seek(+b.dataset.t);
  });
  function bindLine(li) {
    li.addEventListener("click", () => {
      if (String(window.getSelection()).length === 0) seek(+li.dataset.start);  // not while selecting text
    });
    const b = li.querySelector("[data-t]");
    if (b && data.watch) b.addEventListener("click", (e) => { e.stopPropagation(); seek(+b.dataset.t); });
  }
  for (const li of document.querySelectorAll("#transcript .line")) bindLine(li);
  // For the live preview's script: a section's lines replace the ones followed.
  window.lessonPage = {
    seek, update, bindLine, stamp: fmt,
    setLines(items) { mark(lines, line, -1); lines = items; line = -1; update(); },
  };
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.isContentEditable) return;
    const tag = e.target.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    if (e.key === " " && !["BUTTON", "A", "SUMMARY"].includes(tag)) toggle();  // Space on a control presses it
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      const step = e.key === "ArrowLeft" ? -1 : 1;
      if (e.shiftKey) chapterStep(step); else seek(video.currentTime + 5 * step);
    } else return;
    e.preventDefault();  // also keeps the video's own key handling from doing it twice
  });
  update();
})();
