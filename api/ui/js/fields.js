// Extraction form fields in the browser: one control per field type, read back and checked as
// you type with the same rules as screening/extraction/forms.py (the server checks again on save).
import { h, field, nextId, setFieldError, button } from "./dom.js";

export const FIELD_TYPES = [
  ["text", "Text"],
  ["number", "Number"],
  ["integer", "Whole number"],
  ["boolean", "Yes / no"],
  ["choice", "One of a list"],
  ["multichoice", "Several of a list"],
  ["date", "Date"],
  ["group", "Repeated group (arms, outcomes…)"],
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL_COMMA = /^\s*[-+]?\d*,\d+\s*$/;

/** "12,5" as written where a comma is the decimal separator is 12.5; a value with both a comma
 * and a point ("1.234,5") is not guessed at, and stays invalid. */
export function numberText(value) {
  const text = String(value).trim();
  return DECIMAL_COMMA.test(text) ? text.replace(",", ".") : text;
}

/** The problem with a raw value for a field, or "" when it is fine. */
export function problem(spec, value) {
  const blank = value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (blank) return spec.required ? "Required." : "";
  if (spec.type === "number" && !Number.isFinite(Number(numberText(value)))) return "Enter a number, e.g. 12.5 or 12,5.";
  if (spec.type === "integer" && !/^-?\d+$/.test(String(value).trim())) return "Enter a whole number, e.g. 120.";
  if (spec.type === "date" && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) return "Enter a date as YYYY-MM-DD.";
  return "";
}

/** The JSON value the API expects for a raw control value (blank stays null). */
function parsed(spec, value) {
  if (value === null || value === "" || (Array.isArray(value) && !value.length)) return null;
  if (spec.type === "number") return Number(numberText(value));
  if (spec.type === "integer") return Number.parseInt(value, 10);
  return value;
}

function scalarControl(spec, initial, onChange) {
  const id = nextId("x");
  let control;
  let read;
  if (spec.type === "boolean") {
    control = h("select", { id }, h("option", { value: "" }, "—"), h("option", { value: "true" }, "Yes"), h("option", { value: "false" }, "No"));
    control.value = initial === true ? "true" : initial === false ? "false" : "";
    read = () => (control.value === "" ? null : control.value === "true");
  } else if (spec.type === "choice") {
    control = h("select", { id }, h("option", { value: "" }, "—"), spec.options.map((o) => h("option", { value: o }, o)));
    control.value = initial ?? "";
    read = () => control.value;
  } else if (spec.type === "multichoice") {
    const boxes = spec.options.map((o) => {
      const box = h("input", { type: "checkbox", value: o, id: nextId("x"), checked: Array.isArray(initial) && initial.includes(o) });
      return h("div", { class: "check" }, box, h("label", { for: box.id }, o));
    });
    control = h("div", { id, class: "multi", role: "group", tabindex: "-1" }, boxes);
    read = () => [...control.querySelectorAll("input:checked")].map((b) => b.value);
  } else {
    const type = spec.type === "date" ? "date" : "text";
    const inputmode = spec.type === "integer" ? "numeric" : spec.type === "number" ? "decimal" : null;
    control = spec.type === "text" && spec.long ? h("textarea", { id, rows: "3" }) : h("input", { id, type, inputmode });
    control.value = initial ?? "";
    read = () => control.value.trim();
  }
  const check = (mark = true) => {
    const message = problem(spec, read());
    if (mark) setFieldError(control, message);
    return message;
  };
  control.addEventListener("input", () => {
    check();
    onChange();
  });
  control.addEventListener("change", check);
  // A set of checkboxes is named by a legend; every other control by its label.
  const wrapper =
    spec.type === "multichoice"
      ? h("fieldset", { class: "plain field" }, h("legend", {}, spec.label, spec.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null), control, spec.help ? h("p", { class: "hint" }, spec.help) : null, h("p", { class: "field-error", id: `${id}-error`, hidden: true }))
      : field(spec.label, control, { hint: spec.help, required: spec.required });
  return { el: wrapper, check, value: () => parsed(spec, read()), control };
}

function groupControl(spec, initial, onChange) {
  const items = [];
  const list = h("div", { class: "group-items" });
  const fieldset = h("fieldset", { class: "group" }, h("legend", {}, spec.label), spec.help ? h("p", { class: "hint" }, spec.help) : null, list);
  const add = (values = {}) => {
    const controls = spec.fields.map((sub) => [sub.key, scalarControl(sub, values[sub.key], onChange)]);
    const item = { controls };
    const remove = button("Remove", () => {
      items.splice(items.indexOf(item), 1);
      box.remove();
      onChange();
    }, { kind: "ghost", class: "btn btn-ghost btn-small" });
    const box = h("div", { class: "group-item" }, h("div", { class: "form-row" }, controls.map(([, c]) => c.el)), h("div", { class: "form-actions" }, remove));
    items.push(item);
    list.append(box);
  };
  (Array.isArray(initial) ? initial : []).forEach(add);
  fieldset.append(h("div", {}, button(`Add ${spec.label.toLowerCase()}`, () => add(), { kind: "secondary" })));
  const check = (mark = true) => items.flatMap((item) => item.controls.map(([, c]) => c.check(mark))).find(Boolean) || "";
  const value = () => items.map((item) => Object.fromEntries(item.controls.map(([k, c]) => [k, c.value()]).filter(([, v]) => v !== null)));
  return { el: fieldset, check, value, control: fieldset };
}

/** Controls for a whole form: {el, check() -> first problem, values() -> {key: value}}. */
export function formControls(fields, initial = {}, onChange = () => undefined) {
  const controls = fields.map((spec) => [spec.key, spec.type === "group" ? groupControl(spec, initial[spec.key], onChange) : scalarControl(spec, initial[spec.key], onChange)]);
  return {
    el: controls.map(([, c]) => c.el),
    byKey: new Map(controls),
    check: (mark = true) => controls.map(([, c]) => c.check(mark)).filter(Boolean).length,
    values: () => Object.fromEntries(controls.map(([k, c]) => [k, c.value()]).filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length))),
  };
}
