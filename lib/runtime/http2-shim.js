// Bundled in place of `node:http2` (scripts/bundle-runtime.mjs). undici's HTTP/2 client reads
// a few `http2.constants` when it loads, which loads all of node:http2 (~20 ms of a run that
// must stay close to `node -e 0`); the runtime never enables HTTP/2 (allowH2 is off). The
// constants are fixed protocol values; anything else loads the real module on first use.
"use strict";
const constants = {
  HTTP2_HEADER_AUTHORITY: ":authority",
  HTTP2_HEADER_METHOD: ":method",
  HTTP2_HEADER_PATH: ":path",
  HTTP2_HEADER_SCHEME: ":scheme",
  HTTP2_HEADER_CONTENT_LENGTH: "content-length",
  HTTP2_HEADER_EXPECT: "expect",
  HTTP2_HEADER_STATUS: ":status",
  HTTP2_HEADER_PROTOCOL: ":protocol",
  NGHTTP2_REFUSED_STREAM: 7,
  NGHTTP2_CANCEL: 8,
};
let real;
module.exports = new Proxy(
  { constants },
  { get: (target, key) => (key === "constants" ? constants : (real ??= require("node:" + "http2"))[key]) },
);
