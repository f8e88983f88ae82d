import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext } from "@playwright/test";
import { test, expect, visit, pickFirstSlot, watchForErrors, logInAsDemo } from "./fixtures";

/**
 * The most an invitee's phone downloads before a public page reacts: 300 KB
 * of gzipped wasm and JavaScript (README, "Wasm size"). Public pages load
 * only the islands bundle; the dashboard loads the whole app.
 */
const PUBLIC_BUDGET_BYTES = 300_000;

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
  // By file: a page that moves on to another (the booking page does, to the
  // browser's time zone) gets the same files again from the cache.
  const pending = new Map<string, Promise<Download>>();
  page.on("response", (response) => {
    const file = new URL(response.url()).pathname;
    if (!/^\/pkg\/.+\.(wasm|js)$/.test(file) || pending.has(file)) return;
    pending.set(file, response.body().then((body) => ({ file, gzip: gzipSync(body, { level: 9 }).length })));
  });
  await visit(page, url);
  await page.waitForLoadState("networkidle");
  const downloads = await Promise.all(pending.values());
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
    const verdict = total <= PUBLIC_BUDGET_BYTES ? "within" : "OVER";
    console.log(`wasm budget: ${name} ${kb(total)} gzipped, ${verdict} the budget of ${kb(PUBLIC_BUDGET_BYTES)} (${files})`);
    if (total > PUBLIC_BUDGET_BYTES) over.push(`${name}: ${kb(total)}`);
  }
  // The signed-in host's cookies, in a context of their own with an empty cache.
  await logInAsDemo(page);
  const dashboard = await coldLoad(browser, "/dashboard", await page.context().storageState());
  console.log(`wasm budget: dashboard ${kb(dashboard.total)} gzipped, no budget (${dashboard.files})`);

  expect(over, `public pages over ${kb(PUBLIC_BUDGET_BYTES)}`).toEqual([]);
});
