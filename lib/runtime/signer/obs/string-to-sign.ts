import { obsCanonicalizedHeaders } from "./canonicalized-headers";
import { obsCanonicalizedResource } from "./canonicalized-resource";
import { obsHeaderValues, ObsSignableRequest } from "./signable-request";

/**
 * StringToSign = HTTP-Verb \n Content-MD5 \n Content-Type \n Date \n CanonicalizedHeaders
 * CanonicalizedResource (obs_04_0010). Content-MD5 and Content-Type are empty when absent;
 * Date is empty when `x-obs-date` is set (that header is then signed among the x-obs-* ones).
 */
export function obsStringToSign(request: ObsSignableRequest): string {
  const one = (name: string) => obsHeaderValues(request, name).join(",");
  const date = obsHeaderValues(request, "x-obs-date").length > 0 ? "" : one("date");
  return [request.method.toUpperCase(), one("content-md5"), one("content-type"), date, ""].join("\n") +
    obsCanonicalizedHeaders(request) +
    obsCanonicalizedResource(request);
}
