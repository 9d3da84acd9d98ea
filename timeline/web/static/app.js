/* The timeline page: filters kept in the URL, a monthly density bar, the
 * events grouped by year and month, loaded a page at a time through the API's
 * cursor, and an event's detail in a dialog.
 *
 * Every text that comes from the API (titles, names, quotes, outlets) is put
 * into the page with textContent or as an attribute value, never parsed as HTML.
 */
(function () {
  "use strict";

  const API = "/api/v1";
  /** Page parameters that are also /events filters, passed through as they are. */
  const FILTER_KEYS = ["q", "actor", "topic", "type", "status", "from", "to"];
  const { formatSpan, formatDay, precisionLabel, parts } = window.TimelineDates;

  const STATUS_NAMES = { occurred: "已发生", ongoing: "进行中", planned: "计划中", cancelled: "已取消", postponed: "已推迟" };
  const ROLE_NAMES = { agent: "发起方", counterpart: "对方", mediator: "调停方", subject: "涉及" };
  const KIND_NAMES = { person: "人物", country: "国家", organization: "组织", group: "团体" };
  const SOURCE_NAMES = {
    explicit: "文中写明的日期",
    "dateline-relative": "按电头日期推算",
    anaphora: "按上下文推算（如“当天”“次日”）",
    "inferred-from-dateline": "文中未写日期，取电头日期",
    manual: "人工核定",
  };
  const PARAMETER_NAMES = { q: "关键词", actor: "人物", topic: "专题", type: "类型", status: "状态", from: "起始日期", to: "截止日期" };

  const $ = (id) => document.getElementById(id);
  const el = {
    form: $("filters"), q: $("f-q"), actorInput: $("f-actor"), actorOptions: $("actor-options"),
    actorChips: $("actor-chips"), topic: $("f-topic"), type: $("f-type"), status: $("f-status"),
    from: $("f-from"), to: $("f-to"), sort: $("f-sort"), clear: $("clear"), toggleFilters: $("toggle-filters"),
    histogram: $("histogram"), summary: $("summary"), timeline: $("timeline"), more: $("more"),
    loadMore: $("load-more"), dialog: $("detail"), detailBody: $("detail-body"), detailClose: $("detail-close"),
    template: $("event-template"),
  };

  /** Names the API told us: type slug → label, actor slug → name. */
  const typeNames = new Map();
  const actorNames = new Map();

  /* ---------------------------------------------------------------- helpers */

  /** An element with a class and a text, built without any HTML parsing. */
  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  class ApiError extends Error {}

  /** The problem+json body of a failed request, as one readable sentence. */
  function problemMessage(problem, status) {
    const errors = Array.isArray(problem && problem.errors) ? problem.errors : [];
    const details = errors.map((e) => (e.parameter ? `${PARAMETER_NAMES[e.parameter] || e.parameter}：` : "") + (e.detail || ""));
    if (details.length) return details.join("；");
    return (problem && (problem.detail || problem.title)) || `请求失败（HTTP ${status}）`;
  }

  async function getJSON(url, signal) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(problemMessage(body, response.status));
    return body;
  }

  /** Every item of a keyset-paged list endpoint. */
  async function getAll(url) {
    const items = [];
    let cursor = null;
    do {
      const page = await getJSON(cursor ? `${url}${url.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}` : url);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return items;
  }

  /** Only http(s) links are ever followed: a `javascript:` URL in an article stays text. */
  function safeUrl(raw) {
    try {
      const url = new URL(raw, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_e) {
      return null;
    }
  }

  /** A type slug usable as a class name (the taxonomy's slugs are; anything else is "other"). */
  function typeClass(slug) {
    return /^[a-z_]+$/.test(slug || "") ? `type-${slug}` : "type-other";
  }

  /* -------------------------------------------------------------- URL state */

  /** The view the URL describes: its filters, sort order and open event. */
  function readState() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const key of FILTER_KEYS) filters[key] = key === "actor" ? params.getAll(key) : params.get(key) || "";
    return { filters, sort: params.get("sort") === "-date" ? "-date" : "date", event: params.get("event") || "" };
  }

  function filterParams(filters, { dates = true } = {}) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      if (!dates && (key === "from" || key === "to")) continue;
      const value = filters[key];
      if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
      else if (value) params.set(key, value);
    }
    return params;
  }

  function stateQuery(state) {
    const params = filterParams(state.filters);
    if (state.sort !== "date") params.set("sort", state.sort);
    if (state.event) params.set("event", state.event);
    const query = params.toString();
    return query ? `?${query}` : location.pathname;
  }

  function sameList(a, b) {
    return a && b && filterParams(a.filters).toString() === filterParams(b.filters).toString() && a.sort === b.sort;
  }

  let shown = null; // the state on screen

  /** Go to `state`: a new history entry (or a replaced one, or none when the
   * URL would not change, so one action never takes two presses of Back), then show it. */
  function navigate(state, { replace = false, openedHere = false } = {}) {
    const query = stateQuery(state);
    if (replace) history.replaceState({ openedHere }, "", query);
    else if (query !== stateQuery(readState())) history.pushState({ openedHere }, "", query);
    show(state);
  }

  function withFilters(change) {
    const state = readState();
    return { filters: { ...state.filters, ...change }, sort: state.sort, event: "" };
  }

  /** Bring the page in line with `state`, reloading only what changed. */
  function show(state) {
    const listChanged = !sameList(shown, state);
    const histogramChanged = !shown || filterParams(shown.filters, { dates: false }).toString()
      !== filterParams(state.filters, { dates: false }).toString();
    const previous = shown;
    shown = state;
    syncControls(state);
    if (listChanged) loadList(state);
    if (histogramChanged) loadHistogram(state.filters);
    else if (listChanged) markRange(state.filters);
    if (state.event && (!previous || previous.event !== state.event || !el.dialog.open)) openDetail(state.event);
    if (!state.event && el.dialog.open) el.dialog.close();
    document.title = titleFor(state);
  }

  function titleFor(state) {
    const bits = [];
    if (state.filters.actor.length) bits.push(state.filters.actor.map((s) => actorNames.get(s) || s).join("、"));
    if (state.filters.q) bits.push(`“${state.filters.q}”`);
    if (state.filters.from || state.filters.to) bits.push(`${state.filters.from || "…"}–${state.filters.to || "…"}`);
    return (bits.length ? `${bits.join(" · ")} - ` : "") + "新闻事件时间线";
  }

  /* ---------------------------------------------------------------- filters */

  function ensureOption(select, value) {
    if (value && ![...select.options].some((o) => o.value === value)) select.append(new Option(value, value));
  }

  function syncControls(state) {
    const f = state.filters;
    el.q.value = f.q;
    el.from.value = f.from;
    el.to.value = f.to;
    for (const [select, value] of [[el.topic, f.topic], [el.type, f.type], [el.status, f.status]]) {
      ensureOption(select, value);
      select.value = value;
    }
    el.sort.value = state.sort;
    renderActorChips(f.actor);
    const folded = [f.topic, f.type, f.status, f.from || f.to, state.sort !== "date"].filter(Boolean).length;
    el.toggleFilters.textContent = folded ? `更多筛选（${folded}）` : "更多筛选";
  }

  function renderActorChips(slugs) {
    el.actorChips.replaceChildren(...slugs.map((slug) => {
      const item = make("li", "chip chip-selected");
      const name = actorNames.get(slug) || slug;
      item.append(make("span", "chip-name", name));
      const remove = make("button", "chip-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", `移除 ${name}`);
      remove.addEventListener("click", () => {
        navigate(withFilters({ actor: readState().filters.actor.filter((s) => s !== slug) }));
        el.actorInput.focus();
      });
      item.append(remove);
      return item;
    }));
    const unknown = slugs.filter((slug) => !actorNames.has(slug));
    if (unknown.length) {
      Promise.all(unknown.map((slug) => getJSON(`${API}/actors/${encodeURIComponent(slug)}`)
        .then((actor) => actorNames.set(slug, actor.name)).catch(() => actorNames.set(slug, slug))))
        .then(() => { renderActorChips(readState().filters.actor); document.title = titleFor(readState()); });
    }
  }

  function applyForm(event) {
    if (event) event.preventDefault();
    navigate(withFilters({
      q: el.q.value.trim(), topic: el.topic.value, type: el.type.value, status: el.status.value,
      from: el.from.value.trim(), to: el.to.value.trim(),
    }));
  }

  el.form.addEventListener("submit", applyForm);
  el.toggleFilters.addEventListener("click", () => {
    el.toggleFilters.setAttribute("aria-expanded", String(el.form.classList.toggle("expanded")));
  });
  for (const select of [el.topic, el.type, el.status]) select.addEventListener("change", () => applyForm());
  for (const input of [el.q, el.from, el.to]) {
    input.addEventListener("change", () => {
      if (input.value.trim() !== (readState().filters[input.name] || "") && rangeInOrder()) applyForm();
    });
  }

  /** False while a range typed field by field is still backwards (it applies once fixed, or on Enter). */
  function rangeInOrder() {
    const bounds = isoBounds(el.from.value.trim(), el.to.value.trim());
    return !bounds || bounds[0] <= bounds[1];
  }
  el.sort.addEventListener("change", () => navigate({ ...readState(), sort: el.sort.value, event: "" }));
  el.clear.addEventListener("click", () => navigate({ filters: emptyFilters(), sort: "date", event: "" }));

  function emptyFilters() {
    const filters = {};
    for (const key of FILTER_KEYS) filters[key] = key === "actor" ? [] : "";
    return filters;
  }

  /* ------------------------------------------------------- actor autocomplete */

  const combo = { items: [], active: -1, timer: 0, request: null };

  function closeOptions() {
    el.actorOptions.hidden = true;
    el.actorInput.setAttribute("aria-expanded", "false");
    el.actorInput.removeAttribute("aria-activedescendant");
    combo.items = [];
    combo.active = -1;
  }

  function setActive(index) {
    combo.active = index;
    [...el.actorOptions.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) {
      const option = el.actorOptions.children[index];
      el.actorInput.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      el.actorInput.removeAttribute("aria-activedescendant");
    }
  }

  function renderOptions(actors) {
    combo.items = actors;
    el.actorOptions.replaceChildren(...actors.map((actor, i) => {
      const option = make("li", "option");
      option.id = `actor-option-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.append(make("span", "option-name", actor.name));
      if (actor.name_en) option.append(make("span", "option-en", actor.name_en));
      option.append(make("span", "option-meta", [KIND_NAMES[actor.kind] || actor.kind,
        actor.event_count !== undefined ? `${actor.event_count} 条` : ""].filter(Boolean).join(" · ")));
      option.addEventListener("mousedown", (e) => { e.preventDefault(); chooseActor(actor); });
      return option;
    }));
    if (!actors.length) el.actorOptions.append(make("li", "option option-empty", "没有匹配的名称"));
    el.actorOptions.hidden = false;
    el.actorInput.setAttribute("aria-expanded", "true");
    setActive(-1);
  }

  async function suggest() {
    const text = el.actorInput.value.trim();
    if (combo.request) combo.request.abort();
    if (!text) { closeOptions(); return; }
    combo.request = new AbortController();
    try {
      const page = await getJSON(`${API}/actors?${new URLSearchParams({ q: text, limit: "8" })}`, combo.request.signal);
      if (el.actorInput.value.trim() === text) renderOptions(page.items);
    } catch (e) {
      if (e.name !== "AbortError") closeOptions();
    }
  }

  function chooseActor(actor) {
    actorNames.set(actor.id, actor.name);
    el.actorInput.value = "";
    closeOptions();
    const selected = readState().filters.actor;
    if (!selected.includes(actor.id)) navigate(withFilters({ actor: [...selected, actor.id] }));
  }

  el.actorInput.addEventListener("input", () => {
    clearTimeout(combo.timer);
    combo.timer = setTimeout(suggest, 150);
  });
  el.actorInput.addEventListener("keydown", (e) => {
    const open = !el.actorOptions.hidden && combo.items.length > 0;
    if (e.key === "ArrowDown" && open) { e.preventDefault(); setActive((combo.active + 1) % combo.items.length); }
    else if (e.key === "ArrowUp" && open) { e.preventDefault(); setActive((combo.active - 1 + combo.items.length) % combo.items.length); }
    else if (e.key === "Enter" && open) { e.preventDefault(); chooseActor(combo.items[Math.max(combo.active, 0)]); }
    else if (e.key === "Enter") e.preventDefault();
    else if (e.key === "Escape" && !el.actorOptions.hidden) { e.preventDefault(); closeOptions(); }
  });
  el.actorInput.addEventListener("blur", () => setTimeout(closeOptions, 100));

  /* ------------------------------------------------------------ density bar */

  let histogramRequest = null;
  let buckets = [];

  /** [first day, last day] of a range given as ISO (partial) dates; null for a phrase. */
  function isoBounds(from, to) {
    const iso = /^\d{4}(-\d{2}(-\d{2})?)?$/;
    if ((from && !iso.test(from)) || (to && !iso.test(to))) return null;
    const first = from ? `${from}-01-01`.slice(0, 10) : "0000-01-01"; // 2025 → 2025-01-01, 2025-06 → 2025-06-01
    const last = to ? lastDay(to) : "9999-12-31";
    return [first, last];
  }

  function lastDay(iso) {
    const p = parts(iso);
    if (p.d) return iso;
    const month = p.m || 12;
    const days = new Date(Date.UTC(p.y, month, 0)).getUTCDate();
    return `${p.y}-${String(month).padStart(2, "0")}-${String(days).padStart(2, "0")}`;
  }

  async function loadHistogram(filters) {
    if (histogramRequest) histogramRequest.abort();
    histogramRequest = new AbortController();
    const params = filterParams(filters, { dates: false });
    params.set("interval", "month");
    try {
      const body = await getJSON(`${API}/stats/histogram?${params}`, histogramRequest.signal);
      buckets = body.buckets;
      renderHistogram();
    } catch (e) {
      if (e.name === "AbortError") return;
      buckets = [];
      el.histogram.replaceChildren(make("p", "histogram-empty", e.message));
    }
  }

  function renderHistogram() {
    if (!buckets.length) {
      el.histogram.replaceChildren(make("p", "histogram-empty", "没有事件"));
      return;
    }
    const highest = Math.max(...buckets.map((b) => b.count));
    el.histogram.replaceChildren(...buckets.map((bucket, i) => {
      const [year, month] = bucket.key.split("-").map(Number);
      const bar = make("button", "bar");
      bar.type = "button";
      bar.dataset.key = bucket.key;
      bar.dataset.start = bucket.start;
      bar.dataset.end = bucket.end;
      bar.tabIndex = -1;
      const label = `${year}年${month}月：${bucket.count} 条`;
      bar.title = label;
      bar.setAttribute("aria-label", label);
      const fill = make("span", "bar-fill");
      fill.style.height = bucket.count ? `${Math.max(6, Math.round((bucket.count / highest) * 100))}%` : "0";
      bar.append(fill);
      if (month === 1 || i === 0) bar.append(make("span", "bar-year", String(year)));
      bar.addEventListener("click", (e) => pickMonth(bucket, e.shiftKey));
      return bar;
    }));
    markRange(readState().filters);
  }

  /** Highlight the months inside the current date range; one bar is the tab stop. */
  function markRange(filters) {
    const bars = [...el.histogram.querySelectorAll(".bar")];
    if (!bars.length) return;
    const bounds = isoBounds(filters.from, filters.to);
    const any = Boolean(filters.from || filters.to);
    let stop = null;
    for (const bar of bars) {
      const inside = Boolean(any && bounds && bar.dataset.start <= bounds[1] && bar.dataset.end >= bounds[0]);
      bar.classList.toggle("selected", inside);
      bar.setAttribute("aria-pressed", String(inside));
      bar.tabIndex = -1;
      if (inside && !stop) stop = bar;
    }
    el.histogram.classList.toggle("has-range", Boolean(any && bounds));
    (stop || bars[bars.length - 1]).tabIndex = 0;
  }

  /** Narrow the range to a month, extend it to one (shift), or drop it (the month that is the whole range). */
  function pickMonth(bucket, extend) {
    const current = readState().filters;
    if (!extend && current.from === bucket.key && current.to === bucket.key) {
      navigate(withFilters({ from: "", to: "" }));
      return;
    }
    let from = bucket.key;
    let to = bucket.key;
    const bounds = extend ? isoBounds(current.from, current.to) : null;
    if (bounds && (current.from || current.to)) {
      if (current.from && current.from.slice(0, 7) < from) from = current.from.slice(0, 7);
      if (current.to && current.to.slice(0, 7) > to) to = current.to.slice(0, 7);
    }
    navigate(withFilters({ from, to }));
  }

  el.histogram.addEventListener("keydown", (e) => {
    const bars = [...el.histogram.querySelectorAll(".bar")];
    const index = bars.indexOf(document.activeElement);
    if (index < 0) return;
    const target = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: bars.length - 1 }[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const bar = bars[Math.min(Math.max(target, 0), bars.length - 1)];
    bars.forEach((b) => { b.tabIndex = b === bar ? 0 : -1; });
    bar.focus();
  });

  /* --------------------------------------------------------------- the list */

  const list = { token: 0, next: null, loading: false, count: 0, request: null, groups: new Map(), summaryPage: null };

  function setSummary(text, isError = false) {
    el.summary.textContent = text;
    el.summary.classList.toggle("error", isError);
  }

  function summaryText(page) {
    if (!list.count) return "没有符合条件的事件。";
    const total = page.count === undefined ? "" : page.count_exact === false ? `超过 ${page.count} 条事件，` : `共 ${page.count} 条事件，`;
    return `${total}已显示 ${list.count} 条${list.next ? "，向下滚动加载更多" : ""}。`;
  }

  function eventsUrl(state, cursor) {
    const params = filterParams(state.filters);
    if (state.sort !== "date") params.set("sort", state.sort);
    if (cursor) params.set("cursor", cursor);
    else params.set("count", "true");
    return `${API}/events?${params}`;
  }

  async function loadList(state) {
    if (list.request) list.request.abort();
    const token = ++list.token;
    list.request = new AbortController();
    list.next = null;
    list.count = 0;
    list.groups = new Map();
    list.loading = true;
    el.timeline.replaceChildren();
    el.timeline.setAttribute("aria-busy", "true");
    if (el.summary.getBoundingClientRect().top < 0) el.summary.scrollIntoView(); // a new list starts at its top
    el.loadMore.hidden = true;
    setSummary("正在加载…");
    try {
      const page = await getJSON(eventsUrl(state), list.request.signal);
      if (token !== list.token) return;
      list.summaryPage = page;
      appendPage(page);
    } catch (e) {
      if (token === list.token && e.name !== "AbortError") setSummary(`无法加载事件：${e.message}`, true);
    } finally {
      if (token === list.token) finishLoading();
    }
  }

  async function loadNext() {
    if (!list.next || list.loading) return;
    const token = list.token;
    list.loading = true;
    el.timeline.setAttribute("aria-busy", "true");
    el.loadMore.disabled = true;
    try {
      const page = await getJSON(eventsUrl(shown, list.next), list.request.signal);
      if (token !== list.token) return;
      appendPage(page);
    } catch (e) {
      if (token === list.token && e.name !== "AbortError") setSummary(`无法加载更多事件：${e.message}`, true);
    } finally {
      if (token === list.token) finishLoading();
    }
  }

  function appendPage(page) {
    for (const event of page.items) groupFor(event).append(renderEvent(event));
    list.count += page.items.length;
    list.next = page.next || null;
    setSummary(summaryText(list.summaryPage));
  }

  function finishLoading() {
    list.loading = false;
    el.timeline.setAttribute("aria-busy", "false");
    el.loadMore.disabled = false;
    el.loadMore.hidden = !list.next;
    // A short page may leave the end of the list on screen: keep filling it.
    if (list.next && nearBottom()) loadNext();
  }

  function nearBottom() {
    return el.more.getBoundingClientRect().top < window.innerHeight + 400;
  }

  /**
   * The <ol> of an event's month (or of its year, for an event dated only by
   * its year), created on first use.  Year-level events head their year.
   */
  function groupFor(event) {
    const { y, m } = parts(event.start_min);
    const month = event.precision === "year" ? 0 : m;
    const key = `${y}-${month}`;
    if (list.groups.has(key)) return list.groups.get(key);
    let year = list.groups.get(`${y}`);
    if (!year) {
      year = make("section", "year");
      year.dataset.year = String(y);
      year.append(make("h2", "year-title", `${y}年`));
      el.timeline.append(year);
      list.groups.set(`${y}`, year);
    }
    const section = make("section", "month");
    section.dataset.key = key;
    const heading = make("h3", "month-title", month ? `${m}月` : "全年（只知年份）");
    const events = make("ol", "events");
    section.append(heading, events);
    if (month) year.append(section);
    else year.querySelector(".year-title").after(section);
    list.groups.set(key, events);
    return events;
  }

  function actorChip(actor, tag) {
    const chip = make(tag, `chip chip-actor kind-${KIND_NAMES[actor.kind] ? actor.kind : "other"}`, actor.name);
    const role = ROLE_NAMES[actor.role] || actor.role;
    chip.title = `${actor.name}${actor.name_en ? ` (${actor.name_en})` : ""}：${role}`;
    return chip;
  }

  function renderEvent(event) {
    const item = el.template.content.firstElementChild.cloneNode(true);
    item.dataset.id = event.id;
    item.classList.add(`status-${STATUS_NAMES[event.status] ? event.status : "other"}`);
    const time = item.querySelector(".date");
    time.dateTime = event.start_min;
    time.textContent = formatSpan(event.start, event.end, event.precision);
    time.title = precisionLabel(event.precision);
    if (event.status !== "occurred") {
      const badge = item.querySelector(".status");
      badge.hidden = false;
      badge.textContent = STATUS_NAMES[event.status] || event.status;
    }
    const type = item.querySelector(".type-label");
    type.textContent = typeNames.get(event.type) || event.type;
    type.classList.add(typeClass(event.type));
    const link = item.querySelector(".event-title");
    link.textContent = event.title;
    link.href = stateQuery({ ...readState(), event: event.id });
    link.addEventListener("click", (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab gets the link
      e.preventDefault();
      navigate({ ...readState(), event: event.id }, { openedHere: true });
    });
    const chips = item.querySelector(".actors");
    for (const actor of event.actors) {
      const li = make("li");
      const button = actorChip(actor, "button");
      button.type = "button";
      button.setAttribute("aria-label", `只看 ${actor.name} 的事件`);
      button.addEventListener("click", () => addActor(actor));
      li.append(button);
      chips.append(li);
    }
    if (event.place) {
      const where = item.querySelector(".event-where");
      where.hidden = false;
      where.textContent = `地点：${event.place.name}`;
    }
    return item;
  }

  function addActor(actor) {
    actorNames.set(actor.id, actor.name);
    const selected = readState().filters.actor;
    if (!selected.includes(actor.id)) navigate(withFilters({ actor: [...selected, actor.id] }));
  }

  el.loadMore.addEventListener("click", loadNext);
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadNext();
  }, { rootMargin: "0px 0px 400px 0px" }).observe(el.more);

  /* ------------------------------------------------------------- the detail */

  let detailRequest = null;
  let returnFocus = null;

  function row(dl, term, ...values) {
    dl.append(make("dt", null, term));
    const dd = make("dd");
    dd.append(...values);
    dl.append(dd);
  }

  async function openDetail(id) {
    if (detailRequest) detailRequest.abort();
    detailRequest = new AbortController();
    if (!el.dialog.open) {
      returnFocus = document.activeElement;
      el.dialog.showModal();
    }
    el.detailBody.replaceChildren(make("p", "loading", "正在加载…"));
    el.dialog.setAttribute("aria-busy", "true");
    try {
      const event = await getJSON(`${API}/events/${encodeURIComponent(id)}`, detailRequest.signal);
      if (event.id !== id) navigate({ ...readState(), event: event.id }, { replace: true }); // a merged event's survivor
      renderDetail(event);
    } catch (e) {
      if (e.name !== "AbortError") el.detailBody.replaceChildren(make("p", "error", `无法加载事件：${e.message}`));
    } finally {
      el.dialog.setAttribute("aria-busy", "false");
    }
  }

  function renderDetail(event) {
    const body = el.detailBody;
    const title = make("h2", "detail-title", event.title);
    title.id = "detail-title";
    const type = make("span", `type-label ${typeClass(event.type)}`, typeNames.get(event.type) || event.type);
    const head = make("div", "detail-head");
    head.append(type);
    if (event.status !== "occurred") head.append(make("span", "badge status", STATUS_NAMES[event.status] || event.status));

    const facts = make("dl", "facts");
    const when = make("span", "detail-date", formatSpan(event.start, event.end, event.precision, { fullYear: true }));
    row(facts, "日期", when, make("span", "muted", `（${precisionLabel(event.precision)}）`));
    const how = [SOURCE_NAMES[event.date_source] || event.date_source];
    if (event.date_text) how.push(`原文：“${event.date_text}”`);
    row(facts, "日期依据", document.createTextNode(how.join("；")));
    row(facts, "状态", document.createTextNode(STATUS_NAMES[event.status] || event.status));
    if (event.place) row(facts, "地点", document.createTextNode(event.place.name));
    if (event.topics.length) {
      const topics = make("ul", "chips");
      for (const topic of event.topics) {
        const button = make("button", "chip chip-topic", topic.name);
        button.type = "button";
        button.setAttribute("aria-label", `只看专题“${topic.name}”`);
        button.addEventListener("click", () => navigate(withFilters({ topic: topic.slug })));
        const li = make("li");
        li.append(button);
        topics.append(li);
      }
      row(facts, "专题", topics);
    }

    const actors = make("ul", "detail-actors");
    for (const actor of event.actors) {
      const li = make("li", "detail-actor");
      li.dataset.actor = actor.id;
      const button = actorChip(actor, "button");
      button.type = "button";
      button.setAttribute("aria-label", `只看 ${actor.name} 的事件`);
      button.addEventListener("click", () => addActor(actor));
      li.append(button, make("span", "role", ROLE_NAMES[actor.role] || actor.role));
      if (actor.name_en) li.append(make("span", "muted", actor.name_en));
      actors.append(li);
    }

    const sections = [head, title, facts];
    if (event.actors.length) sections.push(make("h3", null, "参与方"), actors);
    if (event.speech) sections.push(make("h3", null, "讲话内容"), make("blockquote", "speech", event.speech));
    sections.push(make("h3", null, `报道原文（${event.mentions.length}）`), renderMentions(event.mentions));
    body.replaceChildren(...sections);
    title.tabIndex = -1;
    title.focus();
  }

  function renderMentions(mentions) {
    const listNode = make("ol", "mentions");
    for (const mention of mentions) {
      const li = make("li", "mention");
      li.append(make("blockquote", "quote", mention.quote));
      const source = make("p", "source");
      const article = mention.article;
      const bits = [article.outlet, article.published ? formatDay(article.published) : null].filter(Boolean);
      if (bits.length) source.append(make("span", "outlet", bits.join(" · ")));
      const url = article.url ? safeUrl(article.url) : null;
      const name = article.title || "（无标题）";
      if (url) {
        const link = make("a", "article-link", name);
        link.href = url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        source.append(link);
      } else {
        source.append(make("span", "article-title", name));
      }
      if (mention.date_text) source.append(make("span", "muted", `日期表述：“${mention.date_text}”`));
      li.append(source);
      listNode.append(li);
    }
    return listNode;
  }

  function closeDetail() {
    if (el.dialog.open) el.dialog.close();
  }

  el.detailClose.addEventListener("click", closeDetail);
  el.dialog.addEventListener("click", (e) => { if (e.target === el.dialog) closeDetail(); }); // the backdrop
  el.dialog.addEventListener("close", () => {
    if (detailRequest) detailRequest.abort();
    const state = readState();
    if (state.event) {
      // Opened from the list: closing is going back.  Opened from a link: drop the event from the URL.
      if (history.state && history.state.openedHere) history.back();
      else navigate({ ...state, event: "" }, { replace: true });
    }
    const focusTarget = returnFocus && returnFocus.isConnected ? returnFocus
      : el.timeline.querySelector(`[data-id="${CSS.escape(state.event)}"] .event-title`);
    if (focusTarget) focusTarget.focus();
    returnFocus = null;
  });

  /* ------------------------------------------------------------------ start */

  async function loadVocabularies() {
    const [types, topics] = await Promise.allSettled([getJSON(`${API}/types`), getAll(`${API}/topics?limit=500`)]);
    if (types.status === "fulfilled") {
      for (const type of types.value.items) {
        typeNames.set(type.slug, type.name);
        el.type.append(new Option(type.name, type.slug));
      }
    }
    if (topics.status === "fulfilled") {
      for (const topic of topics.value) el.topic.append(new Option(topic.name, topic.slug));
    }
  }

  window.addEventListener("popstate", () => show(readState()));
  loadVocabularies().finally(() => {
    const state = readState();
    history.replaceState({ openedHere: false }, "", stateQuery(state));
    show(state);
  });
})();
