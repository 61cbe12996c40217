// Deep imports of the two undici pieces the runtime uses, instead of the package index: the
// index also loads fetch, WebSocket, caches and mocks, which costs bundle size and start-up
// time under `terraform apply` (bench/runtime.bench.mjs).
declare module "undici/lib/dispatcher/agent" {
  import { Agent } from "undici";
  export = Agent;
}
declare module "undici/lib/interceptor/retry" {
  import { interceptors } from "undici";
  const retry: typeof interceptors.retry;
  export = retry;
}
