// Recordings of acceptance runs and their replay against dli-local (docs/acceptance.md).
//
// normalize(): the exchanges recorder.cjs wrote (JSON lines) become one JSON document without
// secrets or ids: credential values scrubbed wherever they appear, 32-hex ids and UUIDs replaced
// by stable placeholders (<id-1>, <uuid-1>), the run id by <run>, the staging prefix by
// <staging>/, hosts by <endpoint> (each exchange names its service: dli, iam or obs), and entries of
// listed arrays that do not belong to the run (other groups of a real project) left out.
//
// replay(): sends each recorded DLI/IAM request again, in order, signed, to a fresh dli-local
// and compares the answers: the status, the error_code and the shape of the body (every field
// and the JSON type of its value, recursively; the elements of an array merged into one shape).
// Values are not compared: ids, times and sizes differ by nature. Any other difference is
// reported, one line each: that is what makes dli-local's fidelity checkable against a live
// recording.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const http = require("node:http");

const root = join(__dirname, "..", "..");
const FORMAT = "dli-acceptance-recording/1";

/** The JSON lines of an exchanges file, oldest first. */
function readExchanges(file) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line))
    .sort((a, b) => a.at - b.at);
}

function serviceOf(exchange) {
  if (exchange.path.startsWith("/v3/") || exchange.path.startsWith("/v3.0/")) return "iam";
  if (/^\/v[12]\.0\//.test(exchange.path)) return "dli";
  return "obs";
}

/**
 * One recording from raw exchanges. `context`: { runId, prefix, staging?, region, mode,
 * secrets: string[] (credential values to scrub) }.
 */
function normalize(exchanges, context) {
  const ids = new Map();
  const placeholder = (kind, value) => {
    const key = `${kind}:${value.toLowerCase()}`;
    if (!ids.has(key)) ids.set(key, `<${kind}-${[...ids.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}>`);
    return ids.get(key);
  };
  const secrets = (context.secrets ?? []).filter((s) => typeof s === "string" && s.length >= 4);
  // The hosts the run talked to (a loopback port, a region's endpoints) become <endpoint>.
  const origins = [...new Set(exchanges.map((e) => e.origin).filter(Boolean))].sort((a, b) => b.length - a.length);
  const text = (value) => {
    let out = value;
    for (const secret of secrets) out = out.split(secret).join("<redacted>");
    for (const origin of origins) out = out.split(origin).join("<endpoint>");
    out = out.replace(/https?:\/\/(?:iam|dli)\.[a-z0-9.-]+(?::\d+)?/g, "<endpoint>");
    if (context.staging) out = out.split(context.staging).join("<staging>/");
    if (context.runId) out = out.split(context.runId).join("<run>");
    out = out.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, (m) => placeholder("uuid", m));
    out = out.replace(/(?<![0-9a-zA-Z])[0-9a-f]{32}(?![0-9a-zA-Z])/gi, (m) => placeholder("id", m));
    return out;
  };
  const deep = (value) => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(deep);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
    return value;
  };
  const ours = (entry) => JSON.stringify(entry).includes("<run>");
  /** Listed arrays keep only the run's entries; a live project holds other people's groups. */
  const onlyOurs = (body) => {
    if (!body || typeof body !== "object" || Array.isArray(body)) return { body, omitted: 0 };
    let omitted = 0;
    const kept = {};
    for (const [key, value] of Object.entries(body)) {
      if (Array.isArray(value) && value.some((v) => v && typeof v === "object" && ("group_name" in v || "resource_name" in v || "module_name" in v))) {
        kept[key] = value.filter(ours);
        omitted += value.length - kept[key].length;
      } else kept[key] = value;
    }
    return { body: kept, omitted };
  };
  const recorded = exchanges.map((raw) => {
    const responseJson = raw.responseBody?.json !== undefined ? deep(raw.responseBody.json) : undefined;
    const { body, omitted } = raw.method === "GET" && serviceOf(raw) === "dli" ? onlyOurs(responseJson) : { body: responseJson, omitted: 0 };
    return {
      service: serviceOf(raw),
      method: raw.method,
      path: text(raw.path),
      query: text(raw.query ?? ""),
      ...(raw.requestBody?.json !== undefined ? { requestBody: deep(raw.requestBody.json) } : raw.requestBody?.text !== undefined ? { requestText: `${raw.requestBody.text.length} bytes` } : {}),
      status: raw.status,
      contentType: raw.responseHeaders?.["content-type"],
      ...(body !== undefined ? { responseBody: body } : raw.responseBody?.text !== undefined ? { responseText: text(raw.responseBody.text.slice(0, 2000)) } : {}),
      ...(omitted > 0 ? { omittedEntries: omitted } : {}),
    };
  });
  return { format: FORMAT, mode: context.mode, region: context.region, exchanges: recorded };
}

