// Starts the pieces an end-to-end run needs: the stand-in ImagineAPI server, tauri-driver
// (which drives WebKitWebDriver, which launches the real app), and WebDriver sessions.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach } from "node:test";
import { remote } from "webdriverio";

export const ROOT = resolve(import.meta.dirname, "../..");
export const APP = join(ROOT, "target/debug/atelier");
const STANDIN = join(ROOT, "target/debug/atelier-standin");
const DRIVER_PORT = 4444 + Math.floor(Math.random() * 500);

const children = [];

/** Starts a program and resolves with the first stdout line matching `ready`. */
function startProgram(cmd, args, env, ready) {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = ready.exec(line);
      if (m) resolveLine(m);
    });
    child.once("exit", (code) => reject(new Error(`${cmd} exited early with ${code}`)));
  });
}

/** Starts a stand-in server (`imagineapi` or `aiclient`) and resolves with its base URL. */
export async function startStandin(service, ...extra) {
  const args = [service, "--port", "0", "--pending-ms", "800", "--running-ms", "4000", ...extra];
  const m = await startProgram(STANDIN, args, {}, /listening on (http:\/\/\S+)/);
  return m[1];
}

/**
 * tauri-driver passes its environment on to the app: each run gets its own data folder
 * (`$XDG_DATA_HOME/dev.atelier.app`), a fresh one unless one is given. The system trash is
 * `$XDG_DATA_HOME/Trash`, so deletions stay in the run's folder too.
 */
