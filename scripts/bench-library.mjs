// The library benchmark's driver: opens the app in a real window on each seeded history and
// prints the five figures side by side, the smallest history as the baseline.
//   node scripts/bench-library.mjs ROOT SIZE...   (ROOT/SIZE/dev.atelier.app holds each history)
// `scripts/bench-library.sh` seeds the histories, builds the release app and calls this.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remote } from "webdriverio";

const [root, ...sizes] = process.argv.slice(2);
const APP = process.env.ATELIER_BENCH_APP ?? join(import.meta.dirname, "../target/release/atelier");
const LAUNCHES = 3;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

const rows = [];
for (const size of sizes) rows.push(await measure(join(root, size), Number(size)));
report(rows);

async function measure(dataHome, jobs) {
  const port = 4700 + Math.floor(Math.random() * 200);
  const driver = spawn("tauri-driver", ["--port", String(port)], {
    // A fresh config folder: the window opens at its default size, not where a person left it.
    env: {
      ...process.env,
      XDG_DATA_HOME: dataHome,
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "atelier-bench-")),
    },
    stdio: "ignore",
  });
  await ready(port);
  try {
    const first = [];
    let cold = null;
    for (let i = 0; i < LAUNCHES; i++) {
      if (i === 0) cold = dropCaches();
      const { browser, ms } = await launch(port);
      first.push({ ms, cold: i === 0 && cold });
      if (i < LAUNCHES - 1) await browser.deleteSession();
      else return { jobs, first, ...(await session(browser, jobs)) };
    }
  } finally {
    driver.kill();
  }
}

/** Starts the app and waits for its first thumbnail: ms from launch to it on screen. */
async function launch(port) {
  const t0 = Date.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP },
    },
  });
  const at = await poll(browser, () => {
    const [mark] = performance.getEntriesByName("atelier:first-thumbnail");
    return mark ? performance.timeOrigin + mark.startTime : null;
  });
  return { browser, ms: at - t0 };
}

/** Memory, DOM size, reach, jumps and searches on an open window. */
async function session(browser, jobs) {
  // The mode is remembered between runs: measure from the cards whatever the last run left.
  await (await browser.$('[data-testid="mode-cards"]')).click();
  await wait(2000);
  const idle = { pss: pss(), dom: await dom(browser) };
  const scrolled = await scrollThrough(browser);
  const end = await timeTo(browser, "end");
  const month = await timeTo(browser, "month");
  const searches = [];
  for (const text of await searchWords(browser)) searches.push(await searchFor(browser, text));
  const filter = await filterTime(browser);
  const wall = await wallThrough(browser);
  await browser.deleteSession();
  return { idle, scrolled, end, month, searches, filter, wall, jobs };
}

/** Scrolls the cards from top to bottom in big steps, sampling memory and the DOM. */
async function scrollThrough(browser) {
  let maxPss = pss();
  let maxDom = 0;
  for (let step = 0; step < 40; step++) {
    const atEnd = await browser.execute((f) => {
      const g = document.querySelector('[data-testid="gallery"]');
      g.scrollTop = f * (g.scrollHeight - g.clientHeight);
      return g.scrollTop >= g.scrollHeight - g.clientHeight - 2;
    }, step / 39);
    await wait(250);
    maxPss = Math.max(maxPss, pss());
    maxDom = Math.max(maxDom, await dom(browser));
    if (atEnd && step === 39) break;
  }
  await browser.execute(() => (document.querySelector('[data-testid="gallery"]').scrollTop = 0));
  await wait(1500);
  return { pss: maxPss, dom: maxDom, after: pss() };
}

/** The same on the wall of single images. */
async function wallThrough(browser) {
  await (await browser.$('[data-testid="mode-wall"]')).click();
  await poll(browser, () => document.querySelector('[data-testid="wall-tile"]') !== null);
  const scrolled = await scrollThrough(browser);
  await (await browser.$('[data-testid="mode-cards"]')).click();
  return scrolled;
}

