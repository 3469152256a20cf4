// Builds the embeddable scripts from their readable source:
//   static/src/widget/main.js  -> static/readerdesk.js          (the correction widget)
//   static/src/support/main.js -> static/readerdesk-support.js  (the support box)
//   static/src/notes/main.js   -> static/readerdesk-notes.js    (marks on corrected passages)
//
//   node build-widget.mjs [--outdir DIR]      (`make widget` runs it with the default, static/)
//
// The widget's words in other languages are static/i18n/readerdesk.<lang>.json, written from the gettext
// catalogues by tools/widget_catalogues.py (`make widget` runs it first); the widget loads the one for
// its page's language, and is built knowing which languages have one.
//
// The outputs are committed, because the Flask app serves them as they are;
// tests/test_widget_source.py builds into a temporary folder and checks they equal this build.

import { readFile, readdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import * as esbuild from "esbuild";

// Current browsers: the releases of the last two years or so. Every one of them has what the
// widget needs at run time (<dialog>, Shadow DOM, \p{M} in regular expressions), and the source's
// syntax ships to them as written.
const TARGET = ["chrome130", "edge130", "firefox132", "safari18"];

// No file-level "use strict" (esbuild cannot put it inside the IIFE): a CMS that concatenates
// scripts would make the ones after ours strict. eslint's checks stand in for strict mode's.
const BANNER = "/* readerdesk: built by esbuild from static/src (make widget). Edit the source, not this file. */";

// `import CSS from "./dialog.css"` gives the stylesheet, minified, as a string: the widget puts it
// in a <style> inside its Shadow DOM, so the page needs no second request.
const cssAsMinifiedText = {
  name: "css-as-minified-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await esbuild.transform(source, { loader: "css", minify: true, target: TARGET });
      return { contents: code.trimEnd(), loader: "text" };
    });
  },
};

const { values } = parseArgs({ options: { outdir: { type: "string", default: "static" } } });
const root = dirname(fileURLToPath(import.meta.url));

// English, then each language with a catalogue in static/i18n, in order.
const catalogued = (await readdir(resolve(root, "static/i18n")))
  .map((name) => /^readerdesk\.([a-z]{2,3})\.json$/.exec(name))
  .filter(Boolean)
  .map((match) => match[1])
  .sort();
const LANGUAGES = ["en", ...catalogued];

await esbuild.build({
  absWorkingDir: root,
  entryPoints: [
    { in: "static/src/widget/main.js", out: "readerdesk" },
    { in: "static/src/support/main.js", out: "readerdesk-support" },
    { in: "static/src/notes/main.js", out: "readerdesk-notes" },
  ],
  outdir: resolve(values.outdir),
  bundle: true,
  format: "iife",
  minify: true,
  target: TARGET,
  charset: "utf8", // the Ukrainian strings as UTF-8 (Flask serves .js as UTF-8), not \u escapes
  legalComments: "none",
  banner: { js: BANNER },
  define: { READERDESK_LANGUAGES: JSON.stringify(LANGUAGES) },
  plugins: [cssAsMinifiedText],
  logLevel: "warning",
});
