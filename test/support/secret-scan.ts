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

  /**
   * Secrets found in anything recorded, with a little context: a whole secret, any 8+ character
   * piece of one, its first or last 4+ characters next to a mask run (a provider's partial echo),
   * and a secret split across the string fields of a JSON text (looked for with the punctuation
   * between fields taken out).
   */
  leaks(): string[] {
    const found: string[] = [];
    for (const text of this.emitted) {
      // Neighbouring JSON string values with what separates them (a comma, the next key) taken out.
      const joined = text.replace(/"\s*,\s*"[^"]*"\s*:\s*"/g, '').replace(/"\s*,\s*"/g, '');
      for (const secret of this.secrets) {
        const piece = revealedPiece(text, secret) ?? revealedPiece(joined, secret);
        if (piece) found.push(`${secret.slice(0, 4)}… (${piece.what}) in: ${piece.context}`);
      }
    }
    return found;
  }
}

/** The first revealing piece of `secret` in `text`, if any. */
function revealedPiece(text: string, secret: string): { what: string; context: string } | undefined {
  const context = (at: number, length: number) => text.slice(Math.max(0, at - 60), at + length + 20);
  const whole = text.indexOf(secret);
  if (whole >= 0) return { what: 'whole', context: context(whole, secret.length) };
  for (let i = 0; i + 8 <= secret.length; i++) {
    const at = text.indexOf(secret.slice(i, i + 8));
    if (at >= 0) return { what: `piece ${i}..${i + 8}`, context: context(at, 8) };
  }
  const mask = String.raw`(?:\*{3,}|•{3,}|\.{3,}|…)`;
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const edges = new RegExp(`${escape(secret.slice(0, 4))}\\S*${mask}|${mask}\\S*${escape(secret.slice(-4))}`);
  const edge = edges.exec(text);
  if (edge) return { what: 'edge next to a mask', context: context(edge.index, edge[0].length) };
  return undefined;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
