// The notebook on the lesson page (issue 20): step mode, predict checkpoints, explorers.
// Plain ES2017, no build step; inlined by renderer/notebook.py so it runs from file://.
// Every number it shows comes from the JSON blocks the renderer wrote from backprop_core;
// beat times come from the transcript's lines, so the live preview's new renders are followed.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const video = $("video");
  const nb = JSON.parse($("lesson-notebook").textContent);
  const checks = JSON.parse($("lesson-checkpoints").textContent);
  const frame = 1 / nb.fps;
  const bar = $("nb-bar"), status = $("nb-status"), box = $("nb-checkpoint");
  const stepBtn = $("nb-step"), qBtn = $("nb-questions");
  const params = new URLSearchParams(location.search);
  let stepping = params.has("step");
  let asking = !params.has("straight");
  let stopAt = null, stopBeat = null, open = null;
  const results = {};  // checkpoint id -> {correct, answer} or {skipped: true}

  // -- the beats: times from the transcript, labels from the renderer ------------------
  function beats() {
    const out = [];
    [...document.querySelectorAll("#transcript section")].forEach((sec, k) => {
      if (nb.watch && sec.hidden) return;
      const info = nb.watch ? nb.sections.find((s) => s.stem === sec.dataset.section) : nb.sections[k];
      [...sec.querySelectorAll(".line")].forEach((li, j) => out.push({
        start: +li.dataset.start, end: +li.dataset.end, el: li, index: j,
        stem: info ? info.stem : "", label: info && info.labels[j] ? info.labels[j] : `beat ${j + 1}`,
      }));
    });
    return out;
  }
  function beatAt(list, t) {
    let k = 0;
    for (let i = 0; i < list.length; i++) if (list[i].start <= t + 1e-3) k = i;
    return k;
  }
  const checkOf = (b) => checks.find((c) => c.stem === b.stem && c.beat === b.index);
  const pending = (c) => c && asking && !(c.id in results);

  // -- where to stop next -----------------------------------------------------------------
  function plan() {
    const t = video.currentTime;
    stopAt = stopBeat = null;
    for (const b of beats()) {
      if (b.end <= t + frame / 2) continue;  // its end is behind us (or we are paused on it)
      if (stepping || pending(checkOf(b))) { stopAt = b.end; stopBeat = b; return; }
    }
  }
  function watchFrames() {
    const next = () => (video.requestVideoFrameCallback ? video.requestVideoFrameCallback(tick) : requestAnimationFrame(() => tick()));
    function tick(now, meta) {
      if (!video.paused && stopAt !== null) {
        const t = meta ? meta.mediaTime : video.currentTime;
        if (t >= stopAt - frame - 1e-4 || video.currentTime >= stopAt - frame / 2) arrive();
      }
      next();
    }
    next();
  }
  // At a beat's end: pause on its last frame, then ask, or offer the next beat.
  function arrive() {
    const b = stopBeat, end = stopAt;
    video.pause();
    video.currentTime = Math.max(b.start, end - frame / 2);
    stopAt = null;
    mark(b);
    const c = checkOf(b);
    if (pending(c)) ask(c); else offer();
  }
  function mark(b) {
    for (const el of document.querySelectorAll("#transcript .nb-here")) el.classList.remove("nb-here");
    if (b) b.el.classList.add("nb-here");
  }

  // -- step mode ----------------------------------------------------------------------------
  function offer() {
    bar.replaceChildren();
    if (!stepping) return;
    const list = beats(), k = beatAt(list, video.currentTime), here = list[k];
    const atEnd = here && video.currentTime >= here.end - frame;
    const next = atEnd ? list[k + 1] : here;
    const word = atEnd ? "next" : "finish";
    const go = button(next ? `Step ▸ (${word}: ${next.label})` : "The end", next ? `Step: play ${next.label}` : "The end",
      () => stepNext());
    go.id = "nb-next";
    go.disabled = !next;
    const again = button("↺ Replay this beat", `Replay ${here ? here.label : "this beat"}`, () => replay());
    again.id = "nb-replay";
    bar.append(go, again);
    const where = here ? `${atEnd ? "Paused at the end of" : "In"} ${here.label}` : "";
    say(`${where}${next ? ` · Space or → plays ${next.label}, ← replays` : ""}`);
  }
  function stepNext() {
    const list = beats(), k = beatAt(list, video.currentTime), here = list[k];
    if (here && video.currentTime >= here.end - frame) {
      if (!list[k + 1]) return;
      video.currentTime = list[k + 1].start;
    }
    play();
  }
  function replay() {
    const list = beats(), here = list[beatAt(list, video.currentTime)];
    if (here) video.currentTime = here.start;
    play();
  }
  function play() {
    closeBox();
    mark(null);
    video.play().catch(() => {});
  }
  function setStepping(on) {
    stepping = on;
    stepBtn.setAttribute("aria-pressed", String(on));
    if (on) video.pause();
    plan();
    offer();
    if (!on) say("");
  }
  function setAsking(on) {
    asking = on;
    qBtn.setAttribute("aria-pressed", String(on));
    plan();
  }

  // -- checkpoints --------------------------------------------------------------------------
  function ask(c) {
    open = c;
    bar.replaceChildren();
    say("A prediction first: answer it, or Skip.");
    const h = el("h2", "Predict"), q = el("p", c.question);
    q.id = "nb-question";
    const form = document.createElement("form");
    form.className = "nb-form";
    let field = null;
    if (c.kind === "number") {
      field = document.createElement("input");
      field.type = "text";
      field.inputMode = "decimal";
      field.id = "nb-answer";
      field.autocomplete = "off";
      field.setAttribute("aria-labelledby", "nb-question");
      form.append(field, el("span", ` counted right ${c.tolerance_text}`, "muted"));
    } else {
      const group = el("div", "");
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-labelledby", "nb-question");
      c.choices.forEach((choice, k) => {
        const label = document.createElement("label"), radio = document.createElement("input");
        radio.type = "radio"; radio.name = "nb-choice"; radio.value = choice; radio.id = `nb-choice-${k}`;
        label.append(radio, ` ${choice}`);
        group.append(label);
      });
      form.append(group);
    }
    const check = button("Check", "Check my answer", null);
    check.type = "submit";
    check.id = "nb-check";
    const skip = button("Skip", "Skip this question", () => finish(c, {skipped: true}));
    skip.id = "nb-skip";
    const straight = button("Watch straight through", "Watch straight through: no more questions or steps", () => {
      finish(c, {skipped: true}, true);
    });
    straight.id = "nb-straight";
    const note = el("p", "", "nb-note");
    note.setAttribute("role", "alert");
    form.append(check, skip, straight);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      let answer;
      if (c.kind === "number") {
        answer = parseFloat(field.value.replace(/[−–]/g, "-").replace(",", ".").trim());
        if (!isFinite(answer)) { note.textContent = "Type a number, for example 1.25."; return; }
      } else {
        const picked = form.querySelector("input[name=nb-choice]:checked");
        if (!picked) { note.textContent = "Pick one of the choices."; return; }
        answer = picked.value;
      }
      const correct = c.kind === "number" ? Math.abs(answer - c.answer) <= c.tolerance : answer === c.answer;
      finish(c, {correct, answer});
    });
    box.replaceChildren(h, q, form, note);
    box.classList.add("open");
    (field || form.querySelector("input")).focus();
  }
  function finish(c, result, straight) {
    results[c.id] = result;
    if (!result.skipped) {
      document.dispatchEvent(new CustomEvent("lesson:answer", {detail: {id: c.id, correct: result.correct, answer: result.answer}}));
    }
    if (straight) { setAsking(false); setStepping(false); }
    const verdict = result.skipped ? "Skipped." : result.correct ? "Right." : "Not quite.";
    const reply = el("p", `${verdict} The answer: ${c.answer_text}. ${c.working}`, "nb-working");
    reply.id = "nb-reply";
    box.classList.toggle("right", !!result.correct);
    box.classList.toggle("wrong", !result.skipped && !result.correct);
    const go = button(stepping ? "Continue" : "Continue ▸", "Continue the lesson", () => {
      closeBox();
      if (stepping) { offer(); $("nb-next").focus(); } else play();
    });
    go.id = "nb-continue";
    box.replaceChildren(el("h2", "Predict"), el("p", c.question), reply, go, el("p", tally(), "muted nb-tally"));
    say(tally());
    if (straight) { closeBox(); play(); return; }
    go.focus();
  }
  function closeBox() {
    open = null;
    box.classList.remove("open", "right", "wrong");
    box.replaceChildren();
  }
  function tally() {
    const answered = Object.values(results).filter((r) => !r.skipped);
    const right = answered.filter((r) => r.correct).length;
    const skipped = Object.keys(results).length - answered.length;
    return `${right} of ${checks.length} right${skipped ? ` (${skipped} skipped)` : ""}`;
  }

  // -- small helpers ------------------------------------------------------------------------
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function button(text, label, onClick) {
    const b = el("button", text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }
  function say(text) { status.textContent = text; }

  // -- wiring -------------------------------------------------------------------------------
  stepBtn.addEventListener("click", () => setStepping(!stepping));
  qBtn.addEventListener("click", () => setAsking(!asking));
  for (const kind of ["play", "seeked"]) video.addEventListener(kind, plan);
  video.addEventListener("play", () => { if (open) closeBox(); bar.replaceChildren(); say(""); });  // no stale "Paused at"
  video.addEventListener("ended", () => { if (checks.length) say(`The end: ${tally()}.`); });
  // Before the page's own keys: in step mode Space and → play the next beat, ← replays.
  window.addEventListener("keydown", (e) => {
    if (!stepping || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target, tag = t.tagName;
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || t.isContentEditable || t.closest(".nb-explorer, #nb-checkpoint")) return;
    if (e.key === " " && !["BUTTON", "A", "SUMMARY"].includes(tag)) stepNext();
    else if (e.key === "ArrowRight") stepNext();
    else if (e.key === "ArrowLeft") replay();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }, true);
  // -- explorers: the frames manim drew, one per stop; the values are the core's text -----
  const latencies = [];
  function explorer(e) {
    const details = $(`nb-explorer-${e.stem}`);
    if (!details) return;
    const body = details.querySelector(".nb-body");
    const stage = el("div", "", "nb-stage");
    stage.tabIndex = 0;
    stage.setAttribute("role", "application");
    stage.setAttribute("aria-roledescription", "explorer");
    const frames = document.createElement("video");
    Object.assign(frames, {muted: true, playsInline: true, preload: "auto", src: e.video});
    frames.setAttribute("aria-hidden", "true");
    frames.poster = e.start_still;
    stage.append(frames);
    const values = el("p", "", "nb-values");
    values.setAttribute("aria-live", "polite");
    values.id = `nb-values-${e.stem}`;
    stage.setAttribute("aria-describedby", values.id);
    const sliders = el("div", "", "nb-sliders");
    const map = e.kind === "map";
    const at = {};  // "i,j" -> stop (the frames are in the renderer's order)
    for (const s of e.stops) at[map ? `${s.i},${s.j}` : `${s.frame}`] = s;
    const pos = map ? e.start.slice() : [e.start];
    const sizes = map ? [e.columns, e.rows] : [e.stops.length];
    const ranges = e.names.map((name, k) => {
      const r = document.createElement("input");
      Object.assign(r, {type: "range", min: 0, max: sizes[k] - 1, step: 1, value: pos[k]});
      r.id = `nb-${e.stem}-${name}`;
      const label = document.createElement("label");
      label.htmlFor = r.id;
      label.textContent = name;
      r.addEventListener("input", () => { pos[k] = +r.value; show(); });
      sliders.append(label, r);
      return r;
    });
    const stop = () => (map ? at[`${pos[0]},${pos[1]}`] : e.stops[pos[0]]);
    function show() {
      const s = stop(), t0 = performance.now();
      ranges.forEach((r, k) => {
        r.value = pos[k];
        r.setAttribute("aria-valuetext", `${e.names[k]} = ${s[e.names[k]]}`);
      });
      values.textContent = s.text;
      stage.dataset.frame = s.frame;
      // Shown: when the frame is presented. Chromium skips a video-frame callback now and then
      // after a paused seek, so the seek's end (and the next paint) marks it too; a stop
      // superseded meanwhile marks nothing.
      let done = false;
      const presented = () => {
        if (done || stage.dataset.frame !== String(s.frame)) return;
        done = true;
        latencies.push(performance.now() - t0);
        stage.dataset.shown = s.frame;
      };
      frames.addEventListener("seeked", () => requestAnimationFrame(presented), {once: true});
      if (frames.requestVideoFrameCallback) frames.requestVideoFrameCallback(presented);
      frames.currentTime = (s.frame + 0.5) / e.fps;
    }
    function move(k, by) {
      pos[k] = Math.max(0, Math.min(sizes[k] - 1, pos[k] + by));
      show();
    }
    // The stop under the pointer: the nearest grid line (the renderer wrote where each one is).
    function pick(ev) {
      const r = stage.getBoundingClientRect();
      const u = (ev.clientX - r.left) / r.width, v = (ev.clientY - r.top) / r.height;
      const [left, top, right, bottom] = e.box;
      const pad = 0.01;
      if (u < left - pad || u > right + pad || v < top - pad || v > bottom + pad) return;
      const nearest = (list, w) => list.reduce((best, p, k) => (Math.abs(p - w) < Math.abs(list[best] - w) ? k : best), 0);
      pos[0] = nearest(e.xs_at, u);
      pos[1] = nearest(e.ys_at, v);
      show();
    }
    if (map) {
      stage.addEventListener("pointerdown", (ev) => {
        stage.focus({preventScroll: true});  // the arrow keys go on from the clicked point
        stage.setPointerCapture(ev.pointerId);
        pick(ev);
      });
      stage.addEventListener("pointermove", (ev) => { if (ev.buttons) pick(ev); });
    }
    stage.addEventListener("keydown", (ev) => {
      const keys = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 1], ArrowDown: [1, -1]};
      const k = keys[ev.key];
      if (!k || (!map && k[0] === 1)) return;
      move(k[0], k[1]);
      ev.preventDefault();
      ev.stopPropagation();
    });
    const hint = el("p", map ? "Click or drag on the heatmap, use the sliders, or the arrow keys on the picture."
                             : "Drag the slider, or use the arrow keys on the picture.", "muted");
    body.append(stage, values, sliders, hint);
    details.addEventListener("toggle", () => { if (details.open) { video.pause(); show(); } });
    show();
    // Beside its chapter: "Try it".
    const k = nb.sections.findIndex((s) => s.stem === e.stem);
    const li = nb.watch ? document.querySelector(`#chapters li[data-section="${e.stem}"]`)
                        : document.querySelectorAll("#chapters li")[k];
    if (li) {
      const tryIt = button(e.title, `${e.title}: ${e.chapter}`, () => {
        details.open = true;
        details.scrollIntoView({block: "nearest"});
        stage.focus();
      });
      tryIt.classList.add("nb-try");
      li.append(tryIt);
    }
  }
  nb.explorers.forEach(explorer);

  stepBtn.setAttribute("aria-pressed", String(stepping));
  qBtn.setAttribute("aria-pressed", String(asking));
  if (stepping) offer();
  watchFrames();
  window.lessonNotebook = {beats, results, tally, setStepping, setAsking, latencies};
})();
