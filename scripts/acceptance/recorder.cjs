// Records every HTTP exchange of this process: preloaded into each `dli-packages` process the
// acceptance suite's terraform starts (NODE_OPTIONS=--require <this file>) and installed in the
// suite's own process, it appends one JSON line per answered request to the file named by
// DLI_ACCEPTANCE_EXCHANGES. Node's http/https `request` are wrapped: the runtime's transport
// calls them at call time (lib/runtime/transport.ts), so nothing of the product changes.
//
// Secrets never reach the file: the Authorization line (the signature), X-Auth-Token,
// X-Security-Token, X-Subject-Token, X-Sdk-Date and cookies are dropped here, and JSON values
// under keys naming a password, secret, token or key are replaced by "<redacted>". recording.cjs
// normalizes ids afterwards and scrubs any credential value that is left.
"use strict";
const http = require("node:http");
const https = require("node:https");
const { appendFileSync } = require("node:fs");

const SECRET_HEADERS = new Set(["authorization", "x-auth-token", "x-security-token", "x-subject-token", "x-sdk-date", "cookie", "set-cookie", "proxy-authorization"]);
const SECRET_KEY = /password|secret|token|signature|credential|^access$|access_?key|^sk$|^ak$/i;
const MAX_BODY_CHARS = 1_000_000;

function keptHeaders(headers) {
  const kept = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) kept[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return kept;
}

/** A body as JSON with secret-named values redacted, or as text when it is not JSON. */
function redactedBody(text) {
  if (text === "") return undefined;
  try {
    return { json: redact(JSON.parse(text)) };
  } catch {
    return { text: text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text };
  }
}

function redact(value) {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && (typeof v === "string" || typeof v === "number") ? "<redacted>" : redact(v)]));
  }
  return value;
}

function install(file) {
  if (!file || http.request.__dliAcceptanceRecorder) return;
  for (const [module, protocol] of [[http, "http:"], [https, "https:"]]) {
    const original = module.request;
    const wrapped = function request(...args) {
      const req = original.apply(this, args);
      const options = typeof args[0] === "object" && !(args[0] instanceof URL) ? args[0] : args[1] ?? {};
      const target = args[0] instanceof URL || typeof args[0] === "string" ? new URL(args[0]) : undefined;
      const started = Date.now();
      const sent = [];
      const write = req.write;
      const end = req.end;
      req.write = function (chunk, ...rest) {
        if (chunk !== undefined && typeof chunk !== "function") sent.push(Buffer.from(chunk));
        return write.call(this, chunk, ...rest);
      };
      req.end = function (chunk, ...rest) {
        if (chunk !== undefined && chunk !== null && typeof chunk !== "function") sent.push(Buffer.from(chunk));
        return end.call(this, chunk, ...rest);
      };
      req.once("response", (res) => {
        const received = [];
        res.on("data", (chunk) => received.push(Buffer.from(chunk)));
        res.on("end", () => {
          const host = target ? target.host : `${options.hostname ?? options.host ?? "localhost"}${options.port ? `:${options.port}` : ""}`;
          const fullPath = target ? `${target.pathname}${target.search}` : options.path ?? "/";
          const [path, query = ""] = fullPath.split(/\?(.*)/s);
          const entry = {
            at: started,
            pid: process.pid,
            origin: `${options.protocol ?? protocol}//${host}`,
            method: (options.method ?? "GET").toUpperCase(),
            path,
            query,
            requestHeaders: keptHeaders(req.getHeaders ? req.getHeaders() : options.headers),
            requestBody: redactedBody(Buffer.concat(sent).toString("utf8")),
            status: res.statusCode ?? 0,
            responseHeaders: keptHeaders(res.headers),
            responseBody: redactedBody(Buffer.concat(received).toString("utf8")),
          };
          try {
            // One write per line (O_APPEND): parallel provisioners share the file.
            appendFileSync(file, `${JSON.stringify(entry)}\n`);
          } catch {
            // The recording must never fail the run it records.
          }
        });
      });
      return req;
    };
    wrapped.__dliAcceptanceRecorder = true;
    // For requests that are not the run's (a replay against a fresh dli-local).
    wrapped.__dliAcceptanceOriginal = original;
    module.request = wrapped;
  }
}

install(process.env.DLI_ACCEPTANCE_EXCHANGES);

module.exports = { install, redact, SECRET_HEADERS };
