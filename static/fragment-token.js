/* A landing page for a link whose token rides in the URL fragment (never sent to the server, so it
   stays out of access logs and Referer headers): copy it into the page's form, which posts it.
   The form is marked data-fragment-token; with data-submit it is sent at once (the next page still
   asks before anything changes). With no token, the element #link-incomplete is shown instead. */
(function () {
  var form = document.querySelector("form[data-fragment-token]");
  if (!form) {
    return;
  }
  var token = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (token) {
    form.elements.token.value = token;
    if (form.hasAttribute("data-submit")) {
      form.submit();
    }
  } else {
    form.hidden = true;
    document.getElementById("link-incomplete").hidden = false;
  }
})();
