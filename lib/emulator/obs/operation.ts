/** What every OBS operation handler gets and returns (one handler per OBS API operation). */
import { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { ObsCaller } from "./authenticate";
import { ObjectStore } from "./store";
import { ObsTarget } from "./request";

export interface ObsContext {
  readonly req: IncomingMessage;
  readonly target: ObsTarget;
  readonly caller: ObsCaller;
  readonly store: ObjectStore;
  /** Server time, epoch ms. */
  readonly now: number;
  /** The account's domain id: the `Owner/ID` of everything in the emulated buckets. */
  readonly domainId: string;
  /** The emulator's region (`x-obs-bucket-location`). */
  readonly region: string;
  /** `http://127.0.0.1:PORT` (path-style Locations). */
  readonly baseUrl: string;
}

export interface ObsAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An XML document (`Content-Type: application/xml`). */
  readonly xml?: string;
  /** An object's bytes, streamed; `length` goes in Content-Length (HEAD sends it without a body). */
  readonly object?: { readonly length: number; readonly open: () => Readable };
}

export type ObsOperation = (context: ObsContext) => ObsAnswer | Promise<ObsAnswer>;

/** The largest single PUT and the largest part: 5 GB (obs_04_0080, obs_04_0099). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** The smallest part but the last: 100 KB (obs_04_0099 "Uploading Parts": 100 KB to 5 GB). */
export const MIN_PART_BYTES = 100 * 1024;
