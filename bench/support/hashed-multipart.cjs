// The second baseline of bench/staging, the floor of the work the protocol requires: the leanest
// client that stages a file the way issue 24 asks, with node:http and nothing of ours but the
// signer. The file is read once, 16 MiB part by part into memory, in order; each part's MD5 goes
// in its Content-MD5 and the whole file's SHA-256 (the content address, x-obs-meta-sha256 on the
// initiate) is updated in order; 4 parts in flight; initiate, parts, complete. No retries, no
// read-back, no file checks, no DLI: what upload-group does beyond this is our cost, the rest is
// hashing and the emulator's MD5 check, on the same cores.
// Usage: node hashed-multipart.cjs <file> <bucket> <key>  (HW_OBS_ENDPOINT, HW_ACCESS_KEY, HW_SECRET_KEY)
const { createHash } = require("node:crypto");
const { openSync, readSync, fstatSync } = require("node:fs");
const http = require("node:http");
const { join } = require("node:path");
const { obsAuthorization } = require(join(__dirname, "..", "..", "dist", "lib", "runtime", "signer", "obs"));

const [file, bucket, key] = process.argv.slice(2);
const endpoint = new URL(process.env.HW_OBS_ENDPOINT);
const PART = 16 * 1024 * 1024;
const IN_FLIGHT = 4;
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function send(method, query, headers, body) {
  const all = { ...headers, date: new Date().toUTCString(), "content-length": String(body ? body.length : 0) };
  all.authorization = obsAuthorization(process.env.HW_ACCESS_KEY, process.env.HW_SECRET_KEY, { method, bucket, key, query, headers: all });
  const search = Object.entries(query).map(([k, v]) => (v === undefined ? k : `${k}=${encodeURIComponent(v)}`)).join("&");
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: endpoint.hostname, port: endpoint.port, method, path: `/${bucket}/${key}${search ? `?${search}` : ""}`, headers: all, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }) : reject(new Error(`${method} ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function main() {
  const fd = openSync(file, "r");
  const size = fstatSync(fd).size;
  const sha256 = createHash("sha256");
  // The key is content-addressed: a real client knows the SHA-256 from synth and checks it at the end.
  const initiated = await send("POST", { uploads: undefined }, { "content-type": "application/octet-stream", "x-obs-meta-sha256": "0".repeat(64) });
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(initiated.body)[1];
  const etags = [];
  const inFlight = new Set();
  for (let offset = 0, number = 1; offset < size; offset += PART, number++) {
    const body = Buffer.allocUnsafe(Math.min(PART, size - offset));
    readSync(fd, body, 0, body.length, offset);
    sha256.update(body);
    const md5 = createHash("md5").update(body).digest("base64");
    const n = number;
    const sent = send("PUT", { partNumber: String(n), uploadId }, { "content-md5": md5 }, body).then((r) => {
      etags[n - 1] = r.headers.etag;
      inFlight.delete(sent);
    });
    inFlight.add(sent);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  sha256.digest("hex");
  const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
  await send("POST", { uploadId }, { "content-type": "application/xml" }, Buffer.from(xml));
  agent.destroy();
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
