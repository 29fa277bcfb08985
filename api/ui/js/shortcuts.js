// Single-key shortcuts, and the reviewer's choice to turn them off (WCAG 2.1.4: a speech-input or
// keyboard user who types by accident must be able to stop single letters from acting). The
// choice belongs to the person, on this browser: localStorage, keyed by the user's id.
import { h } from "./dom.js";

const storageKey = (userId) => `winnow.single-key-shortcuts.${userId}`;

/** Whether this user wants single-key shortcuts (on unless they turned them off). */
export function shortcutsWanted(userId) {
  try {
    return localStorage.getItem(storageKey(userId)) !== "off";
  } catch {
    return true; // storage refused (private mode): keep the default
  }
}

function remember(userId, on) {
  try {
    localStorage.setItem(storageKey(userId), on ? "on" : "off");
  } catch {
    // Not kept across pages, but it still applies on this one.
  }
}

/** A visible switch for single-key shortcuts; onChange(on) applies it to the page. */
export function shortcutSwitch(userId, onChange) {
  const input = h("input", { type: "checkbox", id: "single-key-shortcuts", checked: shortcutsWanted(userId) });
  input.addEventListener("change", () => {
    remember(userId, input.checked);
    onChange(input.checked);
  });
  return h("div", { class: "shortcut-switch" }, input, h("label", { for: input.id }, "Single-key shortcuts"));
}

/** The "?" dialog listing the keys, saying whether they are on (and a note on the page). */
export function keymapDialog(keys, note = null) {
  const state = h("p", { class: "small muted" });
  const dialog = h(
    "dialog",
    { "aria-labelledby": "keys-h", class: "keys-dialog" },
    h("h2", { id: "keys-h" }, "Keyboard shortcuts"),
    state,
    h("div", { class: "keymap" }, keys.map(([key, what]) => [h("kbd", {}, key), h("span", {}, what)])),
    note ? h("p", { class: "small muted" }, note) : null,
    h("form", { method: "dialog", class: "form-actions" }, h("button", { class: "btn btn-primary", type: "submit" }, "Close")),
  );
  document.body.append(dialog);
  return {
    show(on) {
      state.textContent = on
        ? "Single-key shortcuts are on. Turn them off in the toolbar if letters act when you do not mean them to."
        : "Single-key shortcuts are off: these keys do nothing until you turn them on in the toolbar; the buttons work as always.";
      dialog.showModal();
    },
  };
}
