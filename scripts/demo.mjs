// `npm run demo`: the whole product in one narrated run, against the embedded DLI emulator.
//
//   1. start dli-local (real HTTP, signature checks) on a random loopback port
//   2. synthesize examples/ by running the `app` command of cdktf.json, as `cdktf synth` does
//   3. terraform init + apply (the provisioners run the bundled runtime: upload → READY)
//   4. `dli-packages ls`: what is live now
//   5. change a path (a new release of the jar) and apply again: re-upload, group never vanishes
//   6. terraform destroy: the groups are deleted
//   7. examples/local-files: a jar the example builds itself is staged into OBS (dli-local serves
//      the bucket) and registered in the same apply; re-apply 0 calls; a new build uploads one
//      object; destroy keeps the objects; `staging gc` lists the one no stack declares any more
//   8. stop the emulator
//
// Without terraform on PATH it says so and runs the same steps by calling the runtime's
// commands directly, with the environment the provisioners would get. Exits non-zero on any
// failure; leaves nothing running and removes its temporary directory.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const runtimeBundle = join(root, "dist", "runtime", "dli-packages.js");
const started = Date.now();
let stepNumber = 0;

function step(title) {
  stepNumber += 1;
  console.log(`\n==> [${stepNumber}] ${title}  (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
function say(line) {
  console.log(`    ${line}`);
}

/**
 * Runs a command, streaming its output indented (only the lines `showLine` accepts, when given);
 * rejects on a non-zero exit, printing the end of the full output.
 */
function run(command, args, { cwd = root, env = {}, showLine } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let output = "";
    const relay = (chunk) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split("\n")) {
        if (line.trim() === "" || (showLine && !showLine(line))) continue;
        console.log(`    | ${line}`);
      }
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) return resolve(output);
      if (showLine) console.log(output.split("\n").slice(-40).map((line) => `    ! ${line}`).join("\n"));
      reject(new Error(`\`${command} ${args.join(" ")}\` exited with ${code}`));
    });
  });
}

