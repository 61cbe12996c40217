export * from "./duration";
export * from "./props";
export * from "./package-group";
export * from "./file-package-group";
export * from "./jar-package-group";
export * from "./py-file-package-group";
export * from "./model-file-package-group";
export * from "./removal";
