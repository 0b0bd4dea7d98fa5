// Bootstrap: loads the app module and reports, on the page, anything that stops it from loading
// (for instance pkg/ not built yet, or being rebuilt).
function showFatal(message) {
  const boot = document.getElementById("boot");
  const fatal = document.getElementById("fatal");
  if (boot) boot.hidden = true;
  if (fatal) {
    fatal.hidden = false;
    fatal.replaceChildren();
    const title = document.createElement("strong");
    title.textContent = "The preview could not start. ";
    const text = document.createElement("span");
    text.textContent = message;
    fatal.append(title, text);
  }
}

import("./app.js")
  .then((app) => app.start())
  .catch((error) => {
    showFatal(
      `${error?.message ?? error} — the page loads the promotion-rules package from /pkg/web.js: build it with \`make pkg\` (or run \`make demo\`), then reload.`,
    );
  });