function terraformAvailable() {
  return new Promise((resolve) => {
    const child = spawn("terraform", ["version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

/** The stack directories cdktf wrote, from its manifest. */
function synthesizedStacks(outdir) {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks).map((stack) => ({
    name: stack.name,
    dir: join(outdir, stack.workingDirectory),
    config: JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")),
  }));
}

/**
 * The provisioners of a synthesized stack as runnable commands: `${self.triggers.x}` (or
 * `triggers_replace`) resolved against the resource's own triggers and `${path.module}` against
 * the stack directory, exactly what Terraform would hand to /bin/sh.
 */
function provisionerCommands(stack, when) {
  const commands = [];
  for (const [type, resources] of Object.entries(stack.config.resource ?? {})) {
    for (const [name, resource] of Object.entries(resources)) {
      const triggers = resource.triggers ?? resource.triggers_replace ?? {};
      for (const provisioner of resource.provisioner ?? []) {
        const exec = provisioner["local-exec"];
        if (!exec || (exec.when ?? "create") !== when) continue;
        const resolve = (text) =>
          String(text)
            .replace(/\$\{jsonencode\(self\.(?:triggers|triggers_replace)\)\}/g, () => JSON.stringify(triggers))
            .replace(/\$\{self\.(?:triggers|triggers_replace)\.([A-Za-z0-9_]+)\}/g, (_, key) => triggers[key] ?? "")
            .replace(/\$\{path\.module\}/g, ".");
        const environment = Object.fromEntries(
          Object.entries(exec.environment ?? {}).map(([key, value]) => [key, resolve(value)]),
        );
        commands.push({ address: `${type}.${name}`, command: resolve(exec.command), environment });
      }
    }
  }
  return commands;
}

async function runProvisioners(stack, when, env) {
  for (const { address, command, environment } of provisionerCommands(stack, when)) {
    // The command starts with the node guard (a node ≥ 20 on PATH?), then `exec node <bundle> <subcommand>`.
    say(`${address}: [node guard;] ${command.replace(/^.*exec node \S+/, "node …/dli-packages.js")}`);
    await run("/bin/sh", ["-c", command], { cwd: stack.dir, env: { ...env, ...environment } });
  }
}

const STAGING_BUCKET = "dli-examples-staging";
const STAGING = `https://${STAGING_BUCKET}.obs.cn-north-4.myhuaweicloud.com/dli-staging/`;

/** examples/local-files against the same emulator: build a jar, stage it, change it, destroy, gc. */
async function localFilesDemo({ emulator, env, workdir, useTerraform, ls }) {
  const appDir = join(workdir, "local-files");
  mkdirSync(appDir);
  const outdir = join(appDir, "cdktf.out");
  const main = join(root, "dist", "examples", "local-files", "main.js");
  const synth = async (version) => {
    say(`building udf-lib-${version}.jar and synthesizing (node dist/examples/local-files/main.js)`);
    await run(process.execPath, [main], { cwd: appDir, env: { ...env, CDKTF_OUTDIR: outdir, DLI_EXAMPLE_UDF_VERSION: version } });
    return synthesizedStacks(outdir)[0];
  };
  const objects = () => emulator.requests().filter((r) => r.path.startsWith(`/${STAGING_BUCKET}/`));
  const uploads = () => objects().filter((r) => r.method === "PUT" && r.query === "").length + objects().filter((r) => r.method === "POST" && r.query.includes("uploads")).length;
  const showLine = (line) => /\(local-exec\): dli-packages|^Plan:|complete!|No changes|Error/.test(line);
  const terraform = (stack, args) => run("terraform", [...args, "-no-color"], { cwd: stack.dir, env, showLine });
  const apply = (stack) => (useTerraform ? terraform(stack, ["apply", "-auto-approve", "-input=false"]) : runProvisioners(stack, "create", env));

  step("examples/local-files: a jar this app builds is staged into OBS and registered in one apply");
  let stack = await synth("1.0.0");
  say(`the jar's object, keyed by its SHA-256: ${stack.config.output.staged_jar.value}`);
  emulator.clearRequests();
  if (useTerraform) await terraform(stack, ["init", "-input=false"]);
  await apply(stack);
  say(`objects uploaded: ${uploads()}`);
  await ls();
  if (useTerraform) {
    step("Re-applying unchanged: no call, to DLI or OBS");
    emulator.clearRequests();
    await apply(stack);
    say(`API calls made by the re-apply: ${emulator.requests().length}`);
  }
  step("A new build of the jar (1.0.1): one object uploaded, the group converged on it");
  stack = await synth("1.0.1");
  emulator.clearRequests();
  await apply(stack);
  say(`objects uploaded: ${uploads()} (the other package is an OBS path: nothing to stage)`);
  step("Destroy: the group is deleted, the staged objects are kept (content-addressed, shareable)");
  if (useTerraform) await terraform(stack, ["destroy", "-auto-approve", "-input=false"]);
  else await runProvisioners(stack, "destroy", env);
  step("`dli-packages staging gc`: the object no scanned stack declares any more (dry run)");
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await run(process.execPath, [runtimeBundle, "staging", "gc", stack.dir, "--staging", STAGING, "--older-than", "1s"], { env });
}

async function main() {
  if (!existsSync(runtimeBundle)) throw new Error(`${runtimeBundle} is missing: run \`npm run build\` first`);
  const { startEmulator } = require(join(root, "dist", "lib", "emulator", "index.js"));
  const cdktfJson = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
  const workdir = mkdtempSync(join(tmpdir(), "dli-demo-"));
  const outdir = join(workdir, "cdktf.out");
  let emulator;
  try {
    step("Starting the local DLI emulator (dli-local)");
    emulator = await startEmulator({ port: 0, readyDelayMs: 1000, obsBuckets: [STAGING_BUCKET] });
    say(`listening on ${emulator.url}; uploads turn READY after 1 s, like the real service`);
    say(`it also serves the OBS bucket ${STAGING_BUCKET} (objects on disk), for examples/local-files`);
    say(`the runtime reaches it through HW_DLI_ENDPOINT / HW_IAM_ENDPOINT / HW_OBS_ENDPOINT / HW_ACCESS_KEY / HW_SECRET_KEY`);
    const env = { ...emulator.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

    const synth = async (extraEnv = {}) => {
      say(`running the app of cdktf.json: ${cdktfJson.app}`);
      await run("/bin/sh", ["-c", cdktfJson.app], { env: { ...env, ...extraEnv, CDKTF_OUTDIR: outdir } });
      return synthesizedStacks(outdir);
    };
    step("Synthesizing examples/basic (as `cdktf synth` does)");
    let stacks = await synth();
    for (const stack of stacks) say(`stack ${stack.name} → ${stack.dir.replace(workdir, "<tmp>")}/cdk.tf.json`);

    const useTerraform = await terraformAvailable();
    const ls = async () => {
      step("Live package groups (`dli-packages ls`)");
      await run(process.execPath, [runtimeBundle, "ls"], { env });
    };

    if (useTerraform) {
      // Terraform's plan listing is long; show the provisioners' progress lines and the verdicts.
      const showLine = (line) =>
        /\(local-exec\): dli-packages|^Plan:|complete!|No changes|Terraform has been successfully initialized|Error/.test(line);
      const terraform = (stack, args) => run("terraform", [...args, "-no-color"], { cwd: stack.dir, env, showLine });
      step("terraform init + apply (provisioners upload each group and wait until READY)");
      for (const stack of stacks) {
        await terraform(stack, ["init", "-input=false"]);
        await terraform(stack, ["apply", "-auto-approve", "-input=false", "-parallelism=10"]);
      }
      await ls();
      step("Re-applying unchanged: Terraform sees no change, DLI gets no call");
      emulator.clearRequests();
      for (const stack of stacks) await terraform(stack, ["apply", "-auto-approve", "-input=false"]);
      say(`API calls made by the re-apply: ${emulator.requests().length}`);
      step("Changing a path (DLI_EXAMPLE_RELEASE=2: a new jar release) and applying again");
      stacks = await synth({ DLI_EXAMPLE_RELEASE: "2" });
      emulator.clearRequests();
      for (const stack of stacks) await terraform(stack, ["apply", "-auto-approve", "-input=false"]);
      const deletes = emulator.requests().filter((r) => r.method === "DELETE").length;
      say(`DELETE calls during the change: ${deletes} (the group was overwritten in place, never removed)`);
      await ls();
      step("terraform destroy (the identity resources' destroy provisioners delete the groups)");
      for (const stack of stacks) await terraform(stack, ["destroy", "-auto-approve", "-input=false"]);
    } else {
      step("terraform is not on PATH: running the provisioners' commands directly instead");
      for (const stack of stacks) await runProvisioners(stack, "create", env);
      await ls();
      step("Changing a path (DLI_EXAMPLE_RELEASE=2: a new jar release) and uploading again");
      stacks = await synth({ DLI_EXAMPLE_RELEASE: "2" });
      for (const stack of stacks) await runProvisioners(stack, "create", env);
      await ls();
      step("Deleting the groups (the destroy-time provisioners' command)");
      for (const stack of stacks) await runProvisioners(stack, "destroy", env);
    }
    const left = emulator.groups();
    if (left.length > 0) throw new Error(`groups left after destroy: ${left.map((g) => g.group).join(", ")}`);
    say("no package group left");

    await localFilesDemo({ emulator, env, workdir, useTerraform, ls });
  } finally {
    if (emulator) {
      step("Stopping the emulator");
      await emulator.close();
    }
    rmSync(workdir, { recursive: true, force: true });
  }
  console.log(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
}

main().catch((error) => {
  console.error(`\ndemo failed: ${error.message}`);
  process.exit(1);
});
