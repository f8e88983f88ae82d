import { test, expect, visit, shot, watchForErrors } from "./fixtures";

test("two invitees race for one slot and exactly one gets it", async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext({ timezoneId: "Europe/London" }), browser.newContext({ timezoneId: "Europe/London" })]);
  const pages = await Promise.all(contexts.map((c) => c.newPage()));
  const errors = pages.map(watchForErrors);

  // Both open the same, still free, slot.
  await visit(pages[0], "/demo/deep-dive");
  await expect(pages[0].getByTestId("time-zone")).toHaveValue("Europe/London");
  await pages[0].locator('[data-available="true"]').first().click();
  const slot = pages[0].getByTestId("slot").first();
  await slot.click();
  await expect(pages[0].getByTestId("selected-time")).toBeVisible();
  const url = pages[0].url();
  await visit(pages[1], url);
  await expect(pages[1].getByTestId("selected-time")).toBeVisible();

  for (const [i, page] of pages.entries()) {
    await page.getByLabel("Your name").fill(`Racer ${i}`);
    await page.getByLabel("Email").fill(`racer${i}-${Date.now().toString(36)}@example.com`);
  }
  await Promise.all(pages.map((p) => p.getByTestId("confirm-booking").click()));

  const outcome = async (i: number) => {
    const booked = pages[i].getByTestId("manage-heading");
    const taken = pages[i].getByTestId("slot-taken");
    await expect(booked.or(taken)).toBeVisible();
    return (await booked.isVisible()) ? "booked" : "taken";
  };
  const results = await Promise.all([outcome(0), outcome(1)]);
  expect([...results].sort()).toEqual(["booked", "taken"]);
  const loser = pages[results[0] === "taken" ? 0 : 1];
  await expect(loser.getByTestId("slot-taken")).toHaveText(/That time was just taken/);
  await shot(pages[0], "d1-racer-0");
  await shot(pages[1], "d2-racer-1");
  for (const e of errors) expect(e).toEqual([]);
  await Promise.all(contexts.map((c) => c.close()));
});
