// Snapshot resolver of the cdktf jest project (see snapshot-resolver.js).
module.exports = require("./snapshot-resolver").resolverFor(undefined);
