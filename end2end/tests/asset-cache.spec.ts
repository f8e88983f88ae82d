import { test, expect, visit } from "./fixtures";

/**
 * Which `/pkg` files a page took from the network, watched through Chrome's
 * own network log: a file served from the memory or disk cache is
 * announced as such, and a revalidation (`304`) is a network fetch too.
 */
async function watchPkgFetches(page: import("@playwright/test").Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const fromCache = new Set<string>();
  const network: string[] = [];
  const cached: string[] = [];
  cdp.on("Network.requestServedFromCache", (e) => fromCache.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    const url = new URL(e.response.url);
    if (!url.pathname.startsWith("/pkg/")) return;
    if (fromCache.has(e.requestId) || e.response.fromDiskCache) cached.push(url.pathname);
    else network.push(`${url.pathname} (${e.response.status})`);
  });
  return {
    network,
    cached,
    reset() {
      network.length = 0;
      cached.length = 0;
    },
  };
}

test("a returning invitee's booking page takes its scripts, wasm and styles from the browser's cache", async ({
  page,
  errors,
}) => {
  const headers = new Map<string, Record<string, string>>();
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/pkg/")) headers.set(url.pathname, r.headers());
  });
  const fetches = await watchPkgFetches(page);

  const first = await page.goto("/demo/intro");
  expect(first?.headers()["cache-control"]).toBe("no-cache");
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 20_000 });
  expect(fetches.network.length, "the first visit downloads the files").toBeGreaterThanOrEqual(3);
  const files = [...headers.keys()];
  for (const kind of [/\.js$/, /\.wasm$/, /\.css$/]) {
    const file = files.find((f) => kind.test(f));
    expect(file, `a ${kind} file under /pkg`).toMatch(/^\/pkg\/(islands|slotline)\.[\w-]+\.\w+$/);
    expect(headers.get(file!)!["cache-control"]).toBe("public, max-age=31536000, immutable");
  }
  const wasm = files.find((f) => f.endsWith(".wasm"))!;
  expect(headers.get(wasm)!["content-encoding"], "the wasm arrives compressed").toMatch(/^(br|gzip)$/);

  // The invitee comes back later: a new navigation, not a reload.
  fetches.reset();
  await page.goto("about:blank");
  await visit(page, "/demo/intro");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(fetches.network, "nothing under /pkg over the network").toEqual([]);
  expect(fetches.cached.length, "every file came from the cache").toBeGreaterThanOrEqual(3);
});
