// Polls each job's JSON while it runs and shows its progress; reloads the page once
// it has finished, so that the server renders the outcome.
"use strict";
document.querySelectorAll("[data-job-url]").forEach((box) => {
  if (box.dataset.jobStatus === "done" || box.dataset.jobStatus === "failed") return;
  const labels = JSON.parse(document.getElementById(box.dataset.jobLabels).textContent);
  const field = (name) => box.querySelector(`[data-job-field="${name}"]`);
  const bar = box.querySelector("progress");
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) return window.location.reload();
        field("status").textContent = labels.status[job.status] || job.status;
        field("stage").textContent = labels.stage[job.stage] || job.stage;
        field("count").textContent = job.total ? `${job.done} / ${job.total}` : "";
        if (bar && job.percent !== null) bar.value = job.percent;
      }
    } catch (error) {
      // A dropped connection is retried on the next tick.
    }
    window.setTimeout(tick, 1000);
  };
  window.setTimeout(tick, 500);
});
