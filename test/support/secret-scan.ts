/**
 * Records everything a test file emits (results, thrown errors, console and stdout/stderr writes)
 * so the file can end by proving that no secret ever appeared in any of it.
 */
export class SecretScan {
  private readonly emitted: string[] = [];
  private readonly restore: (() => void)[] = [];

  constructor(private readonly secrets: readonly string[]) {}

  install(): void {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => this.record(args));
      this.restore.push(() => spy.mockRestore());
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.record(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      this.restore.push(() => {
        stream.write = original as typeof stream.write;
      });
    }
  }

  uninstall(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  /** Anything: results, errors (message, stack, cause), strings. */
  record(value: unknown): void {
    if (value instanceof Error) {
      this.emitted.push(`${value.name}: ${value.message}\n${value.stack ?? ''}\n${String(value.cause ?? '')}`);
      return;
    }
    this.emitted.push(typeof value === 'string' ? value : safeStringify(value));
  }

  /** How many texts were recorded (to prove the scan looked at something). */
  get count(): number {
    return this.emitted.length;
  }

  /** Secrets found in anything recorded, with a little context. */
  leaks(): string[] {
    const found: string[] = [];
    for (const text of this.emitted) {
      for (const secret of this.secrets) {
        const at = text.indexOf(secret);
        if (at >= 0) found.push(`${secret.slice(0, 4)}… in: ${text.slice(Math.max(0, at - 60), at + secret.length + 20)}`);
      }
    }
    return found;
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
