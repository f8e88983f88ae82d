import * as crypto from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { test, expect, visit, shot, pickFirstSlot, logInAsDemo } from "./fixtures";

/** A webhook receiver on loopback that records requests and answers with the statuses it is given, then 200. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const replies: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = replies.shift() ?? 200;
      res.end(res.statusCode === 200 ? "thanks" : "receiver is down");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slotline`;
  return { url, received, replies, close: () => new Promise((r) => server.close(r)) };
}

/** The checks a receiver writes, with Node's crypto: GitHub-style and Standard Webhooks signatures. */
function verify(delivery: { headers: http.IncomingHttpHeaders; body: string }, secret: string) {
  const hex = crypto.createHmac("sha256", secret).update(delivery.body, "utf8").digest("hex");
  expect(delivery.headers["x-slotline-signature"]).toBe(`sha256=${hex}`);
  const id = delivery.headers["webhook-id"] as string;
  const timestamp = delivery.headers["webhook-timestamp"] as string;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${delivery.body}`, "utf8").digest("base64");
  expect(delivery.headers["webhook-signature"]).toBe(`v1,${signature}`);
  expect(delivery.headers["x-slotline-delivery"]).toBe(id);
  expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
}

async function bookIntro(page: import("@playwright/test").Page, email: string, skip: number) {
  await visit(page, "/demo/intro");
  await pickFirstSlot(page, skip);
  await page.getByLabel("Your name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(email);
  await page.getByTestId("confirm-booking").click();
  await expect(page.getByTestId("manage-heading")).toHaveText("You’re booked");
}

test("a host makes an API key and a signed webhook; bookings reach it, retries and redeliveries show in the log", async ({ page, errors }) => {
  const receiver = await startReceiver();
  try {
    await logInAsDemo(page);

    // An API key, shown once.
    await visit(page, "/settings/api-keys");
    await page.getByLabel("Name").fill("Zapier");
    await page.getByTestId("create-api-key").click();
    const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^sl_live_[A-Za-z0-9]{64}$/);
    await expect(page.getByTestId("api-key-row").first()).toContainText(key.slice(0, 12));
    await shot(page, "w1-api-key-created");
    await visit(page, "/settings/api-keys");
    await expect(page.getByTestId("new-api-key")).toHaveCount(0);
    await expect(page.locator("body")).not.toContainText(key);
    const me = await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } });
    expect(me.status()).toBe(200);
    expect((await me.json()).email).toBe("demo@slotline.test");

    // A webhook to the receiver; its secret is shown once.
    await visit(page, "/dashboard/webhooks");
    await page.getByLabel("Endpoint URL").fill("not a url");
    await page.getByTestId("create-webhook").click();
    await expect(page.getByTestId("webhook-url")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByTestId("create-webhook").click();
    const secret = (await page.getByTestId("webhook-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // This journey's webhook alone: another spec's may be listed beside it.
    const mine = page.getByTestId("webhook-item").filter({ hasText: receiver.url });
    await expect(mine).toHaveCount(1);
    await expect(mine.getByTestId("webhook-target")).toHaveText(receiver.url);
    await shot(page, "w2-webhook-created");

    // An invitee books: the receiver gets booking.created, signed both ways.
    await bookIntro(page, `webhook-${Date.now().toString(36)}@example.com`, 0);
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    const first = receiver.received[0];
    verify(first, secret);
    expect(first.headers["x-slotline-event"]).toBe("booking.created");
    const envelope = JSON.parse(first.body);
    expect(envelope.apiVersion).toBe("2025-02-09");
    expect(envelope.data.invitee.name).toBe("Grace Hopper");

    await visit(page, "/dashboard/webhooks");
    await mine.getByTestId("webhook-log-link").click();
    await expect(page).toHaveURL(/\/dashboard\/webhooks\/\w+$/);
    const delivered = page.getByTestId("delivery").first();
    await expect(delivered.getByTestId("delivery-status")).toHaveText("Delivered");
    await expect(delivered.getByTestId("attempt-status")).toHaveText(["200"]);
    const logUrl = page.url();

    // The receiver fails twice, then takes the next booking's delivery.
    receiver.replies.push(500, 500);
    await bookIntro(page, `webhook-retry-${Date.now().toString(36)}@example.com`, 1);
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(4);
    const retried = receiver.received.slice(1);
    const deliveryId = retried[0].headers["x-slotline-delivery"];
    expect(retried.map((r) => r.headers["x-slotline-delivery"])).toEqual([deliveryId, deliveryId, deliveryId]);
    retried.forEach((r) => verify(r, secret));
    await visit(page, logUrl);
    const latest = page.locator(`[data-delivery-id="${deliveryId}"]`);
    await expect(latest.getByTestId("attempt-status")).toHaveText(["500", "500", "200"]);
    await expect(latest.getByTestId("delivery-status")).toHaveText("Delivered");
    await shot(page, "w3-delivery-log-retries");

    // Redeliver sends it again with the same delivery id.
    await latest.getByTestId("redeliver").click();
    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(5);
    expect(receiver.received[4].headers["x-slotline-delivery"]).toBe(deliveryId);
    expect(receiver.received[4].body).toBe(retried[0].body);
    await page.getByTestId("refresh-log").click();
    await expect(latest.getByTestId("attempt-status")).toHaveText(["500", "500", "200", "200"]);
    await shot(page, "w4-delivery-log-redelivered");

    // Rolling the secret: the new one is shown once, the old one signs beside it for a day.
    await visit(page, "/dashboard/webhooks");
    await mine.getByTestId("webhook-roll-secret").click();
    const panel = page.getByTestId("webhook-secret-panel");
    await expect(panel.getByTestId("webhook-previous-secret")).toContainText("(Europe/Berlin)");
    const rolled = ((await panel.getByTestId("webhook-secret").textContent()) ?? "").trim();
    expect(rolled).toMatch(/^whsec_/);
    expect(rolled).not.toBe(secret);
    await bookIntro(page, `webhook-rolled-${Date.now().toString(36)}@example.com`, 2);
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(6);
    const both = receiver.received[5];
    const signatures = (both.headers["webhook-signature"] as string).split(" ");
    expect(signatures).toHaveLength(2);
    const standard = (s: string) => {
      const key = Buffer.from(s.replace(/^whsec_/, ""), "base64");
      const signed = `${both.headers["webhook-id"]}.${both.headers["webhook-timestamp"]}.${both.body}`;
      return `v1,${crypto.createHmac("sha256", key).update(signed, "utf8").digest("base64")}`;
    };
    expect(signatures).toEqual([standard(rolled), standard(secret)]);
    const hex = crypto.createHmac("sha256", rolled).update(both.body, "utf8").digest("hex");
    expect(both.headers["x-slotline-signature"]).toBe(`sha256=${hex}`);

    // The team's owner sees the key under its member and revokes it: it stops working at once.
    await visit(page, "/settings/team");
    await expect(page.getByTestId("team-member-row")).toContainText(["demo@slotline.test"]);
    const row = page.getByTestId("team-keys").getByTestId("api-key-row").filter({ hasText: key.slice(0, 12) });
    await expect(row).toHaveAttribute("data-status", "active");
    await shot(page, "w5-team-keys");
    await row.getByTestId("revoke-api-key").click();
    await expect(row).toHaveAttribute("data-status", "revoked");
    const revoked = await page.request.get("/api/v1/me", { headers: { "X-API-Key": key } });
    expect(revoked.status()).toBe(401);
    expect((await revoked.json()).error.code).toBe("invalid_api_key");
  } finally {
    await receiver.close();
  }
});
