export const DIFF_HELP = `Usage: dli-packages diff <synth dir>`;
export async function diff(_env: NodeJS.ProcessEnv, _dir: string): Promise<number> {
  return 0;
}