/**
 * How long from the request to thumbnails of the destination on screen: `end` scrolls to the
 * oldest job, `month` clicks the middle month of the rail. Measured in the page.
 */
async function timeTo(browser, where) {
  await wait(500);
  const result = await browser.executeAsync((where, done) => {
    const g = document.querySelector('[data-testid="gallery"]');
    const t0 = performance.now();
    let target;
    if (where === "end") {
      g.scrollTop = g.scrollHeight;
      target = (card) => card.getAttribute("data-job-id") === "1";
    } else {
      const ticks = [...document.querySelectorAll('[data-testid^="month-"]')];
      const tick = ticks[Math.floor(ticks.length / 2)];
      if (!tick) return done({ ms: null });
      const [y, m] = tick.getAttribute("data-testid").slice(6).split("-").map(Number);
      tick.click();
      target = (card) => {
        const d = new Date(card.querySelector("time").getAttribute("datetime"));
        const box = card.getBoundingClientRect();
        const area = g.getBoundingClientRect();
        const seen = box.bottom > area.top && box.top < area.bottom;
        return seen && d.getFullYear() === y && d.getMonth() + 1 === m;
      };
    }
    let shown = null;
    const check = () => {
      const card = [...document.querySelectorAll('[data-testid="job"]')].find(target);
      const imgs = card ? [...card.querySelectorAll("img")] : [];
      if (card && shown === null) shown = performance.now() - t0;
      if (imgs.length && imgs.every((i) => i.complete && i.naturalWidth > 0)) {
        done({ ms: performance.now() - t0, card: shown });
      } else if (performance.now() - t0 > 20000) done({ ms: null });
      else requestAnimationFrame(check);
    };
    check();
  }, where);
  await browser.execute(() => (document.querySelector('[data-testid="gallery"]').scrollTop = 0));
  if (process.env.ATELIER_BENCH_VERBOSE) console.log(where, result);
  return result.ms;
}

/**
 * Words to search for that the history holds, whatever its size: the subject (the second
 * word) of the first few prompts on screen, which in a large seeded history each match about
 * one job in fifty.
 */
async function searchWords(browser) {
  const prompts = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="job"] .prompt')].map((p) => p.textContent),
  );
  const words = prompts.map((p) => p.split(/[\s,]+/)[1]).filter((w) => w && w.length > 2);
  return [...new Set(words)].slice(0, 5);
}

/** Types a search; the app's own marks time it from the last keystroke to thumbnails. */
async function searchFor(browser, text) {
  const box = await browser.$('[data-testid="search"]');
  await box.setValue(text);
  const ms = await poll(
    browser,
    (prefix) => {
      const all = performance.getEntriesByType("measure").filter((m) => m.name.startsWith(prefix));
      return all.length ? all[all.length - 1].duration : null;
    },
    "atelier:search-",
  );
  await browser.execute(() => performance.clearMeasures());
  await box.setValue(" ");
  await wait(1200);
  await browser.execute(() => performance.clearMeasures());
  return ms;
}

/** Filters by the first aspect ratio the history holds and times its thumbnails. */
async function filterTime(browser) {
  await browser.execute(() => performance.clearMeasures());
  const select = await browser.$('[data-testid="filter-aspect"]');
  const aspect = await poll(browser, () => {
    const options = [...document.querySelectorAll('[data-testid="filter-aspect"] option')];
    return options.map((o) => o.value).find((v) => v) ?? null;
  });
  await select.selectByAttribute("value", aspect);
  const ms = await poll(browser, () => {
    const m = performance
      .getEntriesByType("measure")
      .find((e) => e.name.startsWith("atelier:query-"));
    return m ? m.duration : null;
  });
  await select.selectByAttribute("value", "");
  await wait(1000);
  return ms;
}

