// Sunshine field app (DESIGN §5a): the offline caseload copy, the outbox and its sync.
//
// Loaded on every page. Everywhere it shows the outbox count and erases the caseload copy when nobody is
// signed in, when another account signs in, or when the copy is 72 hours past its last sync. On the field
// page (#field-app) it also registers the service worker, downloads the caseload while online, keeps
// records made with the page's forms in the outbox (IndexedDB, through the vendored `idb`) and sends them
// to the sync endpoint, each under the UUID made here: sent twice, a record is still saved once.
(function () {
  "use strict";

  const DB_NAME = "sunshine-field";
  const CACHE_NAME = "sunshine-field"; // the service worker's cache of the app's page and files
  const MAX_AGE_MS = 72 * 3600 * 1000;
  const BATCH = 200;
  const user = document.body.dataset.user || "";
  const app = document.getElementById("field-app");

  const dbPromise = idb.openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore("caseload", { keyPath: "user" });
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
    },
  });

  async function eraseCaseload() {
    const db = await dbPromise;
    await db.clear("caseload");
    if (window.caches) await caches.delete(CACHE_NAME);
  }

  // The signed-in account's copy, if fresh; any other copy (another account's, an expired one) is erased.
  async function currentCaseload() {
    const db = await dbPromise;
    let mine = null;
    for (const copy of await db.getAll("caseload")) {
      if (copy.user === user && Date.now() - Date.parse(copy.synced_at) < MAX_AGE_MS) mine = copy;
      else await db.delete("caseload", copy.user);
    }
    return mine;
  }

  async function myOutbox() {
    const db = await dbPromise;
    const records = await db.getAllFromIndex("outbox", "user", user);
    return records.sort((a, b) => a.made_at.localeCompare(b.made_at));
  }

  async function showCount() {
    const count = user ? (await myOutbox()).length : 0;
    document.querySelectorAll("[data-outbox-count]").forEach((el) => (el.textContent = count));
  }

  function signOutErases() {
    document.querySelectorAll('form[action*="logout"]').forEach((form) =>
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        eraseCaseload().finally(() => form.submit());
      }),
    );
  }

  async function start() {
    if (!user) {
      await eraseCaseload();
      document.body.dataset.fieldErased = "1";
      return;
    }
    signOutErases();
    await currentCaseload();
    await showCount();
    if (app) fieldApp();
  }

  function fieldApp() {
    const form = document.getElementById("field-form");
    const personSelect = document.getElementById("field-person");
    const kindSelect = document.getElementById("field-kind");
    const statusLine = document.getElementById("field-status");
    const labels = {};
    document.querySelectorAll("#field-labels").forEach((template) =>
      template.content.querySelectorAll("[data-key]").forEach((el) => (labels[el.dataset.key] = el.textContent)),
    );
    let editing = null; // the id of a refused record being fixed
    let sending = false;

    const fieldset = (type) => form.querySelector(`fieldset[data-kind="${type}"]`);
    const today = () => new Date().toISOString().slice(0, 10);
    const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
    const labelOf = (type, field) => {
      const label = field === "person" ? form.querySelector('label[for="field-person"]') : form.querySelector(`label[for="id_${type}-${field}"]`);
      return label ? label.textContent.replace(/\s*\*$/, "") : "";
    };
    const el = (tag, text, cls) => {
      const node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      if (cls) node.className = cls;
      return node;
    };

    function showKind() {
      form.querySelectorAll("fieldset[data-kind]").forEach((fs) => {
        fs.hidden = fs.disabled = fs.dataset.kind !== kindSelect.value;
      });
    }

    function resetForm() {
      form.reset();
      editing = null;
      form.querySelectorAll("fieldset[data-kind]").forEach((fs) => {
        const first = fs.querySelector('input[type="date"]');
        if (first) first.value = today();
      });
      showKind();
    }

    async function render() {
      const copy = await currentCaseload();
      const persons = copy ? copy.persons : [];
      const names = Object.fromEntries(persons.map((p) => [p.id, `${p.name} ${p.masked_id}`]));
      statusLine.textContent = `${navigator.onLine ? labels.online : labels.offline} · ${
        copy ? `${labels.synced} ${copy.synced_at.slice(0, 16).replace("T", " ")}` : labels.none
      }`;

      const chosen = personSelect.value;
      personSelect.replaceChildren(el("option", "—"));
      personSelect.firstChild.value = "";
      for (const person of persons) {
        const option = el("option", names[person.id]);
        option.value = person.id;
        personSelect.append(option);
      }
      personSelect.value = chosen;

      const caseload = document.getElementById("field-caseload");
      caseload.replaceChildren(
        ...persons.map((person) => {
          const item = el("li");
          item.append(el("strong", person.name), ` ${person.masked_id} · ${person.stage}`);
          for (const due of person.due) item.append(el("div", `${due.label} · ${labels.due} ${due.due_on}`, "help"));
          for (const rec of person.recent) item.append(el("div", `${rec.date} ${rec.label} ${rec.text}`, "help"));
          return item;
        }),
      );

      const records = await myOutbox();
      const outbox = document.getElementById("field-outbox");
      outbox.replaceChildren(
        ...records.map((record) => {
          const item = el("li", undefined, record.errors ? "refused" : "waiting");
          item.dataset.id = record.id;
          const kind = kindSelect.querySelector(`option[value="${record.type}"]`);
          const date = Object.values(record.data).find((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)) || "";
          item.append(
            el("strong", names[record.data.person] || `#${record.data.person}`),
            ` · ${kind ? kind.textContent : record.type} · ${date} · `,
            el("span", record.errors ? labels.refused : labels.waiting, record.errors ? "error" : "muted"),
          );
          for (const [field, messages] of Object.entries(record.errors || {})) {
            const name = labelOf(record.type, field);
            for (const message of messages) item.append(el("p", name ? `${name}：${message}` : message, "error"));
          }
          if (record.errors) {
            const fix = el("button", labels.fix, "link");
            fix.type = "button";
            fix.addEventListener("click", () => edit(record));
            item.append(fix);
          }
          const discard = el("button", labels.discard, "link");
          discard.type = "button";
          discard.addEventListener("click", async () => {
            if (!window.confirm(labels.discard + "?")) return;
            await (await dbPromise).delete("outbox", record.id);
            await render();
          });
          item.append(discard);
          return item;
        }),
      );
      await showCount();
    }

    function edit(record) {
      resetForm();
      editing = record.id;
      kindSelect.value = record.type;
      showKind();
      personSelect.value = record.data.person;
      for (const [name, value] of Object.entries(record.data)) {
        const input = form.elements.namedItem(`${record.type}-${name}`);
        if (!input) continue;
        if (input.type === "checkbox") input.checked = !!value;
        else input.value = value === null ? "" : value;
      }
      form.scrollIntoView();
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const type = kindSelect.value;
      const data = { person: Number(personSelect.value) };
      for (const input of fieldset(type).elements) {
        if (!input.name) continue;
        const name = input.name.slice(type.length + 1);
        if (input.type === "checkbox") data[name] = input.checked;
        else if (input.value === "" && input.type === "date") data[name] = null;
        else data[name] = input.value;
      }
      const record = { id: editing || crypto.randomUUID(), user, type, data, made_at: new Date().toISOString(), errors: null };
      resetForm(); // at once: the next record may be begun while this one is written (a reset after would wipe it)
      await (await dbPromise).put("outbox", record);
      await render();
      send();
    });

    // Send what waits (refused records wait for a fix), in batches; each answer settles its record.
    async function send() {
      if (sending || !navigator.onLine) return;
      sending = true;
      try {
        const waiting = (await myOutbox()).filter((record) => !record.errors);
        for (let start = 0; start < waiting.length; start += BATCH) {
          const batch = waiting.slice(start, start + BATCH);
          const response = await fetch(app.dataset.syncUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify({ records: batch.map(({ id, type, data }) => ({ id, type, data })) }),
          });
          if (response.status === 401 || response.status === 403) {
            statusLine.textContent = labels.signin;
            return;
          }
          if (!response.ok) return;
          const db = await dbPromise;
          for (const result of (await response.json()).results) {
            const record = await db.get("outbox", result.id);
            if (!record) continue;
            if (result.status === "refused") await db.put("outbox", { ...record, errors: result.errors });
            else await db.delete("outbox", result.id);
          }
        }
        await refreshCaseload();
      } catch (error) {
        // The signal went: everything stays in the outbox for the next try.
      } finally {
        sending = false;
        await render();
      }
    }

    async function refreshCaseload() {
      if (!navigator.onLine) return;
      try {
        const response = await fetch(app.dataset.caseloadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const copy = await response.json();
        if (copy.user === user) await (await dbPromise).put("caseload", copy);
      } catch (error) {
        // Offline: keep the copy we have (until it expires).
      }
    }

    kindSelect.addEventListener("change", showKind);
    document.getElementById("field-send").addEventListener("click", send);
    window.addEventListener("online", () => send());
    window.addEventListener("offline", () => render());
    resetForm();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.scope }).catch(() => {});
    }
    refreshCaseload()
      .then(render)
      .then(send)
      .finally(() => (app.dataset.ready = "1"));
  }

  start();
})();
