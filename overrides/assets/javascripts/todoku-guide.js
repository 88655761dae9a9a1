// Todoku guide: the language selector keeps the reader's place. Both languages share their anchors
// (/levels/#table <-> /en/levels/#table), so a switch carries the current #fragment (a heading, or a shared
// checker result #check=...). The links themselves are made at build time (overrides/partials/alternate.html)
// and work without this script; it only adds the fragment, which never reaches a server.
(function () {
  "use strict";
  function update() {
    var links = document.querySelectorAll("a.todoku-lang");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var url = new URL(a.getAttribute("href"), location.href);
      url.hash = location.hash;
      a.href = url.href;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
  window.addEventListener("hashchange", update);
  // the checker writes its result into the fragment with history.replaceState (no hashchange event)
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a.todoku-lang") : null;
    if (a) update();
  }, true);
})();