async function poll(browser, fn, arg) {
  for (let i = 0; i < 600; i++) {
    const value = await browser.execute(fn, arg);
    if (value !== null && value !== false) return value;
    await wait(50);
  }
  throw new Error("timed out");
}

function dom(browser) {
  return browser.execute(() => document.getElementsByTagName("*").length);
}

/** Proportional set size of the app and every WebKit process it started, in MB. */
function pss() {
  const app = pgrep(APP);
  let kb = 0;
  for (const pid of [app, ...descendants(app)]) {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    kb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return kb / 1024;
}

function pgrep(path) {
  for (const pid of numericDirs()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] === path) return pid;
    } catch {}
  }
  throw new Error(`${path} is not running`);
}

function descendants(root) {
  const parent = new Map();
  for (const pid of numericDirs()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {}
  }
  const out = [];
  const walk = (p) => {
    for (const [child, ppid] of parent) if (ppid === p) (out.push(child), walk(child));
  };
  walk(root);
  return out;
}

function numericDirs() {
  return readdirSync("/proc").filter((n) => /^\d+$/.test(n));
}

/** A cold start needs the page cache emptied, which needs root; `false` when not possible. */
function dropCaches() {
  try {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    return true;
  } catch {
    return false;
  }
}

async function ready(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return;
    } catch {
      await wait(100);
    }
  }
  throw new Error("tauri-driver did not start");
}

function report(rows) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const s = (ms) => (ms === null || ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);
  const mb = (x) => `${Math.round(x)} MB`;
  const signed = (ms) => (ms < 0 ? `−${s(-ms)}` : `+${s(ms)}`);
  const base = rows[0];
  const warm = (r) => median(r.first.slice(1).map((f) => f.ms));
  const searchMs = (r) => median(r.searches);
  console.log(
    `\nrelease app, a real window under Xvfb; ${LAUNCHES} launches each (the first cold when the page cache could be dropped)\n`,
  );
  console.log(
    "| history | first thumbnail, warm (cold) | memory idle → max scrolling cards / wall → back at the top (PSS, app + WebKit) | DOM elements, max | scroll to the oldest → its thumbnails | jump to a month → thumbnails | search typed → matches (median of 5) | filter → thumbnails |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const cold = r.first[0].cold ? ` (${s(r.first[0].ms)} cold)` : ` (first ${s(r.first[0].ms)})`;
    console.log(
      `| ${r.jobs.toLocaleString("en")} jobs | ${s(warm(r))}${cold} | ${mb(r.idle.pss)} → ${mb(r.scrolled.pss)} / ${mb(r.wall.pss)} → ${mb(r.wall.after)} | ${Math.max(r.idle.dom, r.scrolled.dom, r.wall.dom)} | ${s(r.end)} | ${s(r.month)} | ${s(searchMs(r))} | ${s(r.filter)} |`,
    );
  }
  const big = rows[rows.length - 1];
  const maxPss = Math.max(big.scrolled.pss, big.wall.pss);
  console.log(`\nagainst the targets (${big.jobs.toLocaleString("en")} jobs vs ${base.jobs}):`);
  console.log(`- first thumbnail: ${signed(warm(big) - warm(base))} (target ≤ +0.25 s)`);
  console.log(
    `- memory: +${mb(maxPss - base.idle.pss)} over the ${base.jobs}-job idle figure at the most while scrolling, +${mb(big.wall.after - base.idle.pss)} back at the top after it (target ≤ +60 MB)`,
  );
  console.log(
    `- DOM: ${Math.max(big.idle.dom, big.scrolled.dom, big.wall.dom)} elements at most (target ≤ 1,500)`,
  );
  console.log(
    `- search → matches: ${signed(searchMs(big) - searchMs(base))} (target ≤ +0.1 s); filter ${signed(big.filter - base.filter)}`,
  );
  console.log(
    `- every job reachable: the oldest in ${s(big.end)}, a month in ${s(big.month)} (target ≤ 0.5 s)`,
  );
}
