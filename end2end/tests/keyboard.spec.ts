import { test, expect, visit, shot } from "./fixtures";

test.use({ timezoneId: "Asia/Tokyo" });

test("the calendar and the time list work by keyboard alone", async ({ page, errors }) => {
  await visit(page, "/demo/deep-dive");
  await expect(page.getByTestId("time-zone")).toHaveValue("Asia/Tokyo");
  const days = page.locator('[data-available="true"]');
  await expect(days.nth(1)).toBeVisible();
  const second = await days.nth(1).getAttribute("data-testid");

  // Arrow keys move between days with free times; Enter opens one.
  await days.first().focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.locator(`[data-testid="${second}"]`)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator(`[data-testid="${second}"]`)).toHaveAttribute("aria-current", "date");

  // Tab reaches the first time; Enter picks it and opens the form.
  const firstSlot = page.getByTestId("slot").first();
  for (let i = 0; i < 60 && !(await firstSlot.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(firstSlot).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("selected-time")).toContainText("(Asia/Tokyo)");
  await page.getByLabel("Your name").focus();
  await page.keyboard.type("Keyboard User");
  await page.keyboard.press("Tab");
  await page.keyboard.type(`keys-${Date.now().toString(36)}@example.com`);
  await page.getByTestId("confirm-booking").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
  await shot(page, "e1-keyboard-booking");
  expect(errors).toEqual([]);
});
