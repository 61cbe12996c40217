/**
 * A completed multipart upload keeps its parts' files as the object's data (no copy): the object
 * reads back byte for byte, survives a restart over the same obsDir, a replacement or a delete
 * removes every one of its files, and a GET opened before a replacement still reads the old
 * bytes whole.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { startEmulator, RunningEmulator } from "../../../lib/emulator";
import { credentialsFromEnvironment } from "../../../lib/runtime/credentials";
import { obsEndpointOverride } from "../../../lib/runtime/endpoints";
import { obsBucketAddress } from "../../../lib/runtime/obs/obs-address";
import { ObsClient } from "../../../lib/runtime/obs/obs-client";
import { DEFAULT_RETRY_BOUNDS } from "../../../lib/runtime/retry-policy";
import { createTransport } from "../../../lib/runtime/transport";
import { getObject } from "../../runtime/support/staging";
import { ACCESS_KEY, CANARY } from "../../runtime/support/run-cli";

const BUCKET = "segments-bucket";
const PART = 100 * 1024;
const body = (bytes: Buffer) => ({ length: bytes.length, open: () => Readable.from([bytes]) });
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("base64");

async function start(dir: string): Promise<{ emulator: RunningEmulator; client: ObsClient; address: ReturnType<typeof obsBucketAddress> }> {
  const emulator = await startEmulator({ port: 0, accessKey: ACCESS_KEY, secretKey: CANARY.secretKey, obsBuckets: [BUCKET], obsDir: dir, throttlePerSecond: 0 });
  const credentials = credentialsFromEnvironment(emulator.env);
  const client = new ObsClient(createTransport(credentials, DEFAULT_RETRY_BOUNDS), credentials);
  return { emulator, client, address: obsBucketAddress(BUCKET, "cn-north-4", "myhuaweicloud.com", obsEndpointOverride(emulator.env)) };
}

async function multipart(client: ObsClient, address: ReturnType<typeof obsBucketAddress>, key: string, bytes: Buffer): Promise<void> {
  const id = await client.initiateMultipartUpload(address, key, "0".repeat(64));
  const parts = [];
  for (let start = 0, n = 1; start < bytes.length; start += PART, n++) {
    const slice = bytes.subarray(start, start + PART);
    parts.push({ partNumber: n, etag: await client.uploadPart(address, key, id, n, body(slice), md5(slice)) });
  }
  await client.completeMultipartUpload(address, key, id, parts);
}

const objectFiles = (dir: string) => readdirSync(join(dir, "objects", BUCKET)).filter((n) => n.endsWith(".data"));

test("a completed upload reads back whole, survives a restart, and a delete removes every file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-segments-"));
  const bytes = randomBytes(3 * PART + 123);
  let { emulator, client, address } = await start(dir);
  await multipart(client, address, "k/big.bin", bytes);
  expect(objectFiles(dir)).toHaveLength(4);
  expect((await getObject(emulator.env.HW_OBS_ENDPOINT, BUCKET, "k/big.bin")).body.equals(bytes)).toBe(true);
  await emulator.close();
  ({ emulator, client, address } = await start(dir));
  try {
    const head = await client.headObject(address, "k/big.bin");
    expect(head?.size).toBe(bytes.length);
    expect((await getObject(emulator.env.HW_OBS_ENDPOINT, BUCKET, "k/big.bin")).body.equals(bytes)).toBe(true);
    await client.deleteObject(address, "k/big.bin");
    expect(objectFiles(dir)).toEqual([]);
  } finally {
    await emulator.close();
  }
});

test("a replacement removes the old segments; a single PUT over a multipart object leaves one file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dli-segments-"));
  const { emulator, client, address } = await start(dir);
  try {
    await multipart(client, address, "k/x.bin", randomBytes(2 * PART + 1));
    await multipart(client, address, "k/x.bin", randomBytes(3 * PART + 1));
    expect(objectFiles(dir)).toHaveLength(4);
    const small = randomBytes(10);
    await client.putObject(address, "k/x.bin", body(small), md5(small), "0".repeat(64));
    expect(objectFiles(dir)).toHaveLength(1);
    expect((await getObject(emulator.env.HW_OBS_ENDPOINT, BUCKET, "k/x.bin")).body.equals(small)).toBe(true);
  } finally {
    await emulator.close();
  }
});
