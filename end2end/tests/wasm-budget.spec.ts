import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext } from "@playwright/test";
import { test, expect, visit, pickFirstSlot, watchForErrors, logInAsDemo } from "./fixtures";

/**
 * What an invitee's phone should download before a public page reacts:
 * 300 KB of gzipped wasm and JavaScript. Not met yet (README, "Wasm
 * size"): each run prints how far off each page is.
 */
const PUBLIC_GOAL_BYTES = 300_000;
/**
 * What the build enforces until the goal is met: the public pages' size
 * today with a little room, so that they cannot grow unnoticed.
 */
const PUBLIC_CEILING_BYTES = 600_000;

type Download = { file: string; gzip: number };
type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/**
 * Opens `url` in a fresh browser context (an empty cache, as on a first
 * visit), waits until it has hydrated, and measures every wasm and
 * JavaScript file it fetched from /pkg as `gzip -9` would send it.
 */
async function coldLoad(browser: Browser, url: string, storageState?: StorageState) {
  const context = await browser.newContext({ timezoneId: "Europe/London", storageState });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  const pending: Promise<Download>[] = [];
  page.on("response", (response) => {
    const file = new URL(response.url()).pathname;
    if (!/^\/pkg\/.+\.(wasm|js)$/.test(file)) return;
    pending.push(response.body().then((body) => ({ file, gzip: gzipSync(body, { level: 9 }).length })));
  });
  await visit(page, url);
  await page.waitForLoadState("networkidle");
  const downloads = await Promise.all(pending);
  await context.close();
  expect(errors, `no page or console errors on ${url}`).toEqual([]);
  const total = downloads.reduce((sum, d) => sum + d.gzip, 0);
  const files = downloads.map((d) => `${d.file.replace(/^\/pkg\//, "")} ${kb(d.gzip)}`).join(", ");
  return { total, files };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

test("the public pages hydrate within their budget of gzipped wasm and JavaScript", async ({ page, browser }) => {
  // A booking to open the invitee's manage page of.
  await visit(page, "/demo/intro");
  await pickFirstSlot(page, 2);
  await page.getByLabel("Your name").fill("Budget Check");
  await page.getByLabel("Email").fill(`budget-${Date.now().toString(36)}@example.com`);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
  const managePage = new URL(page.url()).pathname + new URL(page.url()).search;

  const pages = [
    ["host page", "/demo"],
    ["booking page", "/demo/intro"],
    ["manage page", managePage],
  ];
  const over: string[] = [];
  for (const [name, url] of pages) {
    const { total, files } = await coldLoad(browser, url);
    // Printed whether or not it passes, so that the figure is in every run's log.
    const goal = total <= PUBLIC_GOAL_BYTES ? "goal met" : `goal ${kb(PUBLIC_GOAL_BYTES)} missed`;
    console.log(`wasm budget: ${name} ${kb(total)} gzipped, ceiling ${kb(PUBLIC_CEILING_BYTES)}, ${goal} (${files})`);
    if (total > PUBLIC_CEILING_BYTES) over.push(`${name}: ${kb(total)}`);
  }
  // The signed-in host's cookies, in a context of their own with an empty cache.
  await logInAsDemo(page);
  const dashboard = await coldLoad(browser, "/dashboard", await page.context().storageState());
  console.log(`wasm budget: dashboard ${kb(dashboard.total)} gzipped, no budget (${dashboard.files})`);

  expect(over, `public pages over ${kb(PUBLIC_CEILING_BYTES)}`).toEqual([]);
});
