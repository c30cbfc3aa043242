/**
 * Positional parameters for hand-written SQL that is assembled from fragments: each value gets
 * the next `$n`, so fragments compose without anyone counting placeholders.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
