// journeymap: what customers said, on the staff journey page. Fills each
// <span class="validation" data-validation-for="stage:ID"> with a badge (hypothesis,
// confirmed by N, disputed by N, the mean feeling) and a link to the item's page, and puts
// into <div id="journey-extras" data-journey="ID"> the last validation date, the link to
// every answer and, for owners, a form that invites a customer.
"use strict";

(() => {
  const FEELINGS = [[-2, "awful"], [-1, "not good"], [0, "okay"], [1, "good"], [2, "delighted"]];
  const SYMBOLS = { hypothesis: "?", confirmed: "✓", disputed: "✗" };
  const extras = document.getElementById("journey-extras");
  const journeyId =
    extras?.dataset.journey || document.querySelector("[data-journey]")?.dataset.journey;
  if (!journeyId) return;
  const id = encodeURIComponent(journeyId);

  const element = (tag, attributes = {}, ...children) => {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    made.append(...children);
    return made;
  };
  const getJson = async (url) => {
    const response = await journeymap.send(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  };
  const feelingWord = (mean) => {
    let best = FEELINGS[0];
    for (const pair of FEELINGS) if (Math.abs(pair[0] - mean) < Math.abs(best[0] - mean)) best = pair;
    return `feels ${best[1]} (${mean >= 0 ? "+" : ""}${mean.toFixed(1)})`;
  };
  const itemUrl = (kind, itemId) =>
    `/journeys/${id}/items/${kind}/${encodeURIComponent(itemId)}`;

  function fillBadges(summary) {
    const items = new Map(summary.items.map((item) => [`${item.item_kind}:${item.item_id}`, item]));
    document.querySelectorAll("[data-validation-for]").forEach((slot) => {
      const item = items.get(slot.dataset.validationFor);
      if (!item) return;
      const badge = element("span", { class: `badge ${item.state}` }, `${SYMBOLS[item.state]} ${item.label}`);
      const parts = [badge];
      if (item.mean_feeling !== null) {
        parts.push(" ", element("span", { class: "hint" }, feelingWord(item.mean_feeling)));
      }
      parts.push(" ", element("a", { class: "item-link", href: itemUrl(item.item_kind, item.item_id) }, "discuss"));
      slot.replaceChildren(...parts);
    });
  }

  function inviteForm() {
    const input = element("input", { name: "name", required: "", maxlength: "200", "aria-label": "Customer's name" });
    const button = element("button", { type: "submit" }, "Invite a customer");
    const result = element("div", { class: "invite-result", role: "status" });
    const form = element(
      "form",
      { class: "row invite-form", method: "post", action: `/journeys/${id}/invitations` },
      element("label", {}, "Customer's name ", input),
      button,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      result.replaceChildren("inviting…");
      const response = await journeymap.send(`/api/v1/journeys/${id}/invitations`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: input.value }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        result.replaceChildren(element("p", { class: "error" }, answer.detail || `error ${response.status}`));
        return;
      }
      result.replaceChildren(
        element("p", {}, `Send this link to ${answer.name}; it works once:`),
        element("code", { class: "secret", "data-testid": "invitation-link" }, answer.link),
      );
      input.value = "";
    });
    return element("section", { class: "invite" }, element("h2", {}, "Customers at the table"), form, result);
  }

  function fillExtras(summary, me) {
    if (!extras) return;
    const when = summary.last_validated_at
      ? `Last validated with customers on ${summary.last_validated_at.slice(0, 10)}.`
      : "Not yet validated with customers: the map is a hypothesis.";
    const parts = [
      element("p", { class: "last-validated" }, when, " ",
        element("a", { href: `/journeys/${id}/validations` }, "What customers said")),
    ];
    if (me?.role === "owner") parts.push(inviteForm());
    const links = element("ul", { class: "plain item-links" });
    for (const item of summary.items) {
      links.append(element("li", { class: `item-link-${item.item_kind}` },
        element("a", { href: itemUrl(item.item_kind, item.item_id) }, item.name)));
    }
    parts.push(element("details", { class: "items" }, element("summary", {}, "Comments and evidence, item by item"), links));
    extras.append(...parts);
  }

  Promise.all([getJson(`/api/v1/journeys/${id}/validations`), getJson("/api/v1/me").catch(() => null)])
    .then(([summary, me]) => {
      fillBadges(summary);
      fillExtras(summary, me);
    })
    .catch(() => {
      extras?.append(element("p", { class: "hint" }, "What customers said could not be loaded."));
    });
})();
