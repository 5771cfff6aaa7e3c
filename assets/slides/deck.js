  // Speaker view: press S. Everything is loaded from this folder; no network.
  Reveal.initialize({
    width: 1280, height: 720, margin: 0.02, center: false, hash: true,
    controls: true, progress: true, slideNumber: "c/t", transition: "fade",
    autoPlayMedia: true, plugins: [RevealNotes]
  });
  // Self-paced: the clips speak, and the deck advances when the shown clip ends.
  const toggle = document.getElementById("narrated");
  let narrated = false;
  function setNarrated(on) {
    narrated = on;
    if (toggle) toggle.setAttribute("aria-pressed", String(on));
    for (const v of document.querySelectorAll(".slides video")) v.muted = !on;
    const shown = Reveal.getCurrentSlide() && Reveal.getCurrentSlide().querySelector("video");
    if (on && shown) shown.play().catch(() => {});
  }
  for (const v of document.querySelectorAll(".slides video")) {
    v.addEventListener("ended", () => {
      if (narrated && v.closest("section.present") && !Reveal.isLastSlide()) Reveal.next();
    });
  }
  if (toggle) {
    toggle.addEventListener("click", () => setNarrated(!narrated));
    Reveal.on("ready", () => setNarrated(new URLSearchParams(location.search).has("narrated")));
  }