export async function startDriver(dataHome = mkdtempSync(join(tmpdir(), "atelier-e2e-"))) {
  // Its WebKitWebDriver gets a port of its own too: the default (4445) may be taken by another
  // run on the machine (a benchmark, a second test file).
  const ports = ["--port", String(DRIVER_PORT), "--native-port", String(DRIVER_PORT + 500)];
  const driver = spawn("tauri-driver", ports, {
    // The window's remembered size and place live in the config folder: one per run too.
    env: { ...process.env, XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: join(dataHome, "config") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(driver);
  await waitForPort(DRIVER_PORT);
  return { dataHome };
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

/**
 * A 5,000-character prompt, the kind that once made the page 34,705 px wide: words, then one
 * unbroken run, then parameters.
 */
export const LONG_PROMPT =
  "a lighthouse on a cliff in a storm at dusk, ".repeat(100).slice(0, 4_200) +
  "x".repeat(782) +
  " --ar 16:9 --s 250";

/** Puts `text` in the prompt box as typing would (5,000 keystrokes would take a minute). */
export function fillPrompt(browser, text) {
  return browser.execute((value) => {
    const box = document.querySelector('[data-testid="prompt"]');
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, text);
}

export function openApp() {
  return remote({
    hostname: "127.0.0.1",
    port: DRIVER_PORT,
    logLevel: "warn",
    connectionRetryTimeout: 120_000,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP },
    },
  });
}

/**
 * Adds an account through the accounts dialog and waits for its editor; the dialog stays open.
 * A new account does not take over on its own, so this then chooses it for new prompts, as a
 * person would. `auth`: how a midjourney-proxy server takes its secret (the form's choice).
 */
export async function addAccount(browser, provider, label, url, token, { auth } = {}) {
  const click = async (sel) => {
    const el = await browser.$(sel);
    await el.waitForClickable();
    await el.click();
  };
  const type = async (sel, value) => {
    const el = await browser.$(sel);
    await el.waitForDisplayed();
    await el.clearValue();
    await el.setValue(value);
  };
  await click('[data-testid="open-settings"]');
  await click('[data-testid="add-account"]');
  await (await browser.$('[data-testid="new-provider"]')).selectByAttribute("value", provider);
  await type('[data-testid="new-label"]', label);
  await type('[data-testid="new-url"]', url);
  if (auth) await (await browser.$('[data-testid="auth-style"]')).selectByAttribute("value", auth);
  await type('[data-testid="new-token"]', token);
  await click('[data-testid="create-account"]');
  await until(
    browser,
    async () =>
      (await (await browser.$('[data-testid="account-editor"] h3')).getText()).includes(label),
    `the ${label} account to be added`,
  );
  await click('[data-testid="use-account"]');
  await until(
    browser,
    async () => (await (await browser.$('[data-testid="use-account"]')).getText()) === "In use",
    `the ${label} account to be the one in use`,
  );
}

/** Pids of the running debug apps (what tauri-driver started), from /proc. */
function appPids() {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`) === APP;
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    });
}

/**
 * Ends the session and waits for the app to be gone: a new launch while the last one is still
 * shutting down would hand itself over to it (single instance) and find no one answering.
 */
export async function closeApp(browser) {
  await browser.deleteSession();
  for (let t = 0; t < 30_000 && appPids().length > 0; t += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function stopAll() {
  for (const child of children) child.kill("SIGTERM");
}

/** A data folder holding `jobs` finished jobs with real files, written by the core's own store. */
export function seededHistory(jobs) {
  const dataHome = mkdtempSync(join(tmpdir(), "atelier-e2e-library-"));
  const seeder = join(ROOT, "target/debug/examples/seed_history");
  execFileSync(seeder, [join(dataHome, "dev.atelier.app"), String(jobs)], { stdio: "inherit" });
  return dataHome;
}

/** Every file under `dir`, to check what the app wrote. */
export function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

export function fileContains(path, needle) {
  return readFileSync(path).includes(Buffer.from(needle));
}

/** Resolves when `fn` returns something truthy; fails with `what` after `timeout` ms. */
export async function until(browser, fn, what, timeout = 30_000) {
  let last;
  await browser.waitUntil(
    async () => {
      last = await fn();
      return last;
    },
    { timeout, interval: 200, timeoutMsg: `timed out waiting for ${what}` },
  );
  return last;
}

/**
 * Saves a picture of the window. WebKitWebDriver takes it after the page's next paint, and
 * the app paints without GL compositing (see `lighten_webkit` in src-tauri/src/lib.rs), so a
 * still page would never paint again and the request would hang: a one-pixel dot in a corner
 * changes its (nearly invisible) colour every frame while the picture is taken.
 */
export async function screenshot(browser, path) {
  await browser.execute(() => {
    const dot = document.createElement("div");
    dot.id = "e2e-repaint";
    dot.style.cssText =
      "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.body.append(dot);
    let on = false;
    const tick = () => {
      if (!dot.isConnected) return;
      on = !on;
      dot.style.background = on ? "rgba(0,0,0,0.01)" : "rgba(0,0,0,0.02)";
      requestAnimationFrame(tick);
    };
    tick();
  });
  try {
    await browser.saveScreenshot(path);
  } finally {
    await browser.execute(() => document.getElementById("e2e-repaint")?.remove());
  }
}

/**
 * After each test of the file, the window as the test left it, in
 * `target/e2e/PREFIX-the-test-s-name.png`; `current` gives the session, if one is open.
 */
export function screenshotEachTest(prefix, current) {
  afterEach(async (t) => {
    const browser = current();
    if (!browser) return;
    mkdirSync(join(ROOT, "target/e2e"), { recursive: true });
    const name = t.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
    await screenshot(browser, join(ROOT, `target/e2e/${prefix}${name}.png`)).catch(() => {});
  });
}

/** Clicks the element once it can be clicked. */
export async function clickWhenReady(browser, sel) {
  const el = await browser.$(sel);
  await el.waitForClickable();
  await el.click();
}

/** Each card on screen, newest first: id, status, prompt, lineage text, how many pictures. */
export function cardsOn(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="job"]')].map((card) => ({
      id: Number(card.getAttribute("data-job-id")),
      status: card.getAttribute("data-status"),
      prompt: card.querySelector(".prompt")?.textContent ?? "",
      lineage: card.querySelector('[data-testid="card-lineage"]')?.textContent ?? "",
      images: card.querySelectorAll("figure img").length,
    })),
  );
}
