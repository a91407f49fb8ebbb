// The coaching call card's entry and the coach's details in, the message to the coach and what to do
// outside their hours out; the details are kept on this phone, in a shape every page can read back.
import { isCoach } from "./check.js";
import { el } from "./dom.js";
import { servicesList } from "./form.js";
import { bind, copy, data, find, say, t, words } from "./page.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Coach} Coach */
/** @typedef {import("./store.js").Store} Store */

/** Draw the coach panel; returns what to call after each change of the entry.
 * @param {Store} store @param {Form} form @param {() => Entry} exported @param {Coach|undefined} kept */
export function coachPanel(store, form, exported, kept) {
  const box = find(".sb-fill-coach");
  if (!box) return () => undefined;
  let coach = kept;
  const update = () => {
    box.hidden = false;
    import("./summary.js").then(({ coachingMessage, smsHref }) => {
      const message = coachingMessage(form, exported(), words);
      const shown = find(".sb-fill-message");
      if (shown) shown.textContent = message;
      const sms = /** @type {HTMLAnchorElement|null} */ (find('[data-send="sms"]'));
      if (sms) sms.href = smsHref(coach ? coach.number : "", message);
    });
    const when = find(".sb-fill-coach-when");
    if (!when) return;
    when.textContent = "";
    if (!coach || !coach.number) when.appendChild(el("p", {}, t("companion.coach.no_coach")));
    else if (coach.hours && !withinHours(coach.hours, new Date())) {
      when.appendChild(el("p", { class: "sb-outside" }, t("companion.coach.outside", { hours: hoursText(coach.hours) })));
      if (coach.fallback) when.appendChild(el("p", { class: "sb-plan-answer" }, coach.fallback));
      when.appendChild(servicesList(data.crisis, words));
    }
  };
  bind('[data-send="share"]', async () => {
    const { coachingMessage } = await import("./summary.js");
    const text = coachingMessage(form, exported(), words);
    if (navigator.share) await navigator.share({ text }).catch(() => undefined);
    else await copy(text);
  });
  drawCoachForm(store, coach, (saved) => { coach = saved; update(); });
  update();
  return update;
}

/** @param {import("./types.js").Hours} hours @param {Date} at */
function withinHours(hours, at) {
  const day = ((at.getDay() + 6) % 7) + 1;
  const minutes = at.getHours() * 60 + at.getMinutes();
  const [fh, fm] = hours.from.split(":").map(Number);
  const [th, tm] = hours.to.split(":").map(Number);
  return hours.days.includes(day) && minutes >= fh * 60 + fm && minutes < th * 60 + tm;
}

/** @param {import("./types.js").Hours} hours */
function hoursText(hours) {
  const days = (words["companion.days"] || "Mon,Tue,Wed,Thu,Fri,Sat,Sun").split(",");
  return `${hours.days.map((d) => days[d - 1]).join(", ")} ${hours.from}–${hours.to}`;
}

/** The coach's details, kept on this phone. @param {Store} store @param {Coach|undefined} coach
 * @param {(coach: Coach) => void} saved */
function drawCoachForm(store, coach, saved) {
  const where = find(".sb-fill-coach-form");
  if (!where) return;
  const form = el("form", { class: "sb-coach-form" });
  /** @param {string} id @param {string} label @param {string} type @param {string} value */
  const input = (id, label, type, value) => {
    const box = el("div", { class: "sb-field" });
    const field = /** @type {HTMLInputElement} */ (el("input", { id, type, maxlength: "200" }));
    field.value = value;
    box.append(el("label", { for: id }, label), field);
    form.appendChild(box);
    return field;
  };
  const name = input("sb-coach-name", t("companion.coach.name"), "text", coach ? coach.name : "");
  const number = input("sb-coach-number", t("companion.coach.number"), "tel", coach ? coach.number : "");
  const from = input("sb-coach-from", t("companion.coach.from"), "time", coach && coach.hours ? coach.hours.from : "");
  const to = input("sb-coach-to", t("companion.coach.to"), "time", coach && coach.hours ? coach.hours.to : "");
  const days = el("fieldset", { class: "sb-field sb-options" });
  days.appendChild(el("legend", {}, t("companion.coach.days")));
  const dayNames = (words["companion.days"] || "Mon,Tue,Wed,Thu,Fri,Sat,Sun").split(",");
  /** @type {HTMLInputElement[]} */
  const boxes = [];
  dayNames.forEach((label, n) => {
    const option = el("label", { class: "sb-option" });
    const tick = /** @type {HTMLInputElement} */ (el("input", { type: "checkbox", value: String(n + 1) }));
    tick.checked = coach && coach.hours ? coach.hours.days.includes(n + 1) : n < 5;
    boxes.push(tick);
    option.append(tick, el("span", {}, label));
    days.appendChild(option);
  });
  form.appendChild(days);
  const fallback = input("sb-coach-fallback", t("companion.coach.fallback"), "text", coach && coach.fallback ? coach.fallback : "");
  form.appendChild(el("button", { type: "submit" }, t("companion.coach.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    /** @type {Coach} */
    const details = { name: name.value.trim(), number: number.value.trim() };
    if (from.value && to.value) details.hours = { days: boxes.filter((b) => b.checked).map((b) => Number(b.value)), from: from.value, to: to.value };
    if (fallback.value.trim()) details.fallback = fallback.value.trim();
    if (!isCoach(details)) {  // kept only in a shape every page can read back
      say(t("companion.coach.invalid"));
      return;
    }
    await store.setSetting("coach", details);
    say(t("companion.saved"));
    saved(details);
  });
  where.appendChild(form);
}