/** The JSON type of a value; objects and arrays recursively, array elements merged. */
function shapeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return { array: value.reduce((merged, v) => mergeShapes(merged, shapeOf(v)), undefined) };
  if (typeof value === "object") return { object: Object.fromEntries(Object.keys(value).sort().map((k) => [k, shapeOf(value[k])])) };
  return typeof value;
}

function mergeShapes(a, b) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === "object" && typeof b === "object" && a.object && b.object) {
    const merged = { ...a.object };
    for (const [k, v] of Object.entries(b.object)) merged[k] = k in merged ? mergeShapes(merged[k], v) : v;
    return { object: merged };
  }
  if (typeof a === "object" && typeof b === "object" && "array" in a && "array" in b) return { array: mergeShapes(a.array, b.array) };
  return JSON.stringify(a) === JSON.stringify(b) ? a : { oneOf: [a, b] };
}

function describeShape(shape) {
  if (typeof shape === "string") return shape;
  if (shape.object) return "object";
  if ("array" in shape) return "array";
  return shape.oneOf.map(describeShape).join("|");
}

/** Lines naming every difference between the recorded shape and dli-local's, at `where`. */
function compareShapes(recorded, local, where = "body") {
  if (recorded === undefined || local === undefined) return [];
  if (typeof recorded === "object" && typeof local === "object" && recorded.object && local.object) {
    const lines = [];
    for (const key of Object.keys(recorded.object)) {
      if (!(key in local.object)) lines.push(`${where}.${key}: recorded (${describeShape(recorded.object[key])}), dli-local lacks it`);
      else lines.push(...compareShapes(recorded.object[key], local.object[key], `${where}.${key}`));
    }
    for (const key of Object.keys(local.object)) {
      if (!(key in recorded.object)) lines.push(`${where}.${key}: dli-local answers it (${describeShape(local.object[key])}), the recording lacks it`);
    }
    return lines;
  }
  if (typeof recorded === "object" && typeof local === "object" && "array" in recorded && "array" in local) {
    return compareShapes(recorded.array, local.array, `${where}[]`);
  }
  const a = JSON.stringify(recorded);
  const b = JSON.stringify(local);
  return a === b ? [] : [`${where}: recorded ${describeShape(recorded)}, dli-local ${describeShape(local)}`];
}

/** Recorded exchanges a replay skips, with why: transient answers and what it cannot re-send. */
function skipReason(exchange) {
  if (exchange.service === "obs") return "OBS (not replayed: dli-local serves DLI and IAM)";
  if (exchange.status === 0 || exchange.status === 429 || exchange.status >= 500) return `HTTP ${exchange.status} (transient: throttling or a server fault)`;
  if (JSON.stringify(exchange.requestBody ?? "").includes("<redacted>")) return "its request carried a secret (redacted)";
  return undefined;
}

/**
 * Replays `recording` against a fresh dli-local; resolves with { compared, skipped, differences }
 * (differences: one line each, naming the exchange). `options.emulator`: extra emulator options.
 */
