import { test, expect, visit, shot } from "./fixtures";

test("a host signs up, creates an event type and sets availability", async ({ page, errors }) => {
  const slug = `host-${Date.now().toString(36)}`;
  await visit(page, "/signup");
  await page.getByLabel("Your name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(`${slug}@example.com`);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Your page URL").fill(slug);
  await shot(page, "a1-signup");
  await page.getByTestId("signup-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("current-user")).toHaveText("Grace Hopper");

  // A too-short duration is refused inline, tied to its field.
  await visit(page, "/dashboard/event-types/new");
  await page.getByLabel("Name").fill("Office hours");
  await page.getByLabel("Duration (minutes)").fill("3");
  await page.getByTestId("save-event-type").click();
  const duration = page.getByTestId("event-duration");
  await expect(duration).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#event-duration-error")).toContainText("5 to 720");
  await page.getByLabel("Duration (minutes)").fill("45");
  // Bookings of a new event type reach HubSpot unless the host says otherwise.
  await expect(page.getByLabel("HubSpot (when your team has connected it)")).toHaveValue("on");
  await page.getByTestId("save-event-type").click();
  await expect(page).toHaveURL(/\/dashboard\/event-types$/);
  await expect(page.getByTestId("event-type-office-hours")).toContainText("45 min");
  await shot(page, "a2-event-types");

  // Saturday mornings too.
  await visit(page, "/dashboard/availability");
  await page.getByTestId("day-5-add").click();
  await page.getByTestId("day-5-start-0").fill("10:00");
  await page.getByTestId("day-5-end-0").fill("12:00");
  // A daily cap out of range is refused at its field, then a good one is kept.
  const cap = page.getByLabel("Maximum bookings per day");
  await cap.fill("0");
  await page.getByTestId("save-availability").click();
  await expect(cap).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#max-bookings-per-day-error")).toContainText("from 1 to 100");
  await cap.fill("6");
  await page.getByTestId("save-availability").click();
  await expect(page.getByTestId("availability-saved")).toBeVisible();
  await expect(cap).not.toHaveAttribute("aria-invalid", "true");
  await shot(page, "a3-availability");
  await visit(page, "/dashboard/availability");
  await expect(page.getByTestId("day-5-start-0")).toHaveValue("10:00");
  await expect(page.getByLabel("Maximum bookings per day")).toHaveValue("6");

  await visit(page, `/${slug}/office-hours`);
  await expect(page.getByRole("heading", { name: "Office hours" })).toBeVisible();
  await expect(page.locator('[data-available="true"]').first()).toBeVisible();
  await shot(page, "a4-public-booking-page");
  expect(errors).toEqual([]);
});
