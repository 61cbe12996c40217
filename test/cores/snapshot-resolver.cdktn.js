// Snapshot resolver of the cdktn jest project (see snapshot-resolver.js).
const { resolverFor, CORE_DIR } = require("./snapshot-resolver");
module.exports = resolverFor(CORE_DIR);
