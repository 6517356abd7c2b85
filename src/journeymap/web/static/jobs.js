// journeymap: live progress of background jobs. Elements with data-enhance="job" and
// data-job-url poll GET /api/v1/jobs/{id} until the job is done or failed, updating their
// <progress>, percentage and message; with data-reload="true" the page reloads when the job
// is done, showing the result the server now has. Without script the page says to reload.
"use strict";

(() => {
  const POLL_MS = 700;

  function show(element, job) {
    const bar = element.querySelector("progress");
    if (bar) bar.value = job.progress;
    const percent = element.querySelector(".job-percent");
    if (percent) percent.textContent = String(Math.round(job.progress * 100));
    const message = element.querySelector(".job-message");
    if (message) message.textContent = job.status === "failed" ? job.error || "failed" : job.message;
    const status = element.querySelector(".job-status .badge");
    if (status) status.textContent = job.status;
    element.dataset.jobStatus = job.status;
  }

  function fail(element, text) {
    const line = document.createElement("p");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.textContent = text;
    element.replaceChildren(line);
  }

  window.journeymap.enhance("job", (element) => {
    const hint = element.querySelector(".no-script-hint");
    if (hint) hint.hidden = true;
    const poll = async () => {
      let job;
      try {
        const answer = await window.journeymap.send(element.dataset.jobUrl);
        if (!answer.ok) throw new Error(`the server answered ${answer.status}`);
        job = await answer.json();
      } catch (error) {
        fail(element, `Could not follow the job (${error.message}); reload the page.`);
        return;
      }
      show(element, job);
      if (job.status === "done") {
        if (element.dataset.reload === "true") window.location.reload();
      } else if (job.status === "failed") {
        if (element.dataset.reload === "true") fail(element, `Measuring failed: ${job.error}`);
      } else {
        window.setTimeout(poll, POLL_MS);
      }
    };
    window.setTimeout(poll, POLL_MS);
  });
})();
