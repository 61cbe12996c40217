/**
 * The local-files example app: builds its jar (DLI_EXAMPLE_UDF_VERSION, default 1.0.0) into
 * ./build, then synthesizes the stack that stages it. Run it with `cdktf synth` in this folder
 * (cdktf.json) or `node dist/examples/local-files/main.js` from the repository root after
 * `npm run build`; the output directory is CDKTF_OUTDIR when set, else ./cdktf.out.
 */
import { App } from "cdktf";
import { buildJar } from "./build-jar";
import { LocalFilesStack } from "./stack";

const version = process.env.DLI_EXAMPLE_UDF_VERSION ?? "1.0.0";
if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`DLI_EXAMPLE_UDF_VERSION must look like 1.2.3, got '${version}'`);
const jar = buildJar("build", version);
const app = new App();
new LocalFilesStack(app, "local-files", { jar });
app.synth();
