/**
 * A whole-number setting from the environment (retry bounds, staging sizes): unset or blank is
 * the default; anything else must be digits within the setting's range, or the command stops
 * with one line naming the variable and the value before any request.
 */
import { renderValue } from "../contract/bounded-text";
import { ConfigError } from "./errors";

export interface WholeNumberSetting {
  /** The environment variable. */
  readonly variable: string;
  readonly min: number;
  readonly max: number;
}

export function wholeNumberSetting(env: NodeJS.ProcessEnv, setting: WholeNumberSetting, fallback: number): number {
  const text = env[setting.variable];
  if (text === undefined || text.trim() === "") return fallback;
  // Digits only (no sign, exponent or fraction), few enough to be exact as a number.
  const value = /^[0-9]{1,15}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(value >= setting.min && value <= setting.max)) throw new ConfigError(`${setting.variable}: ${renderValue(text)} must be a whole number from ${setting.min} to ${setting.max}`);
  return value;
}
