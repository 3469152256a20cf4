// readerdesk-notes.js: marks corrected passages where they stand (marks.js). The widget
// (readerdesk.js) loads it when the article has published notes with a passage, and hands over the
// notes and the site's settings in window.readerdesk.

import { site } from "../widget/page.js";
import { chooseLanguage } from "../widget/strings.js";
import { markNotes } from "./marks.js";

const widget = window.readerdesk;
if (widget && widget.notes && !widget.marked) {
  widget.marked = true;
  Object.assign(site, widget.site);
  chooseLanguage();
  markNotes(widget.notes);
}
