import { test, expect, visit, shot, pickFirstSlot, logInAsDemo } from "./fixtures";
import { sandboxURL } from "../playwright.config";

// Runs after hubspot.spec.ts (files run in name order), which counts the
// demo team's sync log lines from an empty log.

async function sandboxState(request: import("@playwright/test").APIRequestContext) {
  const response = await request.get(`${sandboxURL}/_sandbox/state`);
  expect(response.ok()).toBeTruthy();
  return response.json();
}

/** Books the demo host's Discovery call as `email`, answering both questions. */
async function book(page: import("@playwright/test").Page, email: string, size: string, headCount: string) {
  await visit(page, "/demo/discovery");
  await pickFirstSlot(page);
  await page.getByLabel("Your name").fill("Wile E. Coyote");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(size, { exact: true }).check();
  await page.getByLabel("How many people work at your company?").fill(headCount);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
}

test("the owner maps answers to HubSpot contact and company properties; bookings fill them, one company per business domain", async ({ page, request, errors }) => {
  await logInAsDemo(page);

  // A new event type asking for the team size (a choice) and the head count.
  await visit(page, "/dashboard/event-types/new");
  await page.getByLabel("Name").fill("Discovery");
  await page.getByTestId("save-event-type").click();
  await expect(page).toHaveURL(/\/dashboard\/event-types$/);
  await page.getByTestId("event-type-discovery").getByTestId("edit-event-type").click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId("new-question-label").fill("Team size");
  await page.getByTestId("new-question-kind").selectOption("choice");
  await page.getByTestId("new-question-options").fill("Just me\nA small team\nA big company");
  await page.getByTestId("new-question-required").check();
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-1")).toContainText("Team size");
  await page.getByTestId("new-question-label").fill("How many people work at your company?");
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-2")).toContainText("How many people");

  // Not connected yet: the HubSpot section says where to connect; companies are turned on first.
  const section = page.getByTestId("hubspot-mapping");
  await expect(section).toContainText("Your team has not connected HubSpot");
  await page.getByTestId("hubspot-create-companies").click();
  await expect(page.getByTestId("hubspot-create-companies")).toHaveText("Stop creating companies");
  const editURL = page.url();

  // Connecting now asks HubSpot for companies too.
  await visit(page, "/dashboard/integrations");
  await page.getByTestId("hubspot-connect").click();
  await expect(page.getByText("crm.objects.companies.write")).toBeVisible();
  await page.getByTestId("grant-access").click();
  await expect(page).toHaveURL(/\/dashboard\/integrations\?connected=1$/);

  await visit(page, editURL);
  const contacts = page.getByTestId("hubspot-contacts");
  const companies = page.getByTestId("hubspot-companies");
  await expect(contacts).toContainText("Email (email)");
  // The portal's own writable properties: read-only and calculated ones are not offered.
  const contactProperty = page.getByLabel("HubSpot property").first();
  await expect(contactProperty.locator("option", { hasText: "Number of Employees" })).toHaveCount(1);
  await expect(contactProperty.locator('option[value="createdate"]')).toHaveCount(0);
  await expect(contactProperty.locator('option[value="email"]')).toHaveCount(0);

  // Team size → the contact's "Number of Employees" (an enumeration), option by option.
  await page.getByTestId("hubspot-contacts-property").selectOption("numemployees");
  await page.getByTestId("hubspot-contacts-source").selectOption({ label: "Question: Team size" });
  await page.getByTestId("hubspot-contacts-add").click();
  await expect(page.getByTestId("hubspot-contacts-row-numemployees")).toContainText("Question: Team size");
  await page.getByTestId("hubspot-contacts-numemployees-choices").click();
  await page.getByLabel("Answer “Just me”").selectOption("1-5");
  await page.getByLabel("Answer “A small team”").selectOption("5-25");
  await page.getByLabel("Answer “A big company”").selectOption("1000+");
  await page.getByTestId("hubspot-contacts-numemployees-save-choices").click();
  await page.getByTestId("hubspot-contacts-numemployees-choices").click();
  await expect(page.getByLabel("Answer “A small team”")).toHaveValue("5-25");

  // A property that already has a row is refused at the field.
  await page.getByTestId("hubspot-contacts-property").selectOption("numemployees");
  await page.getByTestId("hubspot-contacts-source").selectOption("full_name");
  await page.getByTestId("hubspot-contacts-add").click();
  await expect(page.getByTestId("hubspot-contacts-property")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#hubspot-contacts-property-error")).toContainText("already has a row");

  // The head count → the company's "Number of Employees" (a number).
  await page.getByTestId("hubspot-companies-property").selectOption("numberofemployees");
  await page.getByTestId("hubspot-companies-source").selectOption({ label: "Question: How many people work at your company?" });
  await page.getByTestId("hubspot-companies-add").click();
  await expect(page.getByTestId("hubspot-companies-row-numberofemployees")).toContainText("How many people");
  await expect(companies).toContainText("Company domain name (domain)");
  await shot(page, "m1-hubspot-mapping");

  const stamp = Date.now().toString(36);
  const someone = `someone-${stamp}@acme.example`;
  await book(page, someone, "A small team", "40");
  const contactOf = async (email: string) => (await sandboxState(request)).contacts.find((c: any) => c.properties.email === email);
  const acme = async () => (await sandboxState(request)).companies.filter((c: any) => c.properties.domain === "acme.example");
  await expect.poll(async () => (await acme()).length, { timeout: 15_000 }).toBe(1);
  const contact = await contactOf(someone);
  expect(contact.properties.numemployees).toBe("5-25");
  const [company] = await acme();
  expect(company.properties.numberofemployees).toBe("40");
  // The association follows the company's creation in a later call.
  const linksOf = async () =>
    (await sandboxState(request)).associations.filter(
      (a: any) => a.fromType === "contacts" && a.fromId === contact.id && a.toType === "companies",
    );
  await expect.poll(async () => (await linksOf()).map((a: any) => a.toId), { timeout: 15_000 }).toEqual([company.id]);
  const linked = await linksOf();
  expect(linked[0].typeIds).toContain(1);

  // A colleague at the same domain joins the same company.
  const other = `other-${stamp}@acme.example`;
  await book(page, other, "Just me", "41");
  await expect.poll(async () => (await contactOf(other))?.properties.numemployees, { timeout: 15_000 }).toBe("1-5");
  await expect.poll(async () => (await sandboxState(request)).associations.filter(
    (a: any) => a.toType === "companies" && a.toId === company.id,
  ).length, { timeout: 15_000 }).toBe(2);
  expect((await acme()).length).toBe(1);

  // A free-mail address makes no company.
  const gmail = `coyote.${stamp}@gmail.com`;
  await book(page, gmail, "Just me", "1");
  await expect.poll(async () => (await contactOf(gmail))?.properties.numemployees, { timeout: 15_000 }).toBe("1-5");
  const state = await sandboxState(request);
  expect(state.companies.filter((c: any) => c.properties.domain === "gmail.com")).toEqual([]);

  // The log line is written once the meeting is in; reload until it shows.
  await expect(async () => {
    await visit(page, "/dashboard/integrations");
    await expect(page.getByTestId("sync-log-row").first()).toContainText("gmail.com is a free e-mail domain", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await shot(page, "m2-sync-log");

  // Leave HubSpot as the other journeys expect it: disconnected, the sandbox empty.
  await page.getByTestId("hubspot-disconnect").click();
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");
  await expect.poll(async () => (await sandboxState(request)).revocations.length, { timeout: 15_000 }).toBeGreaterThan(0);
  expect((await request.post(`${sandboxURL}/_sandbox/reset`)).ok()).toBeTruthy();
  expect(errors).toEqual([]);
});
