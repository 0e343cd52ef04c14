// Command-line options of the benches: `--name value`.

/** The value after `--name`, or undefined when the option is absent. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The number after `--name`, or `fallback` when the option is absent. */
export function argNumber(name: string, fallback: number): number {
  const text = argText(name);
  return text === undefined ? fallback : Number(text);
}
