// claimgraph web: small enhancements; every page works without them.
// Article view: clicking a claim shows its card in place (no jump) and marks its text.
(function () {
  "use strict";
  document.body.classList.add("js");
  function show(id, scroll) {
    var card = document.getElementById("claim-" + id);
    if (!card) { return false; }
    document.querySelectorAll(".card.shown").forEach(function (c) { c.classList.remove("shown"); });
    document.querySelectorAll("a.mark.active").forEach(function (m) { m.classList.remove("active"); });
    card.classList.add("shown");
    document.querySelectorAll('a.mark[data-claim="' + id + '"]').forEach(function (m) { m.classList.add("active"); });
    if (scroll) {
      var first = document.querySelector('a.mark[data-claim="' + id + '"]');
      if (first) { first.scrollIntoView({ block: "center" }); }
    }
    if (history.replaceState) { history.replaceState(null, "", "#claim-" + id); }
    return true;
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-claim]") : null;
    if (a && show(a.getAttribute("data-claim"), !a.classList.contains("mark"))) { ev.preventDefault(); }
  });
  var m = /^#claim-(\d+)$/.exec(location.hash);
  if (m) { show(m[1], true); }
})();
