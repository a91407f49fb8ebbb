// Live preview (skillbook serve only): reload the page when a rebuild finished.
(function () {
  let seen = null;
  async function poll() {
    try {
      const response = await fetch("/_skillbook/build-id", { cache: "no-store" });
      const id = await response.text();
      if (seen !== null && id !== seen) { window.location.reload(); return; }
      seen = id;
    } catch (error) { /* the server is restarting; try again */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
