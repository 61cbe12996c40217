/**
 * What every DLI and IAM operation handler gets and returns (one handler per API operation),
 * and the route shape of their route tables (dli/routes.ts, iam/routes.ts).
 */
import { Caller, Identity } from "./iam/identity";
import { EmulatorState } from "./dli/state";
import { UploadSemantics } from "./options";

/** The runtime-changeable settings the handlers read. */
export interface Settings {
  uploadSemantics: UploadSemantics;
  readyDelayMs: number;
  failPaths: readonly (string | RegExp)[];
  missingObjects: "failed" | "error";
  missingPackageStatus: 404 | 400;
  keepEmptyGroups: boolean;
  acceptObsScheme: boolean;
  tokenLifetimeSeconds: number;
}

export interface OperationContext {
  /** Path parameters: `projectId`, `resourceName`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (routes that take one), else undefined. */
  readonly body: unknown;
  /** The authenticated caller (undefined on unauthenticated routes). */
  readonly caller: Caller | undefined;
  readonly now: number;
  readonly state: EmulatorState;
  readonly identity: Identity;
  readonly settings: Settings;
  /** Base URL of this emulator, for links. */
  readonly baseUrl: string;
  /**
   * Whether a package URL's object exists: true / false in a bucket dli-local emulates,
   * undefined for any other URL (obs/package-object.ts).
   */
  readonly objectExists: (url: string) => boolean | undefined;
}

export interface OperationResult {
  readonly status: number;
  /** JSON-serialized; undefined = empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Operation = (context: OperationContext) => OperationResult;

export interface Route {
  /** The Go SDK's operation name: throttling, fault overrides and the request log use it. */
  readonly api: string;
  readonly method: string;
  readonly pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  readonly params: readonly string[];
  /** `dli`: signed or token, plus project check; `iam`: signed or token; `none`: open. */
  readonly auth: "dli" | "iam" | "none";
  /** Whether the operation takes a JSON body. */
  readonly jsonBody: boolean;
  readonly handler: Operation;
}
