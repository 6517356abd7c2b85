// journeymap: the customer's review. Without this file each answer form posts and the page
// comes back at the same step; with it, the form saves in place through its API twin
// (PUT /api/v1/review/...) and says "saved" next to the button.
"use strict";

// A one-word name: app.js keeps "enhanced<name>" in the dataset, where "-x" is not allowed.
journeymap.enhance("review", (form) => {
  const status = form.querySelector(".review-status");
  const say = (text, failed = false) => {
    status.textContent = text;
    status.classList.toggle("failed", failed);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const feeling = data.get("feeling");
    const body = {
      verdict: data.get("verdict") || null,
      feeling: feeling === null || feeling === "" ? null : Number(feeling),
      comment: String(data.get("comment") || ""),
    };
    say("saving…");
    let response;
    try {
      response = await journeymap.send(form.dataset.api, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      say("not saved: the connection failed, please try again", true);
      return;
    }
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      say(answer.detail || `not saved (error ${response.status})`, true);
      return;
    }
    say("saved");
    if (!form.dataset.answered) {
      form.dataset.answered = "1";
      const count = document.querySelector("[data-answered]:not(form)");
      if (count) count.textContent = String(Number(count.textContent) + 1);
    }
  });
});
