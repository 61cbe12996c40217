/** dli-api.md §4.1: the only algorithm APIG accepts for AK/SK signing. */
export const ALGORITHM = "SDK-HMAC-SHA256";
export const DATE_HEADER = "x-sdk-date";
export const CONTENT_SHA256_HEADER = "x-sdk-content-sha256";
export const SECURITY_TOKEN_HEADER = "x-security-token";
export const PROJECT_ID_HEADER = "x-project-id";
export const AUTHORIZATION_HEADER = "authorization";
/** SHA-256 of the empty body. */
export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** dli-api.md §4.1 step 1: APIG rejects a date more than 15 minutes from server time. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
