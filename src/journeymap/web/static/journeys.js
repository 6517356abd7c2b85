// journeymap map page: drag and drop on top of the forms that work without it.
// Touchpoint cards move within and between stage columns, stages move along the spine.
// Each drop sends ONE API call (move) based on the version the page shows, then reloads
// the page, so what you see is always what was saved. When someone else saved meanwhile
// the API answers 409: the page reloads with their map and says so.
"use strict";

(() => {
  const NOTICE_KEY = "journeymap-journeys-notice";
  const TOUCHPOINT = "application/x-journeymap-touchpoint";
  const STAGE = "application/x-journeymap-stage";

  function showNotice() {
    const text = window.sessionStorage.getItem(NOTICE_KEY);
    const notice = document.getElementById("journey-notice");
    if (!text || !notice) return;
    window.sessionStorage.removeItem(NOTICE_KEY);
    notice.textContent = text;
    notice.hidden = false;
  }

  /** Index at which to insert among `items` (the dragged one left out) for a pointer at `at`. */
  function insertionIndex(items, at, horizontal) {
    let index = 0;
    for (const item of items) {
      const box = item.getBoundingClientRect();
      const middle = horizontal ? box.left + box.width / 2 : box.top + box.height / 2;
      if ((horizontal ? at.x : at.y) > middle) index += 1;
    }
    return index;
  }

  async function move(map, url, body) {
    map.classList.add("saving");
    let message = "";
    try {
      const answer = await window.journeymap.send(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ base_version: Number(map.dataset.version), ...body }),
      });
      if (answer.status === 409) {
        message = "Someone else changed this map meanwhile; here is their version. Nothing of yours was saved: drag again.";
      } else if (!answer.ok) {
        const problem = await answer.json().catch(() => ({}));
        message = `The move was not saved: ${problem.detail || answer.statusText}`;
      }
    } catch (error) {
      message = `The move was not saved: ${error}`;
    }
    if (message) window.sessionStorage.setItem(NOTICE_KEY, message);
    window.location.reload();
  }

  window.journeymap.enhance("journeys", (map) => {
    showNotice();
    if (!map.dataset.editable) return;
    const journey = map.dataset.journey;
    const api = `/api/v1/journeys/${encodeURIComponent(journey)}`;
    let dragged = null; // {kind, id, element}

    const clearTargets = () =>
      map.querySelectorAll(".drop-target").forEach((element) => element.classList.remove("drop-target"));

    map.querySelectorAll(".touchpoint-head[draggable]").forEach((handle) => {
      const card = handle.closest(".touchpoint");
      handle.addEventListener("dragstart", (event) => {
        event.stopPropagation();
        dragged = { kind: "touchpoint", id: card.dataset.touchpoint, element: card };
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData(TOUCHPOINT, card.dataset.touchpoint);
        event.dataTransfer.setData("text/plain", card.dataset.touchpoint);
        card.classList.add("dragging");
      });
      handle.addEventListener("dragend", () => {
        card.classList.remove("dragging");
        clearTargets();
      });
    });

    map.querySelectorAll(".stage-head[draggable]").forEach((handle) => {
      const stage = handle.closest(".stage");
      handle.addEventListener("dragstart", (event) => {
        dragged = { kind: "stage", id: stage.dataset.stage, element: stage };
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData(STAGE, stage.dataset.stage);
        event.dataTransfer.setData("text/plain", stage.dataset.stage);
        stage.classList.add("dragging");
      });
      handle.addEventListener("dragend", () => {
        stage.classList.remove("dragging");
        clearTargets();
      });
    });

    // Touchpoints drop anywhere on a stage column (into its list of cards).
    map.querySelectorAll(".stage").forEach((column) => {
      const list = column.querySelector(".touchpoints");
      column.addEventListener("dragover", (event) => {
        if (!dragged || dragged.kind !== "touchpoint") return;
        event.preventDefault();
        event.stopPropagation();
        event.dataTransfer.dropEffect = "move";
        clearTargets();
        list.classList.add("drop-target");
      });
      column.addEventListener("drop", (event) => {
        if (!dragged || dragged.kind !== "touchpoint") return;
        event.preventDefault();
        event.stopPropagation();
        const others = [...list.querySelectorAll(":scope > .touchpoint")].filter(
          (card) => card !== dragged.element,
        );
        const position = insertionIndex(others, { x: event.clientX, y: event.clientY }, false);
        const id = dragged.id;
        dragged = null;
        move(map, `${api}/touchpoints/${encodeURIComponent(id)}/move`, {
          to_stage: column.dataset.stage,
          to_position: position,
        });
      });
    });

    // Stages drop on the map, between the columns.
    map.addEventListener("dragover", (event) => {
      if (!dragged || dragged.kind !== "stage") return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      clearTargets();
      map.classList.add("drop-target");
    });
    map.addEventListener("drop", (event) => {
      if (!dragged || dragged.kind !== "stage") return;
      event.preventDefault();
      const others = [...map.querySelectorAll(":scope > .stage")].filter(
        (stage) => stage !== dragged.element,
      );
      const position = insertionIndex(others, { x: event.clientX, y: event.clientY }, true);
      const id = dragged.id;
      dragged = null;
      move(map, `${api}/stages/${encodeURIComponent(id)}/move`, { to_position: position });
    });
  });
})();
