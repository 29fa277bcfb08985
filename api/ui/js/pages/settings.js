// Lead's settings: title, stages (mode, blinding, maybe), keywords, exclusion reasons, members.
import { api, routeMissing } from "../api.js";
import { can } from "../roles.js";
import { h, field, button, select, table, pageHeader, notify, errorText, setFieldError, nextId } from "../dom.js";
import { STAGE_LABELS } from "../progress.js";
import { linkBox } from "../links.js";

const MODES = [
  ["dual", "Dual: two reviewers per record"],
  ["single", "Single: one reviewer per record"],
  ["rapid", "Rapid: dual calibration, then single"],
];
const MAYBE = [
  ["include", "Counts as include"],
  ["neutral", "Never a conflict"],
  ["conflict", "Always a conflict"],
];
const EXTRACTION_MODES = [
  ["dual", "Dual: two extractors, a lead settles differences"],
  ["single_with_verification", "Single, checked by a second person"],
];
const ROLES = [
  ["lead", "Lead"],
  ["reviewer", "Reviewer"],
  ["librarian", "Librarian"],
  ["viewer", "Viewer"],
];

function checkbox(label, checked, name) {
  const input = h("input", { type: "checkbox", id: nextId(), name, checked });
  return { input, el: h("div", { class: "check" }, input, h("label", { for: input.id }, label)) };
}

function stageFieldset(stage, settings) {
  const mode = select(MODES, settings.mode, { name: `${stage}-mode` });
  const maybe = select(MAYBE, settings.maybe_semantics, { name: `${stage}-maybe` });
  const blinding = checkbox("Blind reviewers to each other’s votes", settings.blinding, `${stage}-blinding`);
  const mismatch = checkbox("Different exclusion reasons are a conflict", settings.reason_mismatch_is_conflict, `${stage}-mismatch`);
  const el = h(
    "fieldset",
    {},
    h("legend", {}, STAGE_LABELS[stage]),
    field("Screening mode", mode),
    field("A “maybe” vote", maybe),
    blinding.el,
    mismatch.el,
  );
  const read = () => ({ mode: mode.value, maybe_semantics: maybe.value, blinding: blinding.input.checked, reason_mismatch_is_conflict: mismatch.input.checked });
  return { el, read };
}

function lines(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean);
}

function settingsForm(ctx, manage) {
  const review = ctx.review;
  const title = h("input", { type: "text", name: "title", value: review.title, maxlength: "500" });
  const description = h("textarea", { name: "description", rows: "3" });
  description.value = review.description;
  const stages = ["title_abstract", "full_text"].map((stage) => [stage, stageFieldset(stage, review.settings[stage])]);
  const include = h("textarea", { name: "include-keywords", rows: "5" });
  include.value = review.settings.keywords.include.join("\n");
  const exclude = h("textarea", { name: "exclude-keywords", rows: "5" });
  exclude.value = review.settings.keywords.exclude.join("\n");
  const extractionMode = select(EXTRACTION_MODES, review.settings.extraction?.mode || "dual", { name: "extraction-mode" });
  const message = h("p", { class: "form-message", role: "status", hidden: true });

  async function submit(event) {
    event.preventDefault();
    const settings = Object.fromEntries(stages.map(([stage, fs]) => [stage, fs.read()]));
    settings.keywords = { include: lines(include.value), exclude: lines(exclude.value) };
    settings.extraction = { mode: extractionMode.value };
    try {
      const saved = await api(`/reviews/${review.id}`, { method: "PATCH", json: { title: title.value.trim(), description: description.value, settings } });
      Object.assign(review, saved);
      setFieldError(title, "");
      message.className = "form-message ok";
      message.textContent = "Settings saved.";
      message.hidden = false;
    } catch (error) {
      message.className = "form-message error";
      message.textContent = errorText(error);
      message.hidden = false;
    }
  }

  // Those who may not change the settings read them: the same form, disabled, without Save.
  const body = h(
    "fieldset",
    { class: "plain", disabled: !manage },
    h("legend", { class: "sr-only" }, manage ? "Review settings" : "Review settings (read only)"),
    field("Title", title, { required: true }),
    field("Description", description),
    stages.map(([, fs]) => fs.el),
    h(
      "fieldset",
      {},
      h("legend", {}, "Keywords to highlight"),
      h(
        "div",
        { class: "form-row" },
        field("Include terms", include, { hint: "One per line; shown in green while screening." }),
        field("Exclude terms", exclude, { hint: "One per line; shown in red while screening." }),
      ),
    ),
    h("fieldset", {}, h("legend", {}, "Data extraction"), field("Extraction mode", extractionMode)),
  );
  return h(
    "form",
    { class: "card", onsubmit: submit, "aria-labelledby": "settings-h" },
    h("h2", { id: "settings-h" }, "Review"),
    manage ? null : h("p", { class: "form-message" }, "Only a lead of this review can change its settings."),
    body,
    message,
    manage ? h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Save settings")) : null,
  );
}

