// Keyboard jumps between the changes of a diff: j or n to the next, k or
// p to the previous. Every function works without this script (the
// changes link to each other).
document.addEventListener("keydown", function (e) {
  if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
  var changes = Array.prototype.slice.call(document.querySelectorAll(".change"));
  if (!changes.length) return;
  var step = { j: 1, n: 1, k: -1, p: -1 }[e.key];
  if (!step) return;
  var y = window.scrollY + 10, i;
  if (step > 0) {
    i = changes.findIndex(function (c) { return c.getBoundingClientRect().top + window.scrollY > y; });
  } else {
    for (i = changes.length - 1; i >= 0 && changes[i].getBoundingClientRect().top + window.scrollY >= y - 10; i--);
  }
  if (i >= 0 && i < changes.length) {
    changes[i].scrollIntoView();
    e.preventDefault();
  }
});
