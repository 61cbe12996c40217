export * from "./signable-request";
export * from "./canonicalized-headers";
export * from "./canonicalized-resource";
export * from "./string-to-sign";
export * from "./authorization";
