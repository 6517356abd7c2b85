// journeymap: progressive enhancement over server-rendered pages. Every page works without
// this file; with it, requests made from script carry the CSRF token, and elements marked
// with data-enhance="NAME" get the behaviour registered under NAME.
"use strict";

const journeymap = (() => {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const enhancers = new Map();
  const enhanced = new WeakMap(); // element -> names already set up (run() may run again)

  /** fetch() with the session's CSRF token and same-origin credentials. */
  function send(url, options = {}) {
    const headers = new Headers(options.headers || {});
    headers.set("X-CSRF-Token", csrf());
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    return fetch(url, { credentials: "same-origin", ...options, headers });
  }

  /** Register a behaviour for elements with data-enhance="name". */
  function enhance(name, setup) {
    enhancers.set(name, setup);
  }

  function run(root = document) {
    root.querySelectorAll("[data-enhance]").forEach((element) => {
      const done = enhanced.get(element) ?? new Set();
      enhanced.set(element, done);
      for (const name of element.dataset.enhance.split(/\s+/)) {
        const setup = enhancers.get(name);
        if (setup && !done.has(name)) {
          done.add(name);
          setup(element);
        }
      }
    });
  }

  // Forms that ask before doing something that cannot be undone in one click.
  enhance("confirm", (form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm || "Are you sure?")) event.preventDefault();
    });
  });

  document.addEventListener("DOMContentLoaded", () => run());
  return { send, enhance, run, csrf };
})();
window.journeymap = journeymap;
