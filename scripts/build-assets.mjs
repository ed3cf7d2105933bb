// Builds Lantern's front-end assets into lantern/static/dist and
// lantern/static/govuk: compiles the Sass and copies the vendor scripts
// and images. Run by `npm run build` (make assets).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "lantern", "static", "dist");
const govukAssets = join(root, "lantern", "static", "govuk", "assets");
mkdirSync(dist, { recursive: true });
mkdirSync(govukAssets, { recursive: true });

const result = sass.compile(join(root, "frontend", "lantern.scss"), {
  loadPaths: [root, join(root, "frontend")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "lantern.css"), result.css);

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj-frontend.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
];
for (const [from, to] of copies) cpSync(join(root, from), join(dist, to));
// Images only: the GDS Transport fonts are not ours to use.
cpSync(join(root, "node_modules/govuk-frontend/dist/govuk/assets/images"), join(govukAssets, "images"), { recursive: true });
console.log("Built lantern/static/dist");
