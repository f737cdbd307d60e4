// Keyboard shortcuts and source-box highlighting for the review desk (no build step).
(function () {
  "use strict";
  function boxes(name) { return document.querySelectorAll('.box[data-field="' + CSS.escape(name) + '"]'); }
  document.addEventListener("focusin", function (event) {
    document.querySelectorAll(".box.active").forEach(function (b) { b.classList.remove("active"); });
    var name = event.target && event.target.dataset ? event.target.dataset.box : "";
    if (name) { boxes(name).forEach(function (b) { b.classList.add("active"); }); }
  });
  function click(id) { var el = document.getElementById(id); if (el) { el.click(); } }
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
    if (typing) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); click("accept"); }
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var first;
    switch (event.key) {
      case "a": click("accept"); break;
      case "d": click("duplicate"); break;
      case "r": click("reject"); break;
      case "n": case "j":
        if (document.getElementById("next")) { click("next"); } else { first = document.querySelector("a.open"); if (first) { first.click(); } }
        break;
      case "q": window.location.href = "/"; break;
      case "e":
        first = document.querySelector(".field.problem input") || document.querySelector(".field input");
        if (first) { event.preventDefault(); first.focus(); first.select(); }
        break;
      default: return;
    }
  });
})();
