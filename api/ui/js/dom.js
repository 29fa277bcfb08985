// Small DOM helpers: elements are built with h(), never from strings, so data is never markup.
let uid = 0;

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value") el.value = value;
    else if (key === "checked") el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form control: label, control, optional hint and error line wired by aria. */
export function field(label, control, { hint, required } = {}) {
  const id = control.id || nextId();
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : null, errorId].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  if (required) control.required = true;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
}

export function setFieldError(control, message) {
  const error = document.getElementById(`${control.id}-error`);
  control.setAttribute("aria-invalid", message ? "true" : "false");
  if (!error) return;
  error.textContent = message || "";
  error.hidden = !message;
}

export function button(label, onclick, { kind = "secondary", type = "button", ...rest } = {}) {
  return h("button", { type, class: `btn btn-${kind}`, onclick, ...rest }, label);
}

export function select(options, value, props = {}) {
  const el = h("select", props);
  for (const option of options) {
    const [optionValue, text] = Array.isArray(option) ? option : [option, option];
    el.append(h("option", { value: optionValue, selected: String(optionValue) === String(value) }, text));
  }
  return el;
}

/** A short message in the page's one live region; a new one replaces the last, never stacks. */
export function notify(message, kind = "info") {
  const box = document.getElementById("toasts");
  const toast = h("div", { class: `toast toast-${kind}` }, message);
  // A new node (not new text in the old one) so that a repeated message is announced again.
  box.replaceChildren(toast);
  const shown = kind === "error" ? 8000 : 4000; // an error takes longer to read and act on
  setTimeout(() => toast.classList.add("leaving"), shown - 500);
  setTimeout(() => toast.remove(), shown);
}

export function errorText(error) {
  return error && error.detail ? error.detail : String(error && error.message ? error.message : error);
}

export function pageHeader(title, subtitle, ...actions) {
  return h(
    "div",
    { class: "page-header" },
    h("div", {}, h("h1", {}, title), subtitle ? h("p", { class: "muted" }, subtitle) : null),
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

export function emptyState(title, text, ...actions) {
  return h("div", { class: "empty" }, h("h2", {}, title), h("p", {}, text), actions);
}

export function progressBar(done, total, label) {
  const percent = total > 0 ? Math.round((100 * done) / total) : 0;
  const fill = h("span", { class: "progress-fill" });
  fill.style.width = `${percent}%`;
  return h(
    "div",
    {
      class: "progress",
      role: "progressbar",
      "aria-valuemin": "0",
      "aria-valuemax": String(total),
      "aria-valuenow": String(done),
      "aria-label": label || "Progress",
      "aria-valuetext": `${done} of ${total}`,
    },
    fill,
  );
}

export function formatDate(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

export function table(columns, rows, { caption, empty = "Nothing here yet." } = {}) {
  const head = h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.class }, c.label))));
  const body = h("tbody");
  for (const row of rows) {
    body.append(h("tr", {}, columns.map((c) => h("td", { class: c.class }, c.render ? c.render(row) : row[c.key] ?? ""))));
  }
  if (!rows.length) body.append(h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, empty)));
  return h("div", { class: "table-wrap" }, h("table", {}, caption ? h("caption", {}, caption) : null, head, body));
}

// Inputs that take no typed text: a letter pressed on one of them is meant for the page.
const UNTYPED_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "file", "image", "color", "range"]);

/** Whether a key press is meant for a text field rather than for a page shortcut. */
export function typingInto(event) {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.tagName === "INPUT") return !UNTYPED_INPUTS.has(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}
