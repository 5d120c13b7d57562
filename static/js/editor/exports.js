// The export menu: a download that says it is being prepared (a PDF of a big board takes
// a few seconds) and never blocks the board. Without JavaScript the links download as
// plain links.

import { t } from "../page/strings.js";

export function installExports() {
  const menu = document.getElementById("export-menu");
  const status = document.getElementById("export-status");
  if (!menu || !status) return;
  let busy = false;
  for (const link of menu.querySelectorAll("a[data-export]")) {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      menu.open = false;
      status.hidden = false;
      status.textContent = t("export_preparing", { name: link.textContent.trim() });
      try {
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        const disposition = response.headers.get("Content-Disposition") ?? "";
        const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? "board";
        const url = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = decodeURIComponent(name);
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        status.hidden = true;
      } catch {
        status.textContent = t("export_failed");
      } finally {
        busy = false;
      }
    });
  }
}