async function replay(recording, options = {}) {
  if (recording.format !== FORMAT) throw new Error(`not an acceptance recording (format ${JSON.stringify(recording.format)}, expected ${FORMAT})`);
  const { startEmulator } = require(join(root, "dist", "lib", "emulator"));
  const { credentialsFromEnvironment } = require(join(root, "dist", "lib", "runtime", "credentials.js"));
  const emulator = await startEmulator({ port: 0, region: recording.region ?? "cn-north-4", ...(options.emulator ?? {}) });
  const projectId = emulator.env.HW_PROJECT_ID;
  const credentials = credentialsFromEnvironment(emulator.env);
  const endpoint = new URL(emulator.url);
  const staging = `https://dli-replay.obs.${recording.region ?? "cn-north-4"}.myhuaweicloud.com/replay/`;
  const projectPlaceholders = new Set(recording.exchanges.filter((e) => e.service === "dli").map((e) => /^\/v[12]\.0\/(<id-\d+>)\//.exec(e.path)?.[1]).filter(Boolean));
  const fill = (text) => {
    let out = text.split("<run>").join("replay").split("<staging>/").join(staging).split("<endpoint>").join(emulator.url);
    for (const p of projectPlaceholders) out = out.split(p).join(projectId);
    return out;
  };
  const fillDeep = (value) => {
    if (typeof value === "string") return fill(value);
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]));
    return value;
  };
  const result = { compared: 0, skipped: [], differences: [] };
  try {
    for (const [index, exchange] of recording.exchanges.entries()) {
      const label = `#${index + 1} ${exchange.method} ${exchange.path}${exchange.query ? `?${exchange.query}` : ""}`;
      const reason = skipReason(exchange);
      if (reason) {
        result.skipped.push(`${label}: ${reason}`);
        continue;
      }
      const path = fill(exchange.path);
      const query = fill(exchange.query ?? "");
      const body = exchange.requestBody === undefined ? undefined : JSON.stringify(fillDeep(exchange.requestBody));
      const unsigned = { host: endpoint.host, "user-agent": "dli-acceptance-replay", "content-type": "application/json" };
      const headers = credentials.authorize({ method: exchange.method, path, query, headers: unsigned, body, projectId: exchange.service === "dli" ? projectId : undefined });
      const answer = await send(endpoint, exchange.method, query ? `${path}?${query}` : path, headers, body);
      result.compared++;
      const lines = [];
      if (answer.status !== exchange.status) lines.push(`status: recorded ${exchange.status}, dli-local ${answer.status}`);
      let localBody;
      try {
        localBody = answer.text === "" ? undefined : JSON.parse(answer.text);
      } catch {
        lines.push(`body: recorded ${exchange.responseBody === undefined ? "no JSON" : "JSON"}, dli-local not JSON (${answer.text.slice(0, 80)})`);
      }
      const recordedCode = exchange.responseBody?.error_code;
      const localCode = localBody?.error_code;
      if (recordedCode !== localCode) lines.push(`error_code: recorded ${JSON.stringify(recordedCode)}, dli-local ${JSON.stringify(localCode)}`);
      if (exchange.responseBody !== undefined && localBody === undefined && answer.text === "") lines.push("body: recorded JSON, dli-local answers none");
      lines.push(...compareShapes(exchange.responseBody === undefined ? undefined : shapeOf(exchange.responseBody), localBody === undefined ? undefined : shapeOf(localBody)));
      for (const line of lines) result.differences.push(`${label}: ${line}`);
    }
  } finally {
    await emulator.close();
  }
  return result;
}

function send(endpoint, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    // Never recorded: a replay inside a recorded run is not part of the run.
    const request = http.request.__dliAcceptanceOriginal ?? http.request;
    const req = request({ hostname: endpoint.hostname, port: endpoint.port, method, path, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

module.exports = { readExchanges, normalize, replay, shapeOf, compareShapes, FORMAT };
