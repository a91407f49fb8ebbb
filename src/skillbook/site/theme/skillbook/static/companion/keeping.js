// The store in, the page's controls for everything kept on this phone out: the passcode (asked first
// when set), whether the browser agreed to keep the answers, backups, restoring, deleting everything.
import { askPersist } from "./db.js";
import { el } from "./dom.js";
import { servicesList } from "./form.js";
import { ask, bind, data, download, find, say, t, today, words } from "./page.js";

/** @typedef {import("./store.js").Store} Store */

export function showData() {
  const section = find(".sb-fill-data");
  if (section) section.hidden = false;
}

/** @param {boolean} locked */
export function lockedControls(locked) {
  for (const selector of ['[data-export="backup"]', ".sb-file", "button[data-passcode]"]) {
    const control = find(selector);
    if (control) control.hidden = locked;
  }
}

/** The passcode is asked before anything stored is shown. @param {Store} store @returns {Promise<void>} */
export function unlockFirst(store) {
  const lock = find(".sb-fill-lock");
  if (!lock) return Promise.resolve();
  lock.hidden = false;
  lock.textContent = "";
  const form = el("form", { class: "sb-unlock" });
  const label = el("label", { for: "sb-unlock" }, t("companion.passcode.locked"));
  const input = /** @type {HTMLInputElement} */ (el("input", { id: "sb-unlock", type: "password", autocomplete: "current-password", "data-passcode": "" }));
  const error = el("p", { class: "sb-error", role: "alert" });
  form.append(label, input, el("button", { type: "submit" }, t("companion.passcode.enter")), error,
    el("p", { class: "sb-help" }, t("companion.passcode.forgot")));
  lock.appendChild(form);
  // the plan is locked, the crisis lines are not: they are the handbook's, not the client's
  if (data.form && data.form.type === "safety-plan") lock.appendChild(servicesList(data.crisis, words));
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await store.unlock(input.value)) {
        lock.hidden = true;
        lock.textContent = "";
        resolve();
      } else {
        error.textContent = t("companion.passcode.wrong");
        input.select();
      }
    });
  });
}

export async function showPersist() {
  const where = find(".sb-fill-persist");
  const state = await askPersist().catch(() => "unsupported");
  if (where) where.textContent = state === "persisted" ? t("companion.persist.yes") : t("companion.persist.no");
}

/** Passcode, backup, restore and delete: on every companion page. @param {Store} store */
export function bindData(store) {
  const passcode = find("[data-passcode]");
  const label = () => { if (passcode) passcode.textContent = store.protected ? t("companion.passcode.change") : t("companion.passcode.set"); };
  label();
  bind("[data-passcode]", async () => {
    if (store.protected) {
      const choice = await ask(t("companion.passcode.change"), [], [
        { text: t("companion.passcode.lock"), value: "lock" }, { text: t("companion.passcode.change"), value: "remove" }]);
      if (choice === "lock") { store.lock(); location.reload(); }
      if (choice === "remove") { await store.removePasscode(); say(t("companion.passcode.removed")); label(); }
      return;
    }
    const first = /** @type {HTMLInputElement} */ (el("input", { type: "password", id: "sb-new-passcode", autocomplete: "new-password" }));
    const again = /** @type {HTMLInputElement} */ (el("input", { type: "password", id: "sb-new-passcode-2", autocomplete: "new-password" }));
    const body = [el("p", { class: "sb-warning" }, t("companion.passcode.warning")),
      el("label", { for: "sb-new-passcode" }, t("companion.passcode.label")), first,
      el("label", { for: "sb-new-passcode-2" }, t("companion.passcode.again")), again];
    if (await ask(t("companion.passcode.set"), body, [{ text: t("companion.passcode.set"), value: "set" }]) !== "set") return;
    if (first.value.length < 4) { say(t("companion.passcode.short")); return; }
    if (first.value !== again.value) { say(t("companion.passcode.mismatch")); return; }
    await store.setPasscode(first.value);
    say(t("companion.passcode.done"));
    label();
  });
  bind('[data-export="backup"]', async () => {
    const { makeBackup } = await import("./backup.js");
    const backup = makeBackup(await store.entries(), await store.settings(), { handbook: data.handbook, created: new Date() });
    download(`skillbook-backup-${today()}.json`, "application/json", JSON.stringify(backup, null, 2));
    say(t("companion.backup.unprotected"));
  });
  const file = /** @type {HTMLInputElement|null} */ (find('[data-import="backup"]'));
  if (file) file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    file.value = "";
    if (chosen) await restore(store, chosen);
  });
  bind("[data-delete-all]", async () => {
    const choice = await ask(t("companion.delete.confirm"), [], [{ text: t("companion.delete.yes"), value: "yes", danger: true }]);
    if (choice !== "yes") return;
    await store.deleteEverything();
    sessionStorage.setItem("skillbook-deleted", "1");
    location.reload();
  });
  if (sessionStorage.getItem("skillbook-deleted")) {
    sessionStorage.removeItem("skillbook-deleted");
    say(t("companion.delete.done"));
  }
}

/** A backup file: checked whole, shown, restored only as the client confirms. @param {Store} store @param {File} file */
async function restore(store, file) {
  const { readBackup, planRestore } = await import("./backup.js");
  if (file.size > 5_000_000) { say(t("companion.backup.too_big")); return; }
  const read = readBackup(await file.text(), { handbook: data.handbook });
  if (!read.ok) { say(t(`companion.${read.problem}`)); return; }
  const plan = planRestore(await store.entries(), read.backup.entries);
  const count = read.backup.entries.length;
  const summary = el("p", {}, t("companion.backup.found", { count, added: plan.added.length, same: plan.same.length, conflicts: plan.conflicts.length }));
  const choices = [{ text: t("companion.backup.restore_new"), value: "add" }];
  if (plan.conflicts.length) choices.push({ text: t("companion.backup.replace"), value: "replace" });
  if (!plan.added.length && !plan.conflicts.length) { say(t("companion.backup.nothing")); return; }
  const choice = await ask(t("companion.backup.restore"), [summary], choices);
  if (choice !== "add" && choice !== "replace") return;
  const chosen = [...plan.added, ...(choice === "replace" ? plan.conflicts.map((c) => c.theirs) : [])];
  for (const entry of chosen) await store.save(entry);
  const settings = await store.settings();
  for (const [key, value] of Object.entries(read.backup.settings || {})) {
    if (value !== undefined && (choice === "replace" || settings[key] === undefined)) await store.setSetting(key, value);
  }
  sessionStorage.setItem("skillbook-restored", String(chosen.length));
  location.reload();
}

if (sessionStorage.getItem("skillbook-restored")) {
  const count = sessionStorage.getItem("skillbook-restored") || "0";
  sessionStorage.removeItem("skillbook-restored");
  queueMicrotask(() => say(t("companion.backup.restored", { count })));
}
