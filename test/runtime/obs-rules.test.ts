/**
 * The pure rules of staging: where an OBS request goes, the part size, the multipart settings,
 * the XML reader, the gc inventory and its duration, the progress meter's bounds.
 */
import { obsBucketAddress, obsBucketPath, obsObjectPath } from "../../lib/runtime/obs/obs-address";
import { xmlEscape } from "../../lib/contract/xml-text";
import { xmlBlocks, xmlText } from "../../lib/runtime/obs/obs-xml";
import { parseDuration, stagingInventory } from "../../lib/runtime/obs/staging-inventory";
import { DEFAULT_STAGING_SETTINGS, partBytesFor, stagingSettingsFromEnvironment } from "../../lib/runtime/obs/staging-settings";
import { createUploadMeter, formatBytes } from "../../lib/runtime/obs/upload-progress";
import { obsEndpointOverride } from "../../lib/runtime/endpoints";
import { createRetryDigest } from "../../lib/runtime/obs/retry-digest";

const SHA = "a".repeat(64);

describe("obsBucketAddress", () => {
  test("no override: the bucket's own virtual-hosted origin", () => {
    const address = obsBucketAddress("b1", "cn-north-4", "myhuaweicloud.com", undefined);
    expect(address.origin.href).toBe("https://b1.obs.cn-north-4.myhuaweicloud.com/");
    expect(obsObjectPath(address, `p/${SHA}/a b+.jar`)).toBe(`/p/${SHA}/a%20b%2B.jar`);
    expect(obsBucketPath(address)).toBe("/");
  });
  test("a loopback override is path-style (dli-local)", () => {
    const address = obsBucketAddress("b1", "cn-north-4", "myhuaweicloud.com", obsEndpointOverride({ HW_OBS_ENDPOINT: "http://127.0.0.1:8080" }));
    expect(address.origin.href).toBe("http://127.0.0.1:8080/");
    expect(obsObjectPath(address, "k/x.jar")).toBe("/b1/k/x.jar");
    expect(obsBucketPath(address)).toBe("/b1");
  });
  test("any other override is virtual-hosted under its host, port kept", () => {
    const address = obsBucketAddress("b1", "cn-north-4", "myhuaweicloud.com", obsEndpointOverride({ HW_OBS_ENDPOINT: "https://obs.internal.example:8443" }));
    expect(address.origin.href).toBe("https://b1.obs.internal.example:8443/");
    expect(obsObjectPath(address, "k")).toBe("/k");
  });
  test("an http override that is not loopback is refused", () => {
    expect(() => obsEndpointOverride({ HW_OBS_ENDPOINT: "http://obs.example.com" })).toThrow(/HW_OBS_ENDPOINT: "http:\/\/obs\.example\.com" — an https:\/\/ URL/);
    expect(obsEndpointOverride({})).toBeUndefined();
  });
});

describe("staging settings", () => {
  test("defaults: single PUT up to 64 MiB, parts of 16 MiB, 4 at a time", () => {
    expect(stagingSettingsFromEnvironment({})).toEqual({ multipartThresholdBytes: 64 * 2 ** 20, partBytes: 16 * 2 ** 20, partConcurrency: 4 });
  });
  test("each variable is checked against its range", () => {
    expect(stagingSettingsFromEnvironment({ DLI_PACKAGES_PART_CONCURRENCY: "8" }).partConcurrency).toBe(8);
    expect(() => stagingSettingsFromEnvironment({ DLI_PACKAGES_PART_CONCURRENCY: "0" })).toThrow(/DLI_PACKAGES_PART_CONCURRENCY: "0" must be a whole number from 1 to 32/);
    expect(() => stagingSettingsFromEnvironment({ DLI_PACKAGES_MULTIPART_THRESHOLD_BYTES: "6000000000" })).toThrow(/from 102400 to 5368709120/);
    expect(() => stagingSettingsFromEnvironment({ DLI_PACKAGES_PART_BYTES: "1e6" })).toThrow(/DLI_PACKAGES_PART_BYTES/);
  });
  test("the part size grows to whole MiB when 10,000 parts would not hold the file", () => {
    expect(partBytesFor(300 * 2 ** 20, DEFAULT_STAGING_SETTINGS)).toBe(16 * 2 ** 20);
    const size = 10_000 * 16 * 2 ** 20 + 1;
    const part = partBytesFor(size, DEFAULT_STAGING_SETTINGS);
    expect(part).toBe(17 * 2 ** 20);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(10_000);
  });
});

