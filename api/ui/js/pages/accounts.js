// Administrators' accounts page: create accounts (with a password, or a link to set one),
// deactivate and reactivate them, and reset a password with a one-time link.
import { api } from "../api.js";
import { h, field, button, table, pageHeader, notify, errorText, setFieldError, nextId } from "../dom.js";
import { linkBox } from "../links.js";

function status(user) {
  if (!user.is_active) return h("span", { class: "badge plain badge-exclude" }, "Deactivated");
  if (!user.has_password) return h("span", { class: "badge plain badge-maybe" }, "Waiting for a password");
  return h("span", { class: "badge plain badge-include" }, "Active");
}

export async function render(ctx) {
  ctx.title = "Accounts";
  const linkSlot = h("div", { id: "account-link" });
  const listSlot = h("section", { class: "card", "aria-labelledby": "accounts-h" });
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Accounts", "Everyone who can sign in. Leads add these people to their reviews by e-mail."),
      linkSlot,
      listSlot,
      createForm(),
    ),
  );
  await draw();

  function showLink(title, text, link) {
    const box = linkBox(title, text, link);
    linkSlot.replaceChildren(box);
    box.focus();
  }

  async function draw() {
    const users = await api("/users");
    listSlot.replaceChildren(
      h("h2", { id: "accounts-h" }, "Accounts"),
      table(
        [
          { label: "Name", render: (u) => h("div", {}, u.name, h("div", { class: "muted small" }, u.email)) },
          { label: "Administrator", render: (u) => (u.is_admin ? "Yes" : "No") },
          { label: "Status", render: status },
          { label: h("span", { class: "sr-only" }, "Actions"), render: actions },
        ],
        users,
        { caption: "All accounts" },
      ),
    );
  }

  function actions(user) {
    if (user.id === ctx.me.id) return h("span", { class: "muted small" }, "You");
    const label = (verb) => ({ "aria-label": `${verb} ${user.name}` });
    return h(
      "div",
      { class: "actions row-actions" },
      user.is_active ? button("Reset password", () => reset(user), { class: "btn btn-secondary btn-small", ...label("Reset the password of") }) : null,
      user.is_active
        ? button("Deactivate", () => setActive(user, false), { class: "btn btn-ghost btn-small", ...label("Deactivate") })
        : button("Reactivate", () => setActive(user, true), { class: "btn btn-secondary btn-small", ...label("Reactivate") }),
    );
  }

  async function setActive(user, active) {
    const question = active
      ? `Reactivate ${user.name}? They can sign in again.`
      : `Deactivate ${user.name}? They are signed out everywhere and cannot sign in until reactivated. Their work stays.`;
    if (!confirm(question)) return;
    try {
      await api(`/users/${user.id}`, { method: "PATCH", json: { is_active: active } });
      notify(`${user.name} ${active ? "can sign in again" : "is deactivated and signed out everywhere"}.`);
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  async function reset(user) {
    if (!confirm(`Reset the password of ${user.name}? Their current password stops working and they are signed out.`)) return;
    try {
      const link = await api(`/users/${user.id}/password-reset`, { method: "POST" });
      showLink(`New password link for ${user.name}.`, "Hand it to them: it lets them choose a new password.", link);
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function createForm() {
    const name = h("input", { type: "text", name: "name", maxlength: "200", autocomplete: "off" });
    const email = h("input", { type: "email", name: "email", autocomplete: "off" });
    const password = h("input", { type: "password", name: "password", autocomplete: "new-password", minlength: "10" });
    const adminBox = h("input", { type: "checkbox", id: nextId(), name: "is_admin" });
    async function submit(event) {
      event.preventDefault();
      const body = { name: name.value.trim(), email: email.value.trim(), is_admin: adminBox.checked };
      if (password.value) body.password = password.value;
      try {
        const user = await api("/users", { method: "POST", json: body });
        setFieldError(email, "");
        event.target.reset();
        if (user.password_link) showLink(`Account made for ${user.name}.`, "Hand them this link to choose their password.", user.password_link);
        else notify(`Account made for ${user.name}.`);
        await draw();
      } catch (error) {
        setFieldError(error.status === 422 && /password/.test(error.detail) ? password : email, errorText(error));
      }
    }
    return h(
      "form",
      { class: "card", onsubmit: submit, "aria-labelledby": "create-h" },
      h("h2", { id: "create-h" }, "New account"),
      h("div", { class: "form-row" }, field("Name", name, { required: true }), field("Email", email, { required: true })),
      field("Password", password, { hint: "At least 10 characters. Leave empty to get a link they use to choose their own." }),
      h("div", { class: "check" }, adminBox, h("label", { for: adminBox.id }, "Administrator (manages accounts)")),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Create account")),
    );
  }
}
