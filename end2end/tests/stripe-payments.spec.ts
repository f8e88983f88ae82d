import * as http from "node:http";
import type { Page } from "@playwright/test";
import { AddressInfo } from "node:net";
import { test, expect, visit, shot, pickFirstSlot, waitForEmail, logInAsDemo } from "./fixtures";
import { stripeSandboxURL } from "../playwright.config";

/** A webhook receiver on loopback that records every delivery. */
async function startReceiver() {
  const received: { event: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({
        event: String(req.headers["x-slotline-event"]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      res.end("thanks");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/payments`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}

/** Deletes the webhook to `url`, if there is one. */
async function removeWebhook(page: Page, url: string) {
  await visit(page, "/dashboard/webhooks");
  const mine = page.getByTestId("webhook-item").filter({ hasText: url });
  if ((await mine.count()) > 0) {
    await mine.getByTestId("webhook-delete").click();
    await expect(mine).toHaveCount(0);
  }
}

test("an invitee pays for a paid event type on Stripe's page, the payment is announced, and the host's cancel refunds it", async ({ page, errors }) => {
  // The longest journey: it waits out a real refund retry (5 to 10 s of
  // back-off) and two emails; on a loaded CI machine it ran past 60 s.
  test.slow();
  const receiver = await startReceiver();
  try {
    await logInAsDemo(page);

    // A price needs Stripe first: the event type form says so.
    await visit(page, "/dashboard/event-types/new");
    await page.getByLabel("Name", { exact: true }).fill("Paid session");
    await page.getByLabel("URL slug").fill("paid-session");
    await page.getByLabel("Price").fill("40");
    await page.getByTestId("save-event-type").click();
    await expect(page.getByTestId("event-price")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#event-price-error")).toContainText("Connect Stripe");

    // The owner connects Stripe (the sandbox) with its keys.
    await visit(page, "/dashboard/integrations");
    const card = page.getByTestId("stripe-card");
    await expect(card.getByTestId("stripe-status")).toHaveText("Not connected.");
    await expect(card.getByTestId("stripe-webhook-url")).toContainText("/integrations/stripe/webhook");
    await card.getByLabel("Secret key").fill("pk_test_wrong_kind_of_key");
    await card.getByLabel("Webhook signing secret").fill("whsec_slotline_sandbox");
    await card.getByTestId("stripe-connect").click();
    await expect(card.getByTestId("stripe-secret-key")).toHaveAttribute("aria-invalid", "true");
    await card.getByLabel("Secret key").fill("sk_test_slotline_sandbox");
    await card.getByTestId("stripe-connect").click();
    await expect(card.getByTestId("stripe-account")).toHaveText("test …dbox");
    await shot(page, "p1-stripe-connected");

    // Now the price saves.
    await visit(page, "/dashboard/event-types/new");
    await page.getByLabel("Name", { exact: true }).fill("Paid session");
    await page.getByLabel("URL slug").fill("paid-session");
    await page.getByLabel("Price").fill("40");
    await page.getByLabel("Currency").selectOption("usd");
    await page.getByLabel("Refund window (hours)").fill("24");
    await page.getByTestId("save-event-type").click();
    await expect(page).toHaveURL(/\/dashboard\/event-types$/);
    await expect(page.getByText("$40.00")).toBeVisible();

    // A webhook for the payment and the booking.
    await visit(page, "/dashboard/webhooks");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("(payment.received)").check();
    await page.getByTestId("create-webhook").click();
    await expect(page.getByTestId("webhook-item").filter({ hasText: receiver.url })).toHaveCount(1);

    // The invitee books and is sent to Stripe's page.
    const email = `payer-${Date.now().toString(36)}@example.com`;
    await visit(page, "/demo/paid-session");
    await expect(page.getByTestId("event-price")).toHaveText("$40.00");
    await pickFirstSlot(page);
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("Email").fill(email);
    await expect(page.getByTestId("payment-note")).toContainText("held for you for 15 minutes");
    await page.getByTestId("confirm-booking").click();
    await expect(page).toHaveURL(new RegExp(`^${stripeSandboxURL}/checkout/cs_`));
    await expect(page.getByTestId("stripe-amount")).toContainText("40.00");
    await shot(page, "p2-stripe-checkout");
    expect(receiver.received, "nothing is announced before the payment").toEqual([]);

    // Paid: back on Slotline, which waits for Stripe's word, then confirms.
    await page.getByTestId("stripe-pay").click();
    await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked", { timeout: 20_000 });
    await expect(page.getByTestId("booking-paid")).toHaveText("$40.00 paid with Visa •••• 4242");
    await page.locator('body[data-hydrated="true"]').waitFor();
    await shot(page, "p3-paid-and-booked");
    const bookingId = new URL(page.url()).pathname.split("/").pop()!;
    await waitForEmail(email, "Payment: $40.00 paid with Visa");

    await expect.poll(() => receiver.received.map((r) => r.event).sort(), { timeout: 15_000 }).toEqual(
      expect.arrayContaining(["booking.created", "payment.received"]),
    );
    const payment = receiver.received.find((r) => r.event === "payment.received")!.body;
    expect(payment.apiVersion).toBe("2025-02-09");
    expect(payment.data).toMatchObject({ bookingId, amount: 4000, currency: "usd", paymentMethod: "card" });
    expect(payment.data.id).toMatch(/^[a-z0-9]{24}$/);
    expect(payment.data.transactionId).toMatch(/^pi_/);
    const created = receiver.received.find((r) => r.event === "booking.created")!.body;
    expect(created.data).toMatchObject({ id: bookingId, status: "confirmed" });

    // The host sees the payment, cancels, and Stripe refunds it.
    await visit(page, "/dashboard/payments");
    const row = page.getByTestId("payment-row").first();
    await expect(row.getByTestId("payment-amount")).toHaveText("$40.00");
    await expect(row.getByTestId("payment-status")).toHaveText("Paid");
    await visit(page, `/dashboard/bookings/${bookingId}`);
    await expect(page.getByTestId("booking-payment-amount")).toHaveText("$40.00");
    // Stripe fails the first refund attempt: the host sees it being retried.
    await page.request.post(`${stripeSandboxURL}/_sandbox/faults`, { data: { kind: "refund_500" } });
    await page.getByLabel("Reason (sent to the invitee)").fill("I have to travel");
    await page.getByTestId("host-cancel-booking").click();
    await expect(page.getByTestId("booking-status")).toHaveText("cancelled");
    await expect
      .poll(
        async () => {
          await visit(page, `/dashboard/bookings/${bookingId}`);
          return page.getByTestId("booking-refund-error").textContent();
        },
        { timeout: 15_000 },
      )
      .toContain("(500)");
    await expect(page.getByTestId("booking-refund")).toHaveAttribute("data-status", "requested");
    await expect(page.getByTestId("booking-refund")).toContainText("refund being retried");
    await shot(page, "p4-refund-retried");
    await expect
      .poll(
        async () => {
          const state = await (await page.request.get(`${stripeSandboxURL}/_sandbox/state`)).json();
          return state.refunds.map((r: any) => [r.amount, r.status]);
        },
        { timeout: 30_000 },
      )
      .toEqual([[4000, "succeeded"]]);
    await expect
      .poll(
        async () => {
          await visit(page, "/dashboard/payments");
          return page.getByTestId("payment-row").first().getByTestId("payment-status").textContent();
        },
        { timeout: 30_000 },
      )
      .toBe("Refunded");
    await expect(page.getByTestId("payment-row").first()).toContainText("$40.00 refunded");
    await shot(page, "p5-refunded");
    await waitForEmail(email, "Refund: $40.00");

    // The receiver was this journey's alone.
    await removeWebhook(page, receiver.url);
  } finally {
    await receiver.close();
    // Also when the journey failed half-way, so that later specs see no
    // webhook of its; the journey's own error is the one reported.
    await removeWebhook(page, receiver.url).catch(() => {});
  }
});
