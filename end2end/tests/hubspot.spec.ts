import { test, expect, visit, shot, pickFirstSlot, logInAsDemo } from "./fixtures";
import { sandboxURL } from "../playwright.config";

async function sandboxState(request: import("@playwright/test").APIRequestContext) {
  const response = await request.get(`${sandboxURL}/_sandbox/state`);
  expect(response.ok()).toBeTruthy();
  return response.json();
}

test("the owner connects HubSpot; a booking, its reschedule and its cancellation reach it; disconnecting revokes the token", async ({ page, request, errors }) => {
  await logInAsDemo(page);
  await visit(page, "/dashboard/integrations");
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");
  await shot(page, "h1-integrations-not-connected");

  // Saying no on HubSpot's side connects nothing, and the card says so.
  await page.getByTestId("hubspot-connect").click();
  await expect(page).toHaveURL(new RegExp(`^${sandboxURL}/oauth/authorize`));
  await page.getByTestId("deny-access").click();
  await expect(page.getByTestId("hubspot-error")).toContainText("HubSpot access was not granted");
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");

  await page.getByTestId("hubspot-connect").click();
  await expect(page.getByText("crm.objects.contacts.write")).toBeVisible();
  await shot(page, "h2-sandbox-consent");
  await page.getByTestId("grant-access").click();
  await expect(page).toHaveURL(/\/dashboard\/integrations\?connected=1$/);
  await expect(page.getByTestId("hubspot-connected-notice")).toBeVisible();
  await expect(page.getByTestId("hubspot-portal")).not.toBeEmpty();
  await shot(page, "h3-integrations-connected");

  // An invitee books: within seconds HubSpot holds the contact and a SCHEDULED meeting with them.
  const email = `hubspot-${Date.now().toString(36)}@example.com`;
  await visit(page, "/demo/intro");
  await pickFirstSlot(page);
  await page.getByLabel("Your name").fill("Mary Ann Smith");
  await page.getByLabel("Email").fill(email);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");

  const meetingOf = async () => {
    const state = await sandboxState(request);
    const contact = state.contacts.find((c: any) => c.properties.email === email);
    const meeting = state.meetings.find((m: any) => contact && m.contactIds.includes(contact.id));
    return { contact, meeting };
  };
  await expect.poll(async () => (await meetingOf()).meeting?.properties.hs_meeting_outcome, { timeout: 15_000 }).toBe("SCHEDULED");
  const { contact, meeting } = await meetingOf();
  expect(contact.properties.firstname).toBe("Mary Ann");
  expect(contact.properties.lastname).toBe("Smith");
  expect(meeting.properties.hs_meeting_title).toBe("Intro call with Mary Ann Smith");
  const firstStart = meeting.properties.hs_meeting_start_time;

  // Rescheduled: the same meeting moves and says so.
  await page.getByTestId("reschedule-link").click();
  await pickFirstSlot(page, 1);
  await page.getByTestId("confirm-reschedule").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("Your booking was rescheduled");
  await expect.poll(async () => (await meetingOf()).meeting?.properties.hs_meeting_outcome, { timeout: 15_000 }).toBe("RESCHEDULED");
  expect((await meetingOf()).meeting.properties.hs_meeting_start_time).not.toBe(firstStart);

  // Cancelled: marked, never deleted.
  await page.getByTestId("cancel-toggle").click();
  await page.getByTestId("cancel-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("This booking is cancelled");
  await expect.poll(async () => (await meetingOf()).meeting?.properties.hs_meeting_outcome, { timeout: 15_000 }).toBe("CANCELED");
  expect((await sandboxState(request)).meetings.length).toBe(1);

  // The card's sync log shows the three successes.
  await visit(page, "/dashboard/integrations");
  const rows = page.getByTestId("sync-log-row");
  await expect(rows).toHaveCount(3);
  await expect(page.locator('[data-testid="sync-log-row"][data-succeeded="true"]')).toHaveCount(3);
  await expect(page.getByTestId("hubspot-last-sync")).not.toHaveText("not yet");
  await shot(page, "h4-sync-log");
  await page.getByTestId("sync-log-failures").click();
  await expect(page.getByTestId("sync-log-empty")).toBeVisible();
  await page.getByTestId("sync-log-all").click();
  await expect(rows).toHaveCount(3);

  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId("hubspot-disconnect").click();
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");
  await expect
    .poll(async () => (await sandboxState(request)).revocations.length, { timeout: 15_000 })
    .toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
