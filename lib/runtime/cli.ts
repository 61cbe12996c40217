// Placeholder entry of the `dli-packages` runtime CLI; replaced by the runtime issue.
process.stderr.write("dli-packages: not implemented\n");
process.exit(1);
