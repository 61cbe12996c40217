export * from "./spec";
export * from "./rules";
export * from "./environment";
export * from "./bounded-text";
export * from "./staging";
