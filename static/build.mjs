// Copies the browser files the pages need from node_modules into static/build/ (run by `npm run build`,
// after sass has written static/build/app.css). static/build/ is generated and git-ignored.
//
// Layout, matching the asset paths set in static/scss/app.scss and the <script> tags in templates/base.html:
//   static/build/govuk-frontend.min.js (+ .map)
//   static/build/moj-frontend.min.js (+ .map)
//   static/build/assets/manifest.json
//   static/build/assets/images/…   GOV.UK Frontend's and MoJ Frontend's images, one folder (MoJ sets both paths)
// The GDS Transport fonts are deliberately not copied: they are licensed for GOV.UK only.
//
// The source maps are copied because the min.js files name them, and Django's ManifestStaticFilesStorage
// (collectstatic in production) fails on a sourceMappingURL whose file is missing.

import { copyFileSync, cpSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const modules = join(root, "node_modules");
const out = join(root, "static", "build");

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
const moj = join(modules, "@ministryofjustice", "frontend", "moj");

function copyFile(from, to) {
  if (!existsSync(from)) {
    throw new Error(`build.mjs: ${from} is missing; did \`npm ci\` run, and has the package moved its files?`);
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

function copyDir(from, to) {
  if (!existsSync(from)) {
    throw new Error(`build.mjs: ${from} is missing; did \`npm ci\` run, and has the package moved its files?`);
  }
  cpSync(from, to, { recursive: true });
}

for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copyFile(join(govuk, name), join(out, name));
}
for (const name of ["moj-frontend.min.js", "moj-frontend.min.js.map"]) {
  copyFile(join(moj, name), join(out, name));
}

copyFile(join(govuk, "assets", "manifest.json"), join(out, "assets", "manifest.json"));
copyDir(join(govuk, "assets", "images"), join(out, "assets", "images"));
copyDir(join(moj, "assets", "images"), join(out, "assets", "images"));

console.log(`build.mjs: copied GOV.UK Frontend and MoJ Frontend scripts and images to ${out}`);
