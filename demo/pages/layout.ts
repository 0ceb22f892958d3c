import { html, type SafeHtml } from './html.ts';

export interface LayoutView {
  title: string;
  version: string;
  environment: string;
  /** Present when signed in: shows the user and a sign-out form carrying its CSRF token. */
  user?: { username: string; csrf: string };
  /** The slow-lcp fault: a reserved hero slot that a late script fills with the page's largest text. */
  lateHero?: boolean;
  /** The a11y fault: markup that breaks WCAG 2.1 AA (a logo without alt text, unlabelled fields). */
  inaccessible?: boolean;
}

/** The brand link; under the a11y fault a logo image with no alt text, so the link has no name either. */
function brand(view: LayoutView) {
  return view.inaccessible
    ? html`<a class="brand" href="/"><img src="/static/favicon.svg" width="24" height="24"></a>`
    : html`<a class="brand" href="/">Estimates demo</a>`;
}

export function layout(view: LayoutView, body: SafeHtml): string {
  const nav = view.user
    ? html`<nav class="account">
        <span data-testid="current-user">${view.user.username}</span>
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="_csrf" value="${view.user.csrf}">
          <button type="submit" class="link">Sign out</button>
        </form>
      </nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="app-version" content="${view.version}">
  <title>${view.title} · Estimates demo</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/app.css">
  ${view.lateHero && html`<script src="/static/late-hero.js" async></script>`}
</head>
<body>
  <header class="top">${brand(view)}${nav}</header>
  <main>${view.lateHero && html`<div id="late-hero" class="late-hero"></div>`}${body}</main>
  <footer class="foot">version <span data-testid="app-version">${view.version}</span> · ${view.environment}</footer>
</body>
</html>
`.value;
}

export function errorPage(view: LayoutView, status: number, message: string): string {
  return layout(
    view,
    html`<section class="card narrow">
      <h1>${status === 500 ? 'Something went wrong' : `Error ${status}`}</h1>
      <p role="alert" class="alert">${message}</p>
      <p><a href="/">Back to the start</a></p>
    </section>`,
  );
}
