/**
 * A length of time for `waitTimeout`. Plain numbers are seconds; `Duration` reads better:
 * `Duration.minutes(45)`.
 */
export class Duration {
  /** A duration of `amount` seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount);
  }

  /** A duration of `amount` minutes. */
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60);
  }

  /** A duration of `amount` hours. */
  public static hours(amount: number): Duration {
    return new Duration(amount * 3600);
  }

  private constructor(private readonly totalSeconds: number) {}

  /** The duration in seconds (may be fractional if built from a fractional amount). */
  public toSeconds(): number {
    return this.totalSeconds;
  }

  public toString(): string {
    return `${this.totalSeconds}s`;
  }
}
