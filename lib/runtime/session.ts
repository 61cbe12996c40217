/**
 * What every command that talks to DLI sets up, in order: credentials (no network; a bad set is
 * a config error before anything is sent), retry bounds, the transport, the DLI endpoint and
 * the project id.
 */
import { RUNTIME_ENV } from "../contract/spec";
import { credentialsFromEnvironment, Credentials } from "./credentials";
import { DliClient } from "./dli-client";
import { dliEndpoint, iamEndpoint } from "./endpoints";
import { Progress } from "./progress";
import { projectIdFromEnvironment, ProjectSource, resolveProjectId } from "./project";
import { retryBoundsFromEnvironment } from "./retry-policy";
import { createTransport, Transport } from "./transport";

export interface Session {
  readonly client: DliClient;
  /** The process's one transport (OBS calls share its pacing and retries). */
  readonly transport: Transport;
  readonly credentials: Credentials;
  readonly projectSource: ProjectSource;
  readonly endpoint: URL;
  /** API calls so far, IAM included, attempts included. */
  requestCount(): number;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly region: string;
  readonly specProjectId?: string;
  readonly specEndpoint?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: Progress;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const { env, region, progress } = options;
  const credentials = credentialsFromEnvironment(env);
  const bounds = retryBoundsFromEnvironment(env);
  const endpoint = dliEndpoint(region, options.specEndpoint, env);
  // Every override is checked before anything is sent, used or not (hostile input, issue 11 §3).
  const iam = iamEndpoint(region, env);
  projectIdFromEnvironment(env);
  const transport: Transport = createTransport(credentials, bounds, (event) =>
    progress.step(
      event.throttled
        ? `${event.method} ${event.path}: ${event.cause} throttled, retry in ${(event.delayMs / 1000).toFixed(1)}s (this process now sends at most one request per ${(event.pacingMs / 1000).toFixed(2)}s; not counted against ${RUNTIME_ENV.maxAttempts[0]})`
        : `${event.method} ${event.path}: ${event.cause}, retry ${event.attempt}/${bounds.maxAttempts} in ${(event.delayMs / 1000).toFixed(1)}s`,
    ),
  );
  const project = await resolveProjectId(options.specProjectId, region, env, transport, () => iam).catch(async (error) => {
    await transport.close();
    throw error;
  });
  if (project.source === "iam") progress.step(`project ${project.projectId} (resolved from IAM for region ${region})`);
  const client = new DliClient(transport, endpoint, project.projectId);
  return {
    client,
    transport,
    credentials,
    projectSource: project.source,
    endpoint,
    requestCount: () => client.requestCount + project.requests,
    close: () => transport.close(),
  };
}
