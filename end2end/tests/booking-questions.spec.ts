import { test, expect, visit, signUp, shot, waitForEmail, pickFirstSlot } from "./fixtures";

test("a host asks for a phone number and their own questions; the invitee must answer them", async ({ page, errors }) => {
  const slug = `asker-${Date.now().toString(36)}`;
  await signUp(page, "Katherine Johnson", slug);

  await visit(page, "/dashboard/event-types/new");
  await page.getByLabel("Name").fill("Consultation");
  await page.getByLabel("Phone number on the booking form").selectOption("required");
  await page.getByTestId("save-event-type").click();
  await expect(page).toHaveURL(/\/dashboard\/event-types$/);
  await page.getByTestId("event-type-consultation").getByTestId("edit-event-type").click();
  await expect(page.getByTestId("no-questions")).toBeVisible();
  await page.locator('body[data-hydrated="true"]').waitFor();

  // A choice question needs its options; the error sits on the field.
  await page.getByTestId("new-question-label").fill("Team size");
  await page.getByTestId("new-question-kind").selectOption("choice");
  await page.getByTestId("new-question-options").fill("Just me");
  await page.getByTestId("new-question-required").check();
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("new-question-options")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#new-question-options-error")).toContainText("at least two options");
  await page.getByTestId("new-question-options").fill("Just me\n2–10\nMore than 10");
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-1")).toContainText("Team size");
  await expect(page.getByTestId("new-question-label")).toHaveValue("");

  await page.getByTestId("new-question-label").fill("Company");
  await page.getByTestId("new-question-required").check();
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-2")).toContainText("Company");
  // Company first.
  await page.getByTestId("question-2").getByTestId("question-up").click();
  await expect(page.getByTestId("question-1")).toContainText("Company");
  // A yes-or-no question and an optional date.
  await page.getByTestId("new-question-label").fill("Existing customer?");
  await page.getByTestId("new-question-kind").selectOption("yes_no");
  await page.getByTestId("new-question-required").check();
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-3")).toContainText("Existing customer?");
  await page.getByTestId("new-question-label").fill("Go-live date");
  await page.getByTestId("new-question-kind").selectOption("date");
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-4")).toContainText("Go-live date");
  // Any of several options: checkboxes.
  await page.getByTestId("new-question-label").fill("What should we cover?");
  await page.getByTestId("new-question-kind").selectOption("multiple_choice");
  await page.getByTestId("new-question-options").fill("Pricing\nA demo\nSupport");
  await page.getByTestId("new-question-save").click();
  await expect(page.getByTestId("question-5")).toContainText("What should we cover?");
  await shot(page, "q1-questions-editor");

  await visit(page, `/${slug}/consultation`);
  await pickFirstSlot(page);
  await page.getByLabel("Your name").fill("Dorothy Vaughan");
  await page.getByLabel("Email").fill(`dorothy.vaughan.${Date.now().toString(36)}@example.org`);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("phone")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Company")).toHaveAttribute("aria-invalid", "true");
  const teamSize = page.getByRole("radiogroup", { name: /Team size/ });
  await expect(teamSize).toHaveAttribute("aria-invalid", "true");
  await expect(teamSize).toContainText("Choose an answer.");
  await expect(page.getByRole("radiogroup", { name: /Existing customer/ })).toContainText("Choose yes or no.");
  await shot(page, "q2-answers-required");

  await page.getByLabel("Phone").fill("+1 757 555 0142");
  await page.getByLabel("Company").fill("NACA");
  await page.getByLabel("2–10").check();
  await page.getByLabel("Yes", { exact: true }).check();
  await page.getByLabel("Go-live date").fill("2027-01-15");
  const cover = page.getByRole("group", { name: /What should we cover/ });
  await cover.getByLabel("Support", { exact: true }).check();
  await cover.getByLabel("Pricing", { exact: true }).check();
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
  await expect(page.getByTestId("booking-answer")).toHaveText(["NACA", "2–10", "Yes", "2027-01-15", "Pricing Support"]);
  await shot(page, "q3-confirmation-with-answers");

  const hostMail = await waitForEmail(`<${slug}@example.com>`, "Company: NACA");
  expect(hostMail).toContain("Team size: 2–10");
  expect(hostMail).toContain("Phone: +17575550142");
  expect(errors).toEqual([]);
});