async function membersCard(ctx, manage) {
  const rid = ctx.review.id;
  const card = h("section", { class: "card", "aria-labelledby": "members-h" });
  async function draw() {
    const members = await api(`/reviews/${rid}/members`);
    const email = h("input", { type: "email", name: "email", autocomplete: "off" });
    const name = h("input", { type: "text", name: "name", autocomplete: "off", maxlength: "200" });
    const role = select(ROLES, "reviewer", { name: "role", class: "role-select" });
    async function add(event) {
      event.preventDefault();
      try {
        const body = { email: email.value.trim(), role: role.value };
        if (name.value.trim()) body.name = name.value.trim();
        const member = await api(`/reviews/${rid}/members`, { method: "POST", json: body });
        notify(`${member.name || member.email} added as ${member.role}.`);
        await draw();
        if (member.invitation) {
          const box = linkBox(`${member.email} has no account yet: an invitation was made.`, `Hand ${member.name} this link to choose a password; they join as ${member.role}.`, member.invitation);
          card.append(box);
          box.focus();
        }
      } catch (error) {
        setFieldError(email, errorText(error));
        email.focus();
      }
    }
    const roleColumn = (m) => {
      if (!manage) return ROLES.find(([value]) => value === m.role)?.[1] || m.role;
      const control = select(ROLES, m.role, { "aria-label": `Role of ${m.name}`, class: "role-select" });
      control.addEventListener("change", () => change(m, control.value));
      return control;
    };
    card.replaceChildren(
      h("h2", { id: "members-h" }, "Members"),
      table(
        [
          { label: "Name", render: (m) => h("div", {}, m.name, h("div", { class: "muted small" }, m.email)) },
          { label: "Role", render: roleColumn },
          manage ? { label: h("span", { class: "sr-only" }, "Actions"), render: (m) => button("Remove", () => remove(m), { kind: "ghost", class: "btn btn-ghost btn-small", "aria-label": `Remove ${m.name}` }) } : null,
        ].filter(Boolean),
        members,
      ),
      !manage ? "" : h(
        "form",
        { class: "inline-form", onsubmit: add, "aria-label": "Add a member" },
        h("h3", {}, "Add a member"),
        h("div", { class: "form-row" }, field("Email", email, { required: true, hint: "The address your colleague signs in with. Without an account yet, they get an invitation link." }), field("Role", role)),
        field("Name (for an invitation)", name, { hint: "Used only when the address has no account yet." }),
        h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Add member")),
      ),
    );
  }
  async function change(member, role) {
    try {
      await api(`/reviews/${rid}/members/${member.user_id}`, { method: "PUT", json: { role } });
      notify(`${member.name} is now ${role}.`);
    } catch (error) {
      notify(errorText(error), "error");
      await draw();
    }
  }
  async function remove(member) {
    if (!confirm(`Remove ${member.name} from this review? Their votes stay in the log.`)) return;
    try {
      await api(`/reviews/${rid}/members/${member.user_id}`, { method: "DELETE" });
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }
  await draw();
  return card;
}

async function reasonsCard(rid, manage) {
  let reasons;
  try {
    reasons = await api(`/reviews/${rid}/exclusion-reasons`);
  } catch (error) {
    if (routeMissing(error)) return null;
    throw error;
  }
  const card = h("section", { class: "card", "aria-labelledby": "reasons-h" });
  const draw = (items) => {
    const label = h("input", { type: "text", name: "reason", maxlength: "200" });
    const stage = select(Object.entries(STAGE_LABELS), "full_text", { name: "stage" });
    async function add(event) {
      event.preventDefault();
      try {
        await api(`/reviews/${rid}/exclusion-reasons`, { method: "POST", json: { stage: stage.value, label: label.value.trim() } });
        draw(await api(`/reviews/${rid}/exclusion-reasons`));
      } catch (error) {
        setFieldError(label, errorText(error));
      }
    }
    card.replaceChildren(
      h("h2", { id: "reasons-h" }, "Exclusion reasons"),
      table(
        [
          { label: "Reason", key: "label" },
          { label: "Stage", render: (r) => STAGE_LABELS[r.stage] || r.stage },
        ],
        items,
        { empty: "No reasons yet." },
      ),
      !manage ? "" : h(
        "form",
        { class: "inline-form", onsubmit: add, "aria-label": "Add an exclusion reason" },
        h("div", { class: "form-row" }, field("New reason", label, { required: true }), field("Stage", stage)),
        h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn" }, "Add reason")),
      ),
    );
  };
  draw(Array.isArray(reasons) ? reasons : reasons.items);
  return card;
}

export async function render(ctx) {
  ctx.title = "Settings";
  const manage = can(ctx.review.role, "manage_review");
  const [members, reasons] = await Promise.all([membersCard(ctx, manage), reasonsCard(ctx.review.id, manage)]);
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Settings", manage ? "How the review is screened, and who works on it." : "How the review is screened, and who works on it (read only for your role)."),
      h("div", { class: "grid settings-grid" }, settingsForm(ctx, manage), h("div", {}, members, reasons)),
    ),
  );
}
