/**
 * The example cdktf app (`cdktf.json`'s "app"). The output directory is cdktf's default:
 * CDKTF_OUTDIR when set (as `cdktf synth` sets it), else ./cdktf.out.
 */
import { App } from "cdktf";
import { BasicStack, optionsFromEnvironment } from "./stack";

const app = new App();
new BasicStack(app, "basic", optionsFromEnvironment());
app.synth();
