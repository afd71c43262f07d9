// Starts GOV.UK Frontend and MoJ Frontend. Loaded by templates/base.html as <script type="module">.
//
// The Content-Security-Policy allows scripts from this site only and no inline script, so the classes that
// GOV.UK's page template adds with an inline <script> are added here instead. A browser that runs this module
// supports ES modules, which is exactly what `govuk-frontend-supported` means. Until this runs the page is
// the no-JavaScript page, which must work on its own.
//
// The imports are relative (static/js/ → static/build/, copied there by `npm run build`) so they follow
// STATIC_URL wherever it points.
import { initAll as initGovukFrontend } from "../build/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../build/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initGovukFrontend();
initMojFrontend();
