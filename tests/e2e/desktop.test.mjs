// Atelier as a desktop citizen, with the app started as a person would (no WebDriver where it
// is not needed): a second launch hands over to the first, a history another process holds
// gets a dialog instead of a second engine, and the window comes back at the size it was left.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { APP, openApp, startDriver, stopAll, until } from "./harness.mjs";

const started = [];
const groups = [];
after(() => {
  for (const child of started) child.kill("SIGKILL");
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {} // already gone
  }
  stopAll();
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** One tauri-driver for the tests that need WebDriver, on one data folder. */
let driving;
const driver = () => (driving ??= startDriver());

/** Runs `run` with the app open, and closes it however `run` ends. */
async function session(run) {
  await driver();
  const browser = await openApp();
  try {
    await run(browser);
  } finally {
    await browser.deleteSession().catch(() => {});
  }
}

/** A fresh home for one run: data and config folders of its own. */
function freshHome() {
  const home = mkdtempSync(join(tmpdir(), "atelier-e2e-desktop-"));
  return { XDG_DATA_HOME: home, XDG_CONFIG_HOME: join(home, "config") };
}

/** Starts the debug app directly; `stderr` collects what it says. */
function launch(env) {
  const child = spawn(APP, [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderrText = "";
  child.stderr.on("data", (d) => (child.stderrText += d));
  child.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  started.push(child);
  return child;
}

/** Ids of the mapped X windows whose title matches `name` exactly. */
function windows(name) {
  try {
    const out = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${name}$`]);
    return out.toString().trim().split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

async function windowAppears(name, child, timeout = 60_000) {
  for (let t = 0; t < timeout; t += 250) {
    const ids = windows(name);
    if (ids.length) return ids;
    if (child.exitCode !== null)
      assert.fail(
        `the app exited (${child.exitCode}) before "${name}" showed:\n${child.stderrText}`,
      );
    await wait(250);
  }
  assert.fail(`no window "${name}" within ${timeout / 1000} s:\n${child.stderrText}`);
}

async function exitsWithin(child, ms) {
  const code = await Promise.race([child.exited, wait(ms).then(() => "still running")]);
  return code;
}

test("a second launch hands over to the running window and exits", async () => {
  const env = freshHome();
  const first = launch(env);
  await windowAppears("Atelier", first);

  const second = launch(env);
  assert.equal(
    await exitsWithin(second, 20_000),
    0,
    `the second launch kept running:\n${second.stderrText}`,
  );
  assert.equal(first.exitCode, null, "the first instance is still running");
  assert.equal(windows("Atelier").length, 1, "one window");

  first.kill("SIGKILL");
  await first.exited;
});

test("a launch while the open Atelier no longer answers waits, then opens its window", async () => {
  const env = freshHome();
  const first = launch(env);
  await windowAppears("Atelier", first);
  // Frozen, it holds its name on the session bus but takes nothing, as one closing does.
  process.kill(first.pid, "SIGSTOP");
  const second = launch(env);
  await wait(2000);
  first.kill("SIGKILL");
  await first.exited;
  const [shown] = await windowAppears("Atelier", second);
  const owner = execFileSync("xdotool", ["getwindowpid", shown], { encoding: "utf8" });
  assert.equal(Number(owner), second.pid, "the window is the second launch's");
  assert.match(second.stderrText, /did not answer; trying again/);
  second.kill("SIGKILL");
  await second.exited;
});

test("a history another process is using gets a dialog, and no engine starts on it", async () => {
  const env = freshHome();
  const folder = join(env.XDG_DATA_HOME, "dev.atelier.app");
  mkdirSync(folder, { recursive: true });
  // flock(1) takes the same kind of lock (flock(2)) the app does.
  const holder = spawn("flock", ["--nonblock", join(folder, "atelier.lock"), "sleep", "300"], {
    stdio: "ignore",
    detached: true, // its own group, so its `sleep` (which holds the lock too) goes with it
  });
  groups.push(holder.pid);
  const release = () => process.kill(-holder.pid, "SIGKILL");
  await wait(300);
  assert.equal(holder.exitCode, null, "flock holds the lock");

  const app = launch(env);
  const [dialog] = await windowAppears("Atelier cannot start", app);
  assert.match(
    app.stderrText,
    /Another Atelier is already using the history in .*dev\.atelier\.app/,
  );
  assert.deepEqual(windows("Atelier"), [], "the main window stays hidden");
  // Nothing was opened in the folder: no database was created behind the other's back.
  assert.throws(() => statSync(join(folder, "history.sqlite3")), /ENOENT/);

  // Closing the dialog ends the app, with a failure status.
  execFileSync("xdotool", ["windowfocus", "--sync", dialog]);
  execFileSync("xdotool", ["key", "Return"]);
  assert.equal(
    await exitsWithin(app, 15_000),
    1,
    `the app did not end after the dialog:\n${app.stderrText}`,
  );
  release();
});

test("the window comes back at the size it was left at", async () => {
  const { dataHome } = await driver();
  let browser = await openApp();
  const [id] = await windowAppears("Atelier", { exitCode: null, stderrText: "" });
  execFileSync("xdotool", ["windowsize", "--sync", id, "1010", "690"]);
  // The page is the window less its menu bar.
  const left = await until(
    browser,
    () => browser.execute(() => (innerWidth === 1010 ? [innerWidth, innerHeight] : null)),
    "the resize",
  );
  // The app writes the state once the window has been still for a moment, so that a window
  // closed any way at all (here WebDriver's close, which skips the app's exit) remembers it.
  await wait(1500);
  await browser.closeWindow().catch(() => {}); // WebdriverIO ends the session with the window
  await wait(1500);

  browser = await openApp();
  const size = await until(
    browser,
    () =>
      browser.execute(() =>
        document.readyState === "complete" ? [innerWidth, innerHeight] : null,
      ),
    "the window",
  );
  assert.deepEqual(
    size,
    left,
    `the window opened at ${size} (default 1280×860), data in ${dataHome}`,
  );
  await browser.deleteSession();
});

/** The main window's X id, and the keyboard given to it as a window manager would. */
function focusMain() {
  const [id] = windows("Atelier(| — .*)");
  assert.ok(id, "the main window is mapped");
  execFileSync("xdotool", ["windowfocus", "--sync", id]);
  return id;
}

/** Takes the keyboard from every window, and the pointer off them (X focus follows it). */
function unfocusAll() {
  const [root] = execFileSync("xdotool", ["search", "--maxdepth", "0", "--name", ".*"])
    .toString()
    .trim()
    .split("\n");
  execFileSync("xdotool", ["windowfocus", root]);
  execFileSync("xdotool", ["mousemove", "1399", "999"]);
}

const key = (...keys) => execFileSync("xdotool", ["key", "--clearmodifiers", ...keys]);

test("the menu's shortcuts: settings, Esc, search, send from anywhere, and About", () =>
  session(async (browser) => {
    const $ = (sel) => browser.$(sel);
    const prompt = await $('[data-testid="prompt"]');
    await prompt.waitForDisplayed({ timeout: 60_000 });
    const shown = (sel) => browser.execute((s) => !!document.querySelector(s), sel);
    focusMain();

    key("ctrl+comma");
    await until(
      browser,
      () => shown('[data-testid="settings"] [data-testid="general-settings"]'),
      "Ctrl+, to open Settings at the app's own options",
    );
    key("Escape");
    await until(browser, async () => !(await shown('[data-testid="settings"]')), "Esc to close it");

    key("ctrl+f");
    await until(
      browser,
      () => browser.execute(() => document.activeElement?.getAttribute("data-testid") === "search"),
      "Ctrl+F to put the keyboard in the search box",
    );
    // Ctrl+Enter sends what is in the prompt box even with the keyboard elsewhere.
    await prompt.setValue("a kite over dunes");
    key("ctrl+f");
    key("ctrl+Return");
    await until(
      browser,
      () =>
        browser.execute(() =>
          [...document.querySelectorAll('[data-testid="job"]')].some((c) =>
            c.textContent.includes("a kite over dunes"),
          ),
        ),
      "Ctrl+Enter to send the prompt",
    );
    assert.equal(await prompt.getValue(), "", "the prompt box empties once sent");

    // Help › About, by its mnemonics as a keyboard user would.
    key("alt+h");
    await wait(300);
    key("a");
    const [about] = await windowAppears(
      "About Atelier",
      { exitCode: null, stderrText: "" },
      10_000,
    );
    execFileSync("xdotool", ["windowfocus", "--sync", about]);
    key("Escape");
    for (let t = 0; t < 40 && windows("About Atelier").length; t++) await wait(250);
    assert.deepEqual(windows("About Atelier"), [], "Esc closes the About box");
  }));

/**
 * Notify calls on the test's private session bus (scripts/with-keyring.sh): no notification
 * server runs there, so each call fails after it is sent, which is when dbus-monitor sees it.
 */
function watchNotifications() {
  const monitor = spawn(
    "dbus-monitor",
    ["--session", "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  started.push(monitor);
  const watch = { text: "" };
  monitor.stdout.on("data", (d) => (watch.text += d));
  watch.calls = () => watch.text.split(/\n(?=method call )/).filter((m) => m.includes("Notify"));
  return watch;
}

test("jobs that end while the window is elsewhere get one notification, until turned off", () =>
  session(async (browser) => {
    const bus = watchNotifications();
    const $ = (sel) => browser.$(sel);
    const prompt = await $('[data-testid="prompt"]');
    await prompt.waitForDisplayed({ timeout: 60_000 });
    const cards = () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-testid="job"]')].map((c) => ({
          text: c.textContent,
          status: c.getAttribute("data-status"),
        })),
      );
    // The newest cards, on screen at the top of the grid.
    const done = async (...prompts) => {
      const all = await cards();
      return prompts.every((p) => all.some((c) => c.text.includes(p) && c.status === "done"));
    };

    const send = async (p) => {
      await prompt.setValue(p);
      await browser.keys("Enter");
      await until(browser, async () => (await prompt.getValue()) === "", `“${p}” to be sent`);
    };
    const focused = (yes) =>
      until(
        browser,
        async () => (await browser.execute(() => document.hasFocus())) === yes,
        yes ? "the window to have the focus" : "the window to lose the focus",
      );

    // In front of the person: the gallery shows it, no notification.
    focusMain();
    await focused(true);
    await send("a lighthouse at dawn");
    await until(
      browser,
      () => done("a lighthouse at dawn"),
      "the first demo job to finish",
      60_000,
    );
    await wait(3000);
    assert.deepEqual(bus.calls(), [], "no notification while the window has the focus");

    const prompts = ["a lighthouse in fog", "a lighthouse at noon", "a lighthouse by night"];
    for (const p of prompts) await send(p);
    unfocusAll();
    await focused(false);
    await until(browser, () => done(...prompts), "three more demo jobs to finish", 90_000);
    await until(browser, async () => bus.calls().length > 0, "a notification", 15_000);
    await wait(3000); // a second one would have come by now
    const [call, ...more] = bus.calls();
    assert.deepEqual(more, [], `one notification for the three, not ${1 + more.length}`);
    assert.match(call, /3 jobs are ready/);
    for (const p of prompts) assert.ok(call.includes(p), `the notification names “${p}”:\n${call}`);

    // Turned off in Settings: the next job ends in silence.
    await (await $('[data-testid="open-settings"]')).click();
    await (await $('[data-testid="settings-general"]')).click();
    const box = await $('[data-testid="notifications"]');
    await box.click();
    await until(browser, async () => !(await box.isSelected()), "the setting to be saved");
    await browser.keys("Escape");
    await send("a lighthouse in snow");
    await focused(false);
    await until(browser, () => done("a lighthouse in snow"), "the fifth job to finish", 60_000);
    await wait(4000);
    assert.equal(bus.calls().length, 1, "no notification once turned off");
  }));
