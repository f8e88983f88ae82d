import { test, expect, visit, shot, waitForEmail } from "./fixtures";

test("a host changes their password, forgets it and resets it by e-mail", async ({ page }) => {
  const slug = `pw-${Date.now().toString(36)}`;
  const email = `${slug}@example.com`;
  await visit(page, "/signup");
  await page.getByLabel("Your name").fill("Katherine Johnson");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Your page URL").fill(slug);
  await page.getByTestId("signup-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // A wrong current password is refused at its field; the right one changes it.
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("an even longer password");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("current-password")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Current password").fill("a long enough password");
  await page.getByTestId("change-password").click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  await shot(page, "p1-password-changed");

  // Forgotten after all: a link by e-mail sets a new one and logs in.
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByTestId("request-reset").click();
  await expect(page.getByTestId("reset-requested")).toBeVisible();
  const mail = await waitForEmail(email, "Reset your Slotline password");
  const link = new URL(mail.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)![0]);
  const resetPath = link.pathname + link.search;
  await visit(page, resetPath);
  await page.getByLabel("New password", { exact: true }).fill("a third, longer password");
  await shot(page, "p2-reset-password");
  await page.getByTestId("reset-submit").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("current-user")).toHaveText("Katherine Johnson");

  // The link works once.
  await visit(page, resetPath);
  await expect(page.getByTestId("reset-link-dead")).toBeVisible();
});
