// The "Print" button of a printable page (meetings/docs/print_base.html): no inline handler, the
// Content-Security-Policy allows scripts from the site's own files only.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".print-button");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
