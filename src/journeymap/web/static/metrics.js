// journeymap: the data on the map. Fills every <span data-metrics-for="stage:ID"> and
// "touchpoint:ID" of the journey page from GET /api/v1/journeys/{journey}/metrics: while the
// server measures (202) each shows "measuring, N %"; once done (200) the numbers; where no
// events were imported, nothing but a hint. Text only (textContent), never markup.
"use strict";

(() => {
  const POLL_MS = 1000;
  const percent = (share) => (share === null || share === undefined ? "–" : `${Math.round(share * 100)} %`);
  const count = (value) => Number(value).toLocaleString("en");

  function describe(kind, item) {
    if (!item) return "";
    const parts = [`${count(item.customers)} customers (${percent(item.share)})`];
    if (kind === "stage") {
      if (item.to_next !== null) parts.push(`${percent(item.to_next)} go on`);
      if (item.median_days_to_next !== null) parts.push(`median ${item.median_days_to_next.toFixed(1)} days`);
      if (item.nps !== null) parts.push(`NPS ${Math.round(item.nps)} (${item.nps_responses})`);
    } else {
      if (item.feedback_items) {
        const mood = item.mean_sentiment === null ? "" : `, mean ${item.mean_sentiment.toFixed(2)}`;
        parts.push(`${item.feedback_items} feedback${mood}`);
      }
      if (item.moment) parts.push(`data: ${item.moment.kind.replace("_", " ")}`);
    }
    return parts.join(" · ");
  }

  function fill(spots, metrics) {
    spots.forEach((spot, index) => {
      const [kind, id] = spot.dataset.metricsFor.split(":");
      spot.classList.remove("measuring");
      if (!metrics.measured) {
        spot.textContent = index === 0 ? `No data yet. ${metrics.hint}` : "";
        spot.classList.toggle("no-data", index === 0);
        return;
      }
      const item = (kind === "stage" ? metrics.stages : metrics.touchpoints)[id];
      spot.textContent = describe(kind, item);
      spot.title = item ? "Measured on version " + metrics.version : "";
      if (kind === "touchpoint" && item && item.moment) spot.dataset.moment = item.moment.kind;
    });
  }

  function progress(spots, body) {
    const text = body.status === "failed"
      ? `Measuring failed: ${body.error || body.detail}`
      : `measuring, ${Math.round((body.progress || 0) * 100)} %`;
    spots.forEach((spot) => {
      spot.textContent = text;
      spot.classList.add("measuring");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const spots = Array.from(document.querySelectorAll("[data-metrics-for]"));
    if (!spots.length) return;
    const holder = spots[0].closest("[data-journey]");
    if (!holder) return;
    const url = `/api/v1/journeys/${encodeURIComponent(holder.dataset.journey)}/metrics`;
    const poll = async () => {
      let answer;
      let body;
      try {
        answer = await window.journeymap.send(url);
        body = await answer.json();
      } catch (error) {
        progress(spots, { status: "failed", error: error.message });
        return;
      }
      if (answer.status === 200) fill(spots, body);
      else if (answer.status === 202 || answer.status === 503) {
        if (answer.status === 202) progress(spots, body);
        window.setTimeout(poll, POLL_MS);
      } else progress(spots, { status: "failed", error: body.detail || answer.status });
    };
    poll();
  });
})();
