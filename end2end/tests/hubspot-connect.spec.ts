import { test, expect, visit, shot } from "./fixtures";
import { sandboxURL, demoPassword } from "../playwright.config";

async function logInAsDemo(page: import("@playwright/test").Page) {
  await visit(page, "/login");
  await page.getByLabel("Email").fill("demo@slotline.test");
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function sandboxState(request: import("@playwright/test").APIRequestContext) {
  const response = await request.get(`${sandboxURL}/_sandbox/state`);
  expect(response.ok()).toBeTruthy();
  return response.json();
}

test("the owner connects HubSpot through its consent page, and disconnecting revokes the token", async ({ page, request, errors }) => {
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

  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByTestId("hubspot-disconnect").click();
  await expect(page.getByTestId("hubspot-status")).toHaveText("Not connected.");
  await expect
    .poll(async () => (await sandboxState(request)).revocations.length, { timeout: 15_000 })
    .toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
