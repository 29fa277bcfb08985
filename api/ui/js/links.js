// A one-time link to hand over (an invitation or a password reset): shown once, with a copy button.
import { h, button, formatDate } from "./dom.js";

export function linkBox(title, text, link) {
  const url = new URL(link.url, location.origin).href;
  const field = h("input", { type: "text", readonly: true, value: url, class: "mono", "aria-label": `${title}: link` });
  const copied = h("span", { class: "small muted", role: "status" });
  async function copy() {
    field.select();
    try {
      await navigator.clipboard.writeText(url);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Select the link and copy it.";
    }
  }
  return h(
    "div",
    { class: "form-message ok link-box", tabindex: "-1" },
    h("p", {}, h("strong", {}, title), " ", text, ` It works once, until ${formatDate(link.expires_at)}; it is not shown again.`),
    h("div", { class: "link-row" }, field, button("Copy link", copy, { class: "btn btn-secondary btn-small" }), copied),
  );
}