describe("obs-xml", () => {
  test("reads text and repeated blocks, decoding entities", () => {
    const xml = `<?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b&#x2F;c</Key><Size>3</Size></Contents><Contents><Key>d</Key><Size>4</Size></Contents></ListBucketResult>`;
    expect(xmlText(xml, "IsTruncated")).toBe("true");
    expect(xmlBlocks(xml, "Contents").map((b) => [xmlText(b, "Key"), xmlText(b, "Size")])).toEqual([
      ["a&b/c", "3"],
      ["d", "4"],
    ]);
    expect(xmlText(xml, "Missing")).toBeUndefined();
    expect(xmlText("<K>&#99999999;</K>", "K")).toBe("&#99999999;");
    expect(xmlEscape(`<"a'&>`)).toBe("&lt;&quot;a&apos;&amp;&gt;");
  });
});

describe("staging gc inventory", () => {
  const prefix = "dli-staging/";
  const day = 86_400_000;
  const now = 10 * day;
  test("orphans are content-addressed, undeclared and older than the guard; other keys are never touched", () => {
    const inventory = stagingInventory({
      keyPrefix: prefix,
      objects: [
        { key: `${prefix}${SHA}/old.jar`, size: 5, lastModified: now - 2 * day },
        { key: `${prefix}${SHA}/declared.jar`, size: 5, lastModified: now - 2 * day },
        { key: `${prefix}${SHA}/new.jar`, size: 5, lastModified: now - 1000 },
        { key: `${prefix}${SHA}/unknown-date.jar`, size: 5, lastModified: Number.NaN },
        { key: `${prefix}notes.txt`, size: 5, lastModified: 0 },
        { key: `${prefix}${SHA.slice(1)}/x.jar`, size: 5, lastModified: 0 },
        { key: `${prefix}${SHA}/a/b.jar`, size: 5, lastModified: 0 },
      ],
      uploads: [
        { key: `${prefix}${SHA}/big.jar`, uploadId: "u1", initiated: now - 2 * day },
        { key: `${prefix}${SHA}/big.jar`, uploadId: "u2", initiated: now - 60_000 },
        { key: `${prefix}other/big.jar`, uploadId: "u3", initiated: 0 },
      ],
      declaredKeys: new Set([`${prefix}${SHA}/declared.jar`]),
      keepAfterMs: now - day,
    });
    expect(inventory.orphans.map((o) => o.key)).toEqual([`${prefix}${SHA}/old.jar`]);
    expect(inventory.staleUploads.map((u) => u.uploadId)).toEqual(["u1"]);
    expect(inventory).toMatchObject({ declared: 1, recent: 2, foreign: 4, activeUploads: 1 });
  });
  test("--older-than durations", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("0s")).toBe(0);
    for (const bad of ["", "24", "1.5h", "-1h", "3651d", "1w", "h"]) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe("upload progress", () => {
  test("at most one line per interval, with bytes, rate and ETA; none at the end", () => {
    const lines: string[] = [];
    let clock = 0;
    const meter = createUploadMeter("big.jar", 100 * 2 ** 20, { step: (l) => lines.push(l) }, () => clock, 5_000);
    for (let i = 0; i < 99; i++) {
      clock += 100; // a part every 100 ms, 99 parts of 1 MiB
      meter.add(2 ** 20);
    }
    clock += 100;
    meter.add(2 ** 20);
    // 10 s of parts: one line at 5 s; the next interval ends with the last part, which makes none
    expect(lines).toEqual(["staging big.jar: 50.0 MiB of 100.0 MiB (50%), 10.0 MiB/s, about 5s left"]);
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(3 * 2 ** 30)).toBe("3.0 GiB");
  });
});

describe("retry digest", () => {
  test("the first retry is said at once, later ones at most once per interval, the total on demand", () => {
    const lines: string[] = [];
    let clock = 0;
    const digest = createRetryDigest({ step: (l) => lines.push(l) }, () => clock, 5_000);
    const event = (cause: string, throttled = false) => digest.listener({ method: "PUT", path: "/b/k", attempt: 2, delayMs: 10, cause, throttled, pacingMs: throttled ? 500 : 0 });
    event("HTTP 503");
    for (let i = 0; i < 100; i++) {
      clock += 10;
      event(i % 2 ? "ECONNRESET" : "HTTP 429", i % 2 === 0);
    }
    clock = 5_000;
    event("HTTP 503");
    expect(lines).toEqual([
      "OBS: 1 attempt retried (HTTP 503 ×1), retrying (429s are waited out; faults retried within DLI_PACKAGES_MAX_ATTEMPTS per call)",
      "OBS: 101 attempts retried (HTTP 429 (throttled) ×50, ECONNRESET ×50, HTTP 503 ×1), retrying (429s are waited out; faults retried within DLI_PACKAGES_MAX_ATTEMPTS per call)",
    ]);
    expect(digest.takeTotal()).toBe("102 attempts retried (HTTP 429 (throttled) ×50, ECONNRESET ×50, HTTP 503 ×2)");
    expect(digest.takeTotal()).toBeUndefined();
  });
});

describe("part hasher (worker thread)", () => {
  const { openSync, closeSync, writeFileSync, mkdtempSync } = require("node:fs") as typeof import("node:fs");
  const { join } = require("node:path") as typeof import("node:path");
  const { createHash, randomBytes } = require("node:crypto") as typeof import("node:crypto");
  const { startPartHasher, FileShrankError } = require("../../lib/runtime/obs/part-hasher") as typeof import("../../lib/runtime/obs/part-hasher");

  test("each part's MD5 and the file's SHA-256, never more than the lookahead ahead of the taken parts", async () => {
    const bytes = randomBytes(10 * 1000 + 7);
    const path = join(mkdtempSync(join(require("node:os").tmpdir(), "dli-hasher-")), "f");
    writeFileSync(path, bytes);
    const fd = openSync(path, "r");
    const hasher = startPartHasher(fd, bytes.length, 1000, 2);
    try {
      // only parts 0 and 1 may be hashed before any part is taken
      expect((await hasher.digest(1)).hex).toBe(createHash("md5").update(bytes.subarray(1000, 2000)).digest("hex"));
      let third = false;
      void hasher.digest(2).then(() => (third = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(third).toBe(false);
      for (let i = 0; i < 11; i++) hasher.advance(i);
      const last = await hasher.digest(10);
      expect(last.base64).toBe(createHash("md5").update(bytes.subarray(10_000)).digest("base64"));
      expect(await hasher.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    } finally {
      await hasher.stop();
      closeSync(fd);
    }
  });

  test("a file shorter than its recorded size rejects with FileShrankError", async () => {
    const path = join(mkdtempSync(join(require("node:os").tmpdir(), "dli-hasher-")), "f");
    writeFileSync(path, randomBytes(1500));
    const fd = openSync(path, "r");
    const hasher = startPartHasher(fd, 3000, 1000, 5);
    try {
      await expect(hasher.sha256).rejects.toBeInstanceOf(FileShrankError);
      await expect(hasher.digest(2)).rejects.toBeInstanceOf(FileShrankError);
    } finally {
      await hasher.stop();
      closeSync(fd);
    }
  });
});
