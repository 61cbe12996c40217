/**
 * Huawei's official OBS client for Node (npm `esdk-obs-nodejs`, a dev dependency of the tests
 * only), pointed at a loopback port. The client signs with the OBS scheme (`OBS AK:sig`) only in
 * virtual-hosted style (in path style it falls back to the S3 "v2" scheme: lib/utils.js
 * `initFactory`), so it is given a virtual-hosted endpoint (`obs.<region>.example`) and an agent
 * whose every connection goes to 127.0.0.1:<port>; the server then sees `Host: <bucket>.obs…`.
 */
import { Agent } from "node:http";
import { connect, Socket } from "node:net";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ObsClient = require("esdk-obs-nodejs");

/** The host name the client believes it talks to (never resolved: the agent routes to loopback). */
export const OFFICIAL_CLIENT_SERVER = "obs.local-1.example";

/** An http.Agent that connects every request to 127.0.0.1:port, whatever the host. */
export function loopbackAgent(port: number): Agent {
  const agent = new Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => Socket }).createConnection = () => connect({ host: "127.0.0.1", port });
  return agent;
}

export interface OfficialClientOptions {
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
}

/** The result shape of every esdk-obs-nodejs call (`CommonMsg` + `InterfaceResult`). */
export interface OfficialResult {
  readonly CommonMsg: { readonly Status: number; readonly Code?: string; readonly Message?: string; readonly RequestId?: string };
  readonly InterfaceResult?: Record<string, any>;
}

/**
 * A configured client: OBS signature, no signature negotiation, no retry. Its constructor
 * finishes its set-up asynchronously (`initFactory` awaits `refresh`), hence the wait.
 */
export async function officialObsClient(options: OfficialClientOptions): Promise<any> {
  const client = new ObsClient({
    access_key_id: options.accessKey,
    secret_access_key: options.secretKey,
    security_token: options.securityToken,
    server: `http://${OFFICIAL_CLIENT_SERVER}:${options.port}`,
    signature: "obs",
    is_signature_negotiation: false,
    max_retry_count: 0,
    timeout: 30,
    http_agent: loopbackAgent(options.port),
  });
  for (let tick = 0; tick < 100 && !client.util.signatureContext; tick++) await new Promise((resolve) => setImmediate(resolve));
  if (client.util.signatureContext?.authPrefix !== "OBS") throw new Error("esdk-obs-nodejs did not set up the OBS signature (has its set-up changed?)");
  return client;
}
