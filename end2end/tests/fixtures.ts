import { test as base, expect, Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { demoPassword } from "../playwright.config";

/**
 * Collects uncaught page errors and console errors. Chrome also logs each
 * non-2xx response as a console error; a server function answering a
 * validation error that way is expected, so only those are let through.
 */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const fromServerFunction = m.location().url.includes("/api/") && m.text().startsWith("Failed to load resource");
    if (!fromServerFunction) errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  return errors;
}

export const test = base.extend<{ errors: string[] }>({
  errors: async ({ page }, use) => {
    const errors = watchForErrors(page);
    await use(errors);
    expect(errors, "no page or console errors").toEqual([]);
  },
});
export { expect };

/** Opens a page and waits until the wasm has hydrated it. */
export async function visit(page: Page, url: string) {
  await page.goto(url);
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 20_000 });
}

/** Logs in as the seeded demo host; ends on the dashboard. */
export async function logInAsDemo(page: Page) {
  await visit(page, "/login");
  await page.getByLabel("Email").fill("demo@slotline.test");
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Signs up a host named `name` whose page is `/{slug}`; ends on the dashboard. */
export async function signUp(page: Page, name: string, slug: string) {
  await visit(page, "/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(`${slug}@example.com`);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Your page URL").fill(slug);
  await page.getByTestId("signup-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join("test-results", "journeys", `${name}.png`), fullPage: true });
}

/** Waits for an email to `to` whose text contains `needle`; returns it. */
export async function waitForEmail(to: string, needle: string, timeoutMs = 20_000): Promise<string> {
  const outbox = path.resolve(__dirname, "..", ".data", "outbox");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(outbox)) {
      for (const file of fs.readdirSync(outbox)) {
        const text = decodeQuotedPrintable(fs.readFileSync(path.join(outbox, file), "utf8"));
        const toHeader = text.match(/^To: (.*)$/m)?.[1] ?? "";
        if (toHeader.includes(to) && text.includes(needle)) return text;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${to} containing ${needle} within ${timeoutMs} ms`);
}

/** Quoted-printable to text: `=XX` escapes are bytes of UTF-8, not characters. */
function decodeQuotedPrintable(raw: string): string {
  const text = raw.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === "=" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Picks the first day with more than `skip` free times (earlier journeys
 * take some, and late in the host's day few are left), then its slot after
 * `skip` others; returns the slot's start.
 */
export async function pickFirstSlot(page: Page, skip = 0): Promise<string> {
  const days = page.locator('[data-available="true"]');
  await expect(days.first()).toBeVisible();
  const slots = page.getByTestId("slot");
  const dayCount = await days.count();
  for (let d = 0; d < dayCount; d++) {
    const day = days.nth(d);
    await day.click();
    await expect(day).toHaveAttribute("aria-current", "date");
    await expect(slots.first()).toBeVisible();
    if ((await slots.count()) > skip) break;
  }
  const slot = slots.nth(skip);
  const start = (await slot.getAttribute("data-start")) ?? "";
  await slot.click();
  await expect(page.getByTestId("selected-time")).toBeVisible();
  return start;
}
