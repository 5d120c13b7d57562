// Tell the server the browser's time zone (a cookie that journeymap/locale.py reads), so
// that times are shown by the person's own clock unless they chose another in their
// preferences. The first page after the browser's zone changes is still in the old one.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone) {
  const current = document.cookie.split("; ").find((c) => c.startsWith("tz="));
  if (current !== `tz=${encodeURIComponent(zone)}`) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax${secure}`;
  }
}
