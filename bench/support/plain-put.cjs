// The baseline of bench/staging: one plain node:http PUT of a file's bytes to the emulated OBS
// (path-style), streamed from disk, signed with the runtime's OBS signer (dli-local checks
// every signature), no Content-MD5, no hashing, no retries: the floor for sending those bytes.
// Usage: node plain-put.cjs <file> <bucket> <key>  (HW_OBS_ENDPOINT, HW_ACCESS_KEY, HW_SECRET_KEY)
const { createReadStream, statSync } = require("node:fs");
const http = require("node:http");
const { join } = require("node:path");
const { obsAuthorization } = require(join(__dirname, "..", "..", "dist", "lib", "runtime", "signer", "obs"));

const [file, bucket, key] = process.argv.slice(2);
const endpoint = new URL(process.env.HW_OBS_ENDPOINT);
const headers = { "content-length": String(statSync(file).size), "content-type": "application/octet-stream", date: new Date().toUTCString() };
headers.authorization = obsAuthorization(process.env.HW_ACCESS_KEY, process.env.HW_SECRET_KEY, { method: "PUT", bucket, key, headers });
const req = http.request({ hostname: endpoint.hostname, port: endpoint.port, method: "PUT", path: `/${bucket}/${key}`, headers }, (res) => {
  res.resume();
  res.on("end", () => process.exit(res.statusCode === 200 ? 0 : 1));
});
req.on("error", (error) => {
  console.error(error.message);
  process.exit(1);
});
createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(req);
