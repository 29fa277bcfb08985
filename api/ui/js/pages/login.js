// Sign in: e-mail and password for a session cookie that every tab shares until sign-out or
// expiry (the token itself stays out of the page's reach).
import { login, session } from "../api.js";
import { h, field, errorText } from "../dom.js";

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  // Only paths on this site: never bounce a fresh sign-in to another origin.
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export async function render(ctx) {
  ctx.title = "Sign in";
  if (session.signedIn) {
    location.replace(nextPage());
    return;
  }
  const email = h("input", { type: "email", name: "email", autocomplete: "username", autofocus: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password" });
  const message = h("p", { class: "form-message error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Sign in");

  async function onSubmit(event) {
    event.preventDefault();
    message.hidden = true;
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      await login(email.value.trim(), password.value);
      location.assign(nextPage());
    } catch (error) {
      message.textContent = error.status === 401 ? "That e-mail and password do not match an account." : errorText(error);
      message.hidden = false;
      submit.disabled = false;
      submit.textContent = "Sign in";
      password.select();
    }
  }

  ctx.main.append(
    h(
      "div",
      { class: "login-wrap" },
      h(
        "form",
        { class: "card login-card", onsubmit: onSubmit, novalidate: false },
        h("div", { class: "login-brand" }, h("span", { class: "brand-mark large", "aria-hidden": "true" }), h("h1", {}, "Winnow")),
        h("p", { class: "muted center" }, "Sign in to screen, extract and report your reviews."),
        message,
        field("Email", email, { required: true }),
        field("Password", password, { required: true }),
        submit,
      ),
    ),
  );
}
