import { test, expect, visit, shot, logInAsDemo } from "./fixtures";
import { baseURL, sandboxURL } from "../playwright.config";

// Runs after hubspot.spec.ts and mapping.spec.ts (files run in name order),
// which expect the demo team's HubSpot log to start empty.

const CUSTOMERS = 300;

async function sandboxState(request: import("@playwright/test").APIRequestContext) {
  const response = await request.get(`${sandboxURL}/_sandbox/state`);
  expect(response.ok()).toBeTruthy();
  return response.json();
}

test("the owner turns on two-way sync, watches the reconcile finish, filters by the Customer tag, edits a contact that reaches HubSpot and merges duplicates", async ({ page, request, errors }) => {
  // HubSpot holds customers, a subscriber and a lead; its app webhooks point at Slotline.
  expect((await request.post(`${sandboxURL}/_sandbox/reset`)).ok()).toBeTruthy();
  const seeded = await request.post(`${sandboxURL}/_sandbox/contacts/seed`, {
    data: { count: CUSTOMERS, emailPrefix: "customer", properties: { lifecyclestage: "customer" } },
  });
  expect(seeded.ok()).toBeTruthy();
  for (const [email, firstname, lifecyclestage] of [
    ["sam.subscriber@example.com", "Sam", "subscriber"],
    ["lea.lead@example.com", "Lea", "lead"],
  ]) {
    const made = await request.post(`${sandboxURL}/_sandbox/contacts`, {
      data: { properties: { email, firstname, lastname: "Example", lifecyclestage } },
    });
    expect(made.ok()).toBeTruthy();
  }
  const hooked = await request.post(`${sandboxURL}/_sandbox/webhooks`, {
    data: { targetUrl: `${baseURL}/integrations/hubspot/webhook` },
  });
  expect(hooked.ok()).toBeTruthy();

  await logInAsDemo(page);
  await visit(page, "/dashboard/integrations");
  await page.getByTestId("hubspot-connect").click();
  await page.getByTestId("grant-access").click();
  await expect(page).toHaveURL(/\/dashboard\/integrations\?connected=1$/);

  // Both ways, customers and subscribers (the defaults), then the reconcile's bar fills.
  await page.locator('body[data-hydrated="true"]').waitFor();
  const sync = page.getByTestId("contact-sync");
  await expect(sync.getByLabel("Customer", { exact: true })).toBeChecked();
  await expect(sync.getByLabel("Subscriber", { exact: true })).toBeChecked();
  await expect(sync.getByLabel("Lead", { exact: true })).not.toBeChecked();
  await sync.getByLabel(/^Both ways/).check();
  await page.getByTestId("contact-sync-save").click();
  const reconcile = page.getByTestId("reconcile");
  await expect(reconcile).toBeVisible();
  await shot(page, "t1-reconcile-running");
  await expect(reconcile).toHaveAttribute("data-status", "finished", { timeout: 45_000 });
  await expect(page.getByTestId("reconcile-status")).toContainText(`${CUSTOMERS + 1} pulled`);
  await expect(page.getByTestId("reconcile-status")).toContainText("1 skipped by filter");
  await expect(page.getByTestId("next-reconcile")).not.toBeEmpty();
  await shot(page, "t2-reconcile-finished");

  // The Customer tag filters the list.
  await visit(page, "/dashboard/contacts");
  await page.getByTestId("contacts-filter-customer").click();
  await expect(page).toHaveURL(/\?tag=customer$/);
  await expect(page.getByTestId("contacts-pages")).toContainText(`Page 1 of ${CUSTOMERS / 50} (${CUSTOMERS} contacts)`);
  await expect(page.getByTestId("contact-row")).toHaveCount(50);
  await page.getByTestId("contacts-next").click();
  await expect(page).toHaveURL(/\?page=2&tag=customer$/);
  await expect(page.getByTestId("contact-tag")).toHaveCount(50);
  await page.getByTestId("contacts-filter-customer").click();
  await expect(page.getByTestId("contact-tag").first()).toHaveText("Customer");
  await expect(page.getByText("lea.lead@example.com")).toHaveCount(0);
  await shot(page, "t3-customers");

  // An edit in Slotline reaches HubSpot.
  const first = page.getByTestId("contact-row").first();
  const email = (await first.locator("td").nth(1).textContent())!.trim();
  await first.getByRole("link").click();
  await expect(page).toHaveURL(/\/dashboard\/contacts\/[a-z0-9]+$/);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Company (optional)").fill("Edited In Slotline Ltd");
  await page.getByTestId("save-contact").click();
  await expect(page.getByTestId("contact-saved")).toBeVisible();
  await expect
    .poll(async () => (await sandboxState(request)).contacts.find((c: any) => c.properties.email === email)?.properties.company, { timeout: 15_000 })
    .toBe("Edited In Slotline Ltd");

  // A change in HubSpot arrives through the webhook.
  const sam = (await sandboxState(request)).contacts.find((c: any) => c.properties.email === "sam.subscriber@example.com");
  await request.patch(`${sandboxURL}/_sandbox/contacts/${sam.id}`, { data: { properties: { company: "Changed In HubSpot" } } });
  await expect(async () => {
    await visit(page, "/dashboard/contacts?tag=subscriber");
    await expect(page.getByTestId("contact-row").first()).toContainText("Changed In HubSpot", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await visit(page, "/dashboard/integrations");
  await expect(page.getByTestId("webhooks-status")).toContainText("last arrived");

  // Two contacts with one phone number are merged into the older one.
  await visit(page, "/dashboard/contacts");
  await page.locator('body[data-hydrated="true"]').waitFor();
  for (const [name, address] of [["Dana Twin", "dana@example.com"], ["Dana T.", "dana.t@example.com"]]) {
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Email", { exact: true }).fill(address);
    await page.getByLabel("Phone (optional)").fill("+44 20 7946 0958");
    await page.getByTestId("add-contact").click();
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  const duplicate = page.getByTestId("duplicate-row").filter({ hasText: "dana.t@example.com" });
  await expect(duplicate).toContainText("Same phone");
  await shot(page, "t4-duplicates");
  await duplicate.getByTestId("merge-contacts").click();
  await expect(page.getByText("dana.t@example.com")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Dana Twin", exact: true })).toBeVisible();

  // Leave HubSpot as the other journeys expect it: disconnected, the sandbox empty.
  await visit(page, "/dashboard/integrations");
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId("hubspot-disconnect").click();
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");
  expect((await request.post(`${sandboxURL}/_sandbox/reset`)).ok()).toBeTruthy();
  expect(errors).toEqual([]);
});
