// SCORM 1.2 bridge of the lesson page. Only the packaged copy of index.html loads it
// (renderer/scorm.py adds one <script src="scorm12.js"> before </body>); plain ES2017.
//
// It finds the LMS's API by the standard search (window.API in this window's parents,
// then in the opener and its parents). Without one it does nothing: the page works as
// it does from disk. With one it reports:
//   cmi.core.lesson_status   "incomplete" from the start; "completed" once every chapter
//                            has been seen (at least half of it played) or 90 % of the
//                            lesson's time has been played (seeking over it does not count);
//                            "passed"/"failed" instead when the LMS sets a mastery score and
//                            every checkpoint has been answered
//   cmi.core.score.*         min 0, max 100, raw = % of the predict checkpoints answered
//                            right (their first answer), once one has been answered
//   cmi.core.lesson_location the video's time in seconds ("83.4"); the page resumes there
//   cmi.suspend_data         JSON {v, w: the played time ranges, a: the answers}
//   cmi.core.session_time    the time since the page opened (HH:MM:SS.SS)
//   cmi.interactions.n.*     one per checkpoint answered (id, response, result)
// LMSCommit on opening, on a chapter change, a pause, the end, an answer, a status change,
// when the tab is hidden, and once a minute while it plays; LMSFinish when the page is left
// (pagehide).
//
// The checkpoints' contract (issue 20): the page lists their ids in window.LESSON_CHECKPOINTS
// (ids, or objects with an id) or a JSON block <script type="application/json"
// id="lesson-checkpoints">, and dispatches for each answer
//   document.dispatchEvent(new CustomEvent("lesson:answer", {detail: {id, correct, answer}}))
// On start this bridge dispatches "lesson:restore" with {detail: {answers: {id: {correct,
// answer}}, location}} so the page can show the answers given before.
(() => {
  "use strict";
  const MAX_SUSPEND = 4096; // cmi.suspend_data is a CMIString4096
  const LESSON_SHARE = 0.9; // completed when this share of the lesson has been played ...
  const CHAPTER_SHARE = 0.5; // ... or this share of every chapter
  // While it plays, at least once a minute: an LMS may lose the last commit when the page is
  // closed (browsers refuse a synchronous request then).
  const PROGRESS_MS = 60000;
  const state = (window.lessonScorm = { connected: false, status: "", watched: 0, seen: [], commits: 0, answers: {} });

  function search(win) {
    for (let tries = 0; win && tries < 500; tries++) {
      try {
        if (win.API) return win.API;
      } catch {
        // a frame of another origin: look further up
      }
      let parent = null;
      try {
        parent = win.parent;
      } catch {
        parent = null;
      }
      if (!parent || parent === win) break;
      win = parent;
    }
    return null;
  }
  let api = search(window);
  if (!api) {
    try {
      if (window.opener) api = search(window.opener);
    } catch {
      api = null;
    }
  }
  const video = document.getElementById("video");
  if (!api || !video) return;
  const call = (name, ...args) => {
    try {
      return String(api[name](...args));
    } catch {
      return "";
    }
  };
  if (call("LMSInitialize", "") !== "true") return;
  state.connected = true;
  const opened = Date.now();
  const get = (key) => call("LMSGetValue", key);
  const set = (key, value) => call("LMSSetValue", key, String(value)) === "true";

  // -- what the LMS kept from before -----------------------------------------------------
  let saved = {};
  try {
    saved = JSON.parse(get("cmi.suspend_data") || "{}") || {};
  } catch {
    saved = {};
  }
  const number = (x) => typeof x === "number" && isFinite(x);
  let ranges = Array.isArray(saved.w) ? saved.w.filter((r) => Array.isArray(r) && number(r[0]) && number(r[1])) : [];
  const answers = saved.a && typeof saved.a === "object" ? saved.a : {};
  state.answers = answers;
  let status = get("cmi.core.lesson_status");
  if (!["completed", "passed", "failed"].includes(status)) {
    status = "incomplete";
    set("cmi.core.lesson_status", status);
  }
  state.status = status;
  const mastery = parseFloat(get("cmi.student_data.mastery_score"));
  const resumeAt = parseFloat(get("cmi.core.lesson_location"));

  // -- what has been watched -----------------------------------------------------------------
  const starts = [...document.querySelectorAll("#chapters li[data-start]")].map((li) => +li.dataset.start);
  const total = () => (number(video.duration) && video.duration > 0 ? video.duration : 0);
  function merge(list) {
    const out = [];
    for (const [a, b] of list.slice().sort((x, y) => x[0] - y[0])) {
      const last = out[out.length - 1];
      if (last && a <= last[1] + 0.25) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return out;
  }
  function absorb() {
    // video.played: what this visit played, never what a seek skipped over.
    const played = video.played;
    for (let i = 0; i < played.length; i++) ranges.push([played.start(i), played.end(i)]);
    ranges = merge(ranges);
  }
  const covered = (a, b) => ranges.reduce((sum, [s, e]) => sum + Math.max(0, Math.min(b, e) - Math.max(a, s)), 0);
  function chapterAt(t) {
    let k = -1;
    for (let i = 0; i < starts.length; i++) if (starts[i] <= t + 0.001) k = i;
    return k;
  }

  // -- score and status ------------------------------------------------------------------------
  function checkpoints() {
    let list = window.LESSON_CHECKPOINTS;
    const block = document.getElementById("lesson-checkpoints");
    if (!list && block) {
      try {
        list = JSON.parse(block.textContent);
      } catch {
        list = null;
      }
    }
    if (!Array.isArray(list)) return [];
    return list.map((c) => (c && typeof c === "object" ? c.id : c)).filter((id) => id !== undefined && id !== null).map(String);
  }
  function score() {
    const ids = checkpoints();
    if (!ids.length || !ids.some((id) => answers[id])) return null;
    const raw = Math.round((100 * ids.filter((id) => answers[id] && answers[id].c).length) / ids.length);
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", raw);
    state.score = raw;
    return { raw, all: ids.every((id) => answers[id]) };
  }
  function evaluate() {
    const d = total();
    if (!d) return false;
    const ends = starts.slice(1).concat([d]);
    state.seen = starts.map((s, k) => covered(s, ends[k]) >= CHAPTER_SHARE * (ends[k] - s) - 0.05);
    state.watched = covered(0, d);
    let next = status;
    const watched = (state.seen.length && state.seen.every(Boolean)) || state.watched >= LESSON_SHARE * d - 0.05;
    if (status === "incomplete" && watched) next = "completed";
    const s = score();
    if (number(mastery) && s && s.all && next !== "incomplete") next = s.raw >= mastery ? "passed" : "failed";
    if (next === status) return false;
    status = state.status = next;
    set("cmi.core.lesson_status", status);
    return true;
  }

  // -- saving ----------------------------------------------------------------------------------------
  const round = (x) => Math.round(x * 10) / 10;
  function suspendText() {
    const w = ranges.map(([a, b]) => [round(a), round(b)]);
    let text = JSON.stringify({ v: 1, w, a: answers });
    while (text.length > MAX_SUSPEND && w.length > 1) {
      // Too many ranges: join the two closest (the gap between them counts as played).
      let k = 0;
      for (let i = 1; i < w.length - 1; i++) if (w[i + 1][0] - w[i][1] < w[k + 1][0] - w[k][1]) k = i;
      w.splice(k, 2, [w[k][0], w[k + 1][1]]);
      text = JSON.stringify({ v: 1, w, a: answers });
    }
    if (text.length > MAX_SUSPEND) {
      const short = {};
      for (const id of Object.keys(answers)) short[id] = { c: answers[id].c };
      text = JSON.stringify({ v: 1, w, a: short }).slice(0, MAX_SUSPEND);
    }
    return text;
  }
  const two = (n) => String(n).padStart(2, "0");
  function timespan(ms) {
    const s = ms / 1000;
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return `${two(h)}:${two(m)}:${(s % 60).toFixed(2).padStart(5, "0")}`;
  }
  let resumed = false; // until the video can seek, the place to keep is the one saved
  const place = () => (resumed || !(number(resumeAt) && resumeAt > 0) ? video.currentTime : resumeAt);
  function save() {
    set("cmi.core.lesson_location", round(place()).toFixed(1));
    set("cmi.suspend_data", suspendText());
    set("cmi.core.session_time", timespan(Date.now() - opened));
  }
  let finished = false;
  let committed = Date.now();
  function commit(why) {
    if (finished) return;
    absorb();
    evaluate();
    save();
    state.commits += 1;
    state.lastCommit = why;
    committed = Date.now();
    call("LMSCommit", "");
  }
  function finish() {
    if (finished) return;
    absorb();
    evaluate();
    save();
    // "suspend" keeps the data for the next visit until the lesson is done.
    set("cmi.core.exit", status === "incomplete" ? "suspend" : "");
    finished = true;
    call("LMSFinish", "");
    state.finished = true;
  }

  // -- the answers -------------------------------------------------------------------------------------
  function interaction(id, a) {
    const n = parseInt(get("cmi.interactions._count"), 10);
    if (!(n >= 0)) return; // interactions not supported by this LMS
    const p = `cmi.interactions.${n}.`;
    const now = new Date();
    set(p + "id", id.replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, 255) || "checkpoint");
    set(p + "type", "fill-in");
    set(p + "student_response", a.r);
    set(p + "result", a.c ? "correct" : "wrong");
    set(p + "time", `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`);
  }
  document.addEventListener("lesson:answer", (e) => {
    const d = (e && e.detail) || {};
    if (d.id === undefined || d.id === null || finished) return;
    const id = String(d.id);
    if (answers[id]) return; // a prediction counts once: its first answer
    answers[id] = { c: d.correct ? 1 : 0, r: d.answer === undefined || d.answer === null ? "" : String(d.answer).slice(0, 255) };
    interaction(id, answers[id]);
    commit("answer");
  });

  // -- following the video ---------------------------------------------------------------------------
  let chapter = chapterAt(video.currentTime);
  video.addEventListener("timeupdate", () => {
    absorb();
    const k = chapterAt(video.currentTime);
    if (k !== chapter) {
      chapter = k;
      commit("chapter");
    } else if (evaluate()) commit("status");
    else if (!video.paused && Date.now() - committed > PROGRESS_MS) commit("progress");
  });
  video.addEventListener("seeked", () => set("cmi.core.lesson_location", round(video.currentTime).toFixed(1)));
  video.addEventListener("pause", () => {
    if (!video.ended) commit("pause");
  });
  video.addEventListener("ended", () => commit("ended"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") commit("hidden");
  });
  window.addEventListener("pagehide", finish);

  // -- resume where the student left off --------------------------------------------------------
  function resume() {
    if (number(resumeAt) && resumeAt > 0 && (!total() || resumeAt < total() - 0.5)) video.currentTime = resumeAt;
    resumed = true;
    chapter = chapterAt(video.currentTime);
    evaluate();
  }
  if (video.readyState >= 1) resume();
  else video.addEventListener("loadedmetadata", resume, { once: true });
  const restored = {};
  for (const id of Object.keys(answers)) restored[id] = { correct: !!answers[id].c, answer: answers[id].r };
  document.dispatchEvent(
    new CustomEvent("lesson:restore", { detail: { answers: restored, location: number(resumeAt) ? resumeAt : 0 } }),
  );
  commit("start"); // the attempt is on record ("incomplete") even if the student leaves at once
})();
