import { test, expect, visit, signUp, shot, pickFirstSlot } from "./fixtures";

test("a host offers several durations, makes a key an agent can only read with, and sees where bookings came from", async ({ page, errors }) => {
  const slug = `agent-${Date.now().toString(36)}`;
  await signUp(page, "Grace Hopper", slug);

  // Several durations; a typo is refused at its field.
  await visit(page, "/dashboard/event-types/new");
  await page.getByLabel("Name", { exact: true }).fill("Consultation");
  await page.getByTestId("event-durations").fill("sixty");
  await page.getByTestId("save-event-type").click();
  await expect(page.getByTestId("event-durations")).toHaveAttribute("aria-invalid", "true");
  await page.getByTestId("event-durations").fill("15, 60");
  await page.getByTestId("save-event-type").click();
  await expect(page).toHaveURL(/\/dashboard\/event-types$/);

  // The invitee picks an hour instead of the default half hour.
  await visit(page, `/${slug}/consultation`);
  await expect(page.getByTestId("event-duration")).toHaveText("30 min");
  const options = page.getByTestId("duration-option");
  await expect(options).toHaveText(["15 min", "30 min", "60 min"]);
  await expect(options.nth(1)).toHaveAttribute("aria-current", /^(true|page)$/);
  await options.nth(2).click();
  await expect(page.getByTestId("event-duration")).toHaveText("60 min");
  await expect(options.nth(2)).toHaveAttribute("aria-current", /^(true|page)$/);
  await shot(page, "a1-durations");
  await pickFirstSlot(page);
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(`ada.${Date.now().toString(36)}@example.org`);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");

  await visit(page, "/dashboard");
  await page.getByTestId("upcoming-bookings").getByRole("link").first().click();
  await expect(page.getByTestId("booking-source")).toHaveText("Booking page");

  // A key that may read but not book.
  await visit(page, "/settings/api-keys");
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Name", { exact: true }).fill("Receptionist");
  await page.getByLabel("Book, reschedule and cancel").uncheck();
  await page.getByTestId("create-api-key").click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^sl_live_/);
  await expect(page.getByRole("row", { name: /Receptionist/ })).toContainText("bookings:read, contacts:read, hooks");
  await shot(page, "a2-scoped-key");

  const types = await (await page.request.get("/api/v1/event-types", { headers: { "X-API-Key": key } })).json();
  expect(types[0].durations).toEqual([15, 30, 60]);
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const availability = await page.request.get(
    `/api/v1/availability?eventTypeId=${types[0].id}&from=${today}&to=${later}&timeZone=Europe/Berlin&duration=60`,
    { headers: { "X-API-Key": key } },
  );
  expect(availability.status()).toBe(200);
  const free = await availability.json();
  expect(free.duration).toBe(60);
  const refused = await page.request.post("/api/v1/bookings", {
    headers: { "X-API-Key": key, "Idempotency-Key": "e2e-1" },
    data: {
      eventTypeId: types[0].id,
      start: free.slots[0].start,
      invitee: { name: "Kay", email: "kay@example.org", timeZone: "Europe/Berlin" },
    },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("insufficient_scope");

  // The team reads national phone numbers in the region it sets.
  await visit(page, "/settings/team");
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Country for national phone numbers").fill("Atlantis");
  await page.getByTestId("save-phone-region").click();
  await expect(page.getByTestId("phone-region")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Country for national phone numbers").fill("us");
  await page.getByTestId("save-phone-region").click();
  await expect(page.getByTestId("phone-region-current")).toContainText("read as US");
  const me = await (await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } })).json();
  expect(me.phoneRegion).toBe("US");
  expect(errors).toEqual([]);
});
