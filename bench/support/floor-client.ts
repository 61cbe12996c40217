/**
 * The floor of an `upload-group` run, for bench/runtime: Node started, the same two signed
 * requests an upload-group of a group that is READY at once sends (the upload, then the
 * verifying listing), over one keep-alive `node:http` connection, nothing else: no spec
 * checks, no progress lines, no pacing or retries, no answer checks. Bundled by the bench with
 * esbuild the way the runtime is; reads the same environment (emulator endpoint, keys, project
 * id, the group's kind, name and paths from DLI_PACKAGES_SPEC, as the provisioner sets it).
 */
import { Agent, request } from "node:http";
import { signRequest } from "../../lib/runtime/signer";

const env = process.env;
const endpoint = new URL(env.HW_DLI_ENDPOINT!);
const project = env.HW_PROJECT_ID!;
const key = { accessKey: env.HW_ACCESS_KEY!, secretKey: env.HW_SECRET_KEY! };
const agent = new Agent({ keepAlive: true });

function send(method: string, path: string, body?: string): Promise<number> {
  const headers = signRequest(
    { method, path, query: "", headers: { host: endpoint.host, "content-type": "application/json", "x-project-id": project }, body },
    key,
    new Date(),
  );
  return new Promise((resolve, reject) => {
    const req = request({ agent, hostname: endpoint.hostname, port: endpoint.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
        resolve(res.statusCode ?? 0);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(env.DLI_PACKAGES_SPEC!);
  const upload = await send("POST", `/v2.0/${project}/resources/${spec.kind}s`, JSON.stringify({ paths: JSON.parse(spec.paths), group: spec.group }));
  const list = await send("GET", `/v2.0/${project}/resources`);
  agent.destroy();
  process.exit(upload < 300 && list === 200 ? 0 : 1);
}
main().catch(() => process.exit(1));
