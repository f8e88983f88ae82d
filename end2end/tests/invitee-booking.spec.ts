import { test, expect, visit, shot, waitForEmail, pickFirstSlot } from "./fixtures";

test.use({ timezoneId: "America/New_York" });

test("an invitee in another zone books, reschedules and cancels through the emailed link", async ({ page, errors }) => {
  const email = `invitee-${Date.now().toString(36)}@example.com`;
  await visit(page, "/demo/intro");
  // The page switches to the browser's zone once hydrated.
  await expect(page.getByTestId("time-zone")).toHaveValue("America/New_York");
  await shot(page, "b1-booking-page");
  const start = await pickFirstSlot(page);
  await expect(page.getByTestId("selected-time")).toContainText("(America/New_York)");

  // Bad input is refused inline, then corrected.
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#email-error")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Anything to share before the meeting?").fill("Looking forward to it.");
  await shot(page, "b2-details");
  await page.getByTestId("confirm-booking").click();

  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
  await expect(page.getByTestId("booking-when")).toContainText("(America/New_York)");
  await expect(page.getByTestId("booking-when-host")).toContainText("(Europe/Berlin)");
  await shot(page, "b3-confirmation");

  const mail = await waitForEmail(email, "/bookings/");
  const link = mail.match(/https?:\/\/[^\s"<>]+\/bookings\/[A-Za-z0-9]+\?token=[A-Za-z0-9_-]+/);
  expect(link, "the confirmation email has the manage link").not.toBeNull();
  expect(mail).toContain("METHOD:REQUEST");

  // (c) Reschedule through the emailed link.
  await visit(page, link![0]);
  await expect(page.getByTestId("booking-status")).toHaveText("Confirmed");
  await page.getByTestId("reschedule-link").click();
  await expect(page.getByTestId("rescheduling-banner")).toBeVisible();
  const newStart = await pickFirstSlot(page, 1);
  expect(newStart).not.toEqual(start);
  await shot(page, "c1-reschedule");
  await page.getByTestId("confirm-reschedule").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("Your booking was rescheduled");
  await expect(page.getByTestId("booking-previous")).toBeVisible();
  await waitForEmail(email, "Rescheduled");

  // Then cancel with a reason.
  await page.getByTestId("cancel-toggle").click();
  await page.getByLabel("Reason for cancelling").fill("Plans changed");
  await page.getByTestId("cancel-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("This booking is cancelled");
  await expect(page.getByTestId("cancel-reason")).toHaveText("Plans changed");
  await shot(page, "c2-cancelled");
  const cancelMail = await waitForEmail(email, "METHOD:CANCEL");
  expect(cancelMail).toContain("Plans changed");
  expect(errors).toEqual([]);
});

test("an unknown host or event answers 404", async ({ page }) => {
  for (const path of ["/nobody-here/intro", "/demo/no-such-event"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
});
