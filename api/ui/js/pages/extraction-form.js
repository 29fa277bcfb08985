// The extraction form builder for leads: fields with a label, a type, options and "required";
// a saved change is a new form version (earlier entries keep theirs).
import { api, ApiError } from "../api.js";
import { h, select, button, pageHeader, errorText, nextId } from "../dom.js";
import { FIELD_TYPES } from "../fields.js";

const KEY = /^[a-z][a-z0-9_]{0,62}$/;

function keyFrom(label) {
  const key = label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").replace(/^(\d)/, "f_$1");
  return key.slice(0, 63);
}

function fieldRow(spec, rows, nested, redraw) {
  const label = h("input", { type: "text", value: spec.label || "", "aria-label": "Field label" });
  const key = h("input", { type: "text", value: spec.key || "", class: "mono", "aria-label": "Field key" });
  const types = nested ? FIELD_TYPES.filter(([t]) => t !== "group") : FIELD_TYPES;
  const type = select(types, spec.type || "text", { "aria-label": "Field type" });
  const options = h("input", { type: "text", value: (spec.options || []).join(", "), "aria-label": "Options, separated by commas", placeholder: "Options, separated by commas" });
  const requiredBox = h("input", { type: "checkbox", id: nextId(), checked: Boolean(spec.required) });
  const children = [];
  let keyTouched = Boolean(spec.key);
  label.addEventListener("input", () => {
    if (!keyTouched) key.value = keyFrom(label.value);
  });
  key.addEventListener("input", () => {
    keyTouched = true;
  });
  const optionsWrap = h("div", { class: "builder-options" }, options);
  const childWrap = h("div", { class: "builder-children" });
  const showExtras = () => {
    optionsWrap.hidden = !["choice", "multichoice"].includes(type.value);
    childWrap.hidden = type.value !== "group";
  };
  type.addEventListener("change", showExtras);
  const row = {
    el: null,
    read() {
      const out = { key: key.value.trim(), label: label.value.trim(), type: type.value };
      if (requiredBox.checked) out.required = true;
      if (["choice", "multichoice"].includes(type.value)) out.options = options.value.split(",").map((o) => o.trim()).filter(Boolean);
      if (type.value === "group") out.fields = children.map((c) => c.read());
      if (spec.help) out.help = spec.help;
      return out;
    },
    check() {
      const wrong = [
        [label, !label.value.trim()],
        [key, !KEY.test(key.value.trim())],
      ];
      for (const [control, bad] of wrong) control.setAttribute("aria-invalid", String(bad));
      return wrong.filter(([, bad]) => bad).length + children.reduce((n, c) => n + c.check(), 0);
    },
  };
  const move = (delta) => {
    const i = rows.indexOf(row);
    const j = i + delta;
    if (j < 0 || j >= rows.length) return;
    [rows[i], rows[j]] = [rows[j], rows[i]];
    redraw();
  };
  const addChild = (childSpec = { type: "text" }) => {
    children.push(fieldRow(childSpec, children, true, drawChildren));
    drawChildren();
  };
  function drawChildren() {
    childWrap.replaceChildren(...children.map((c) => c.el), button("Add a field to the group", () => addChild(), { kind: "ghost", class: "btn btn-ghost btn-small" }));
  }
  (spec.fields || []).forEach((child) => children.push(fieldRow(child, children, true, drawChildren)));
  drawChildren();
  row.el = h(
    "div",
    { class: `builder-row${nested ? " nested" : ""}` },
    h("div", { class: "builder-main" }, label, key, type, h("div", { class: "check" }, requiredBox, h("label", { for: requiredBox.id }, "Required"))),
    optionsWrap,
    h(
      "div",
      { class: "builder-tools" },
      button("↑", () => move(-1), { kind: "ghost", class: "btn btn-ghost btn-small", "aria-label": "Move up" }),
      button("↓", () => move(1), { kind: "ghost", class: "btn btn-ghost btn-small", "aria-label": "Move down" }),
      button("Remove", () => {
        rows.splice(rows.indexOf(row), 1);
        redraw();
      }, { kind: "ghost", class: "btn btn-ghost btn-small btn-danger" }),
    ),
    childWrap,
  );
  showExtras();
  return row;
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "Extraction form";
  let current = null;
  try {
    current = await api(`/reviews/${rid}/extraction/form`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const rows = [];
  const list = h("div", { class: "builder-list" });
  const status = h("p", { class: "form-message", role: "status", hidden: true });
  const redraw = () => list.replaceChildren(...rows.map((r) => r.el));
  const add = (spec = { type: "text" }) => {
    rows.push(fieldRow(spec, rows, false, redraw));
    redraw();
    rows.at(-1).el.querySelector("input").focus();
  };
  (current ? current.fields : [{ key: "design", label: "Study design", type: "choice", options: ["RCT", "Cluster RCT", "Cohort"], required: true }, { key: "n_randomised", label: "Participants randomised", type: "integer", required: true }]).forEach((spec) => rows.push(fieldRow(spec, rows, false, redraw)));
  redraw();

  async function save(event) {
    event.preventDefault();
    const problems = rows.reduce((n, r) => n + r.check(), 0);
    if (problems) {
      show("error", `${problems} entr${problems === 1 ? "y needs" : "ies need"} fixing: every field needs a label and a key of lower-case letters, digits and _.`);
      return;
    }
    try {
      const saved = await api(`/reviews/${rid}/extraction/form`, { method: "PUT", json: { fields: rows.map((r) => r.read()) } });
      show("ok", `Saved as version ${saved.version}.`);
    } catch (error) {
      show("error", errorText(error));
    }
  }
  function show(kind, text) {
    status.className = `form-message ${kind}`;
    status.textContent = text;
    status.hidden = false;
  }
  ctx.main.append(
    h(
      "div",
      { class: "container narrow" },
      pageHeader("Extraction form", current ? `Version ${current.version}. Saving a change makes a new version; entries keep the version they were made with.` : "Not saved yet: two example fields to start from.", h("a", { class: "btn", href: `/reviews/${rid}/extraction` }, "Back to extraction")),
      h(
        "form",
        { class: "card", onsubmit: save, "aria-label": "Form fields" },
        h("div", { class: "builder-head", "aria-hidden": "true" }, h("span", {}, "Label"), h("span", {}, "Key"), h("span", {}, "Type"), h("span", {}, "")),
        list,
        h("div", {}, button("Add a field", () => add(), { kind: "secondary" })),
        status,
        h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Save form")),
      ),
    ),
  );
}
