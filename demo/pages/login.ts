import { html } from './html.ts';
import { type LayoutView, layout } from './layout.ts';

export interface LoginView {
  csrf: string;
  username?: string;
  error?: string;
}

/** A field's label; under the a11y fault the same words in a span, tied to no field. */
function fieldName(base: LayoutView, id: string, text: string) {
  return base.inaccessible ? html`<span>${text}</span>` : html`<label for="${id}">${text}</label>`;
}

export function loginPage(base: LayoutView, view: LoginView): string {
  return layout(
    { ...base, title: 'Sign in' },
    html`<section class="card narrow">
      <h1>Sign in</h1>
      ${view.error && html`<p role="alert" class="alert">${view.error}</p>`}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="_csrf" value="${view.csrf}">
        ${fieldName(base, 'username', 'Username')}
        <input id="username" name="username" autocomplete="username" required value="${view.username ?? ''}">
        ${fieldName(base, 'password', 'Password')}
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>
    </section>`,
  );
}
