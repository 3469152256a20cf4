/* The magic link's landing page: the token is in the URL fragment (never sent to the server, so it
   stays out of access logs); copy it into the form that posts it. */
(function () {
  var form = document.getElementById("open-portal");
  var token = decodeURIComponent(location.hash.replace(/^#/, ""));
  if (token) {
    form.elements.token.value = token;
  } else {
    form.hidden = true;
    document.getElementById("link-incomplete").hidden = false;
  }
})();
