/**
 * A loopback TCP proxy that tests put between a client and a server they own, to inject network
 * faults without touching the server: a hung link, a slow link, or a link that is cut.
 *
 * API
 * ```ts
 * const proxy = await TcpFaultProxy.start({ targetPort: redis.port }); // listens on 127.0.0.1:<free port>
 * const client = new Redis({ port: proxy.port });
 * proxy.pass();          // forward both ways at once (the initial mode)
 * proxy.delay(300);      // forward every chunk 300 ms late (order kept), both ways
 * proxy.blackhole();     // stop forwarding: sockets stay open, bytes are held back, new connections
 *                        // are accepted but never reach the target (a partition, a hung host)
 * proxy.reset();         // RST every open connection at once, and every new one on arrival
 * proxy.answer(responder); // stop forwarding: the client's bytes go to `responder` (per connection),
 *                        // which speaks the protocol itself (e.g. answers every statement with an error)
 * proxy.connectionCount; // client connections currently open
 * proxy.bytesFromClients; // bytes received from clients so far (to tell whether a client called at all)
 * proxy.unanswered();    // arrival times of client bytes held back (blackhole) on connections still open
 * await proxy.close();   // destroys every socket and stops listening (always call it: afterEach/afterAll)
 * ```
 * Held bytes are delivered, in order, when the mode goes back to `pass` or `delay`, the way TCP
 * retransmission delivers them when a short partition heals; so a client that survived the
 * blackhole sees a consistent stream, not a corrupted one.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export type TcpFaultMode =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'blackhole' }
  | { kind: 'reset' }
  | { kind: 'answer'; responder: Responder };

/**
 * Speaks a protocol on one client connection in `answer` mode: gets the client's bytes, writes
 * replies with `reply`, hangs up with `end`. `fresh` is true for a connection opened in `answer`
 * mode (it starts with the protocol's greeting), false for one that was passing through before.
 */
export type Responder = (connection: { fresh: boolean }) => (chunk: Buffer, reply: (bytes: Buffer) => void, end: () => void) => void;

export interface TcpFaultProxyOptions {
  targetPort: number;
  /** @default '127.0.0.1' */
  targetHost?: string;
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
}

/** One direction of one proxied connection: bytes read from `from`, written to `to`. */
class Pipe {
  private held: { chunk: Buffer; at: number }[] = [];
  private pendingTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly to: () => net.Socket | undefined,
    private readonly proxy: TcpFaultProxy,
  ) {}

  push(chunk: Buffer): void {
    this.held.push({ chunk, at: performance.now() });
    this.flush();
  }

  /** When each chunk still held back arrived (`performance.now()`). */
  get heldSince(): number[] {
    return this.held.map((item) => item.at);
  }

  flush(): void {
    const mode = this.proxy.mode;
    const target = this.to();
    if (!target || target.connecting || mode.kind === 'blackhole' || mode.kind === 'reset' || mode.kind === 'answer') return;
    const chunks = this.held.map((item) => item.chunk);
    this.held = [];
    for (const chunk of chunks) {
      if (mode.kind === 'pass') {
        if (!target.destroyed) target.write(chunk);
      } else {
        // Timers of one duration fire in creation order, so a fixed delay keeps the byte order.
        const timer = setTimeout(() => {
          this.pendingTimers.delete(timer);
          if (!target.destroyed) target.write(chunk);
        }, mode.ms);
        this.pendingTimers.add(timer);
      }
    }
  }

  dispose(): void {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    this.held = [];
  }
}

class ProxiedConnection {
  upstream?: net.Socket;
  readonly toUpstream: Pipe;
  private readonly toClient: Pipe;
  /** The protocol speaker of `answer` mode, and whether this connection was opened in that mode. */
  private answering?: ReturnType<Responder>;
  private openedAnswering = false;

  constructor(
    readonly client: net.Socket,
    private readonly proxy: TcpFaultProxy,
    private readonly target: { host: string; port: number },
  ) {
    this.toUpstream = new Pipe(() => this.upstream, proxy);
    this.toClient = new Pipe(() => this.client, proxy);
    client.on('data', (chunk: Buffer) => {
      proxy.bytesFromClients += chunk.length;
      if (this.answering) this.answering(chunk, (bytes) => this.client.destroyed || this.client.write(bytes), () => this.client.end());
      else this.toUpstream.push(chunk);
    });
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    if (proxy.mode.kind === 'answer') {
      this.openedAnswering = true;
      this.answering = proxy.mode.responder({ fresh: true });
    } else if (proxy.mode.kind !== 'blackhole') this.connectUpstream();
  }

  connectUpstream(): void {
    if (this.upstream || this.client.destroyed) return;
    const upstream = net.connect(this.target.port, this.target.host);
    this.upstream = upstream;
    upstream.on('connect', () => this.toUpstream.flush());
    upstream.on('data', (chunk: Buffer) => {
      // In `answer` mode the responder speaks for the server: late upstream bytes would corrupt the stream.
      if (!this.answering) this.toClient.push(chunk);
    });
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
  }

  modeChanged(): void {
    const { mode } = this.proxy;
    if (mode.kind === 'reset' || (mode.kind !== 'answer' && this.openedAnswering)) {
      // A connection that only ever spoke to a responder has no upstream session to resume.
      this.reset();
      return;
    }
    if (mode.kind === 'answer') {
      this.answering = mode.responder({ fresh: false });
      return;
    }
    this.answering = undefined;
    if (mode.kind === 'blackhole') return;
    this.connectUpstream();
    this.toUpstream.flush();
    this.toClient.flush();
  }

  reset(): void {
    if (!this.client.destroyed) this.client.resetAndDestroy();
    this.destroy();
  }

  destroy(): void {
    this.toUpstream.dispose();
    this.toClient.dispose();
    if (!this.client.destroyed) this.client.destroy();
    if (this.upstream && !this.upstream.destroyed) this.upstream.destroy();
    this.proxy.forget(this);
  }
}

export class TcpFaultProxy {
  mode: TcpFaultMode = { kind: 'pass' };
  /** Bytes received from clients so far, in every mode. */
  bytesFromClients = 0;
  private readonly connections = new Set<ProxiedConnection>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Starts listening on 127.0.0.1 and forwards to `targetHost:targetPort`. */
  static async start(options: TcpFaultProxyOptions): Promise<TcpFaultProxy> {
    const target = { host: options.targetHost ?? '127.0.0.1', port: options.targetPort };
    let proxy: TcpFaultProxy | undefined;
    const server = net.createServer({ pauseOnConnect: false }, (socket) => {
      if (!proxy || proxy.mode.kind === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      proxy.connections.add(new ProxiedConnection(socket, proxy, target));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpFaultProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  pass(): void {
    this.setMode({ kind: 'pass' });
  }

  delay(ms: number): void {
    this.setMode({ kind: 'delay', ms });
  }

  blackhole(): void {
    this.setMode({ kind: 'blackhole' });
  }

  reset(): void {
    this.setMode({ kind: 'reset' });
  }

  answer(responder: Responder): void {
    this.setMode({ kind: 'answer', responder });
  }

  /** Arrival times (`performance.now()`) of client bytes held back on connections still open. */
  unanswered(): number[] {
    return [...this.connections].flatMap((connection) => connection.toUpstream.heldSince);
  }

  setMode(mode: TcpFaultMode): void {
    this.mode = mode;
    for (const connection of [...this.connections]) connection.modeChanged();
  }

  /** @internal */
  forget(connection: ProxiedConnection): void {
    this.connections.delete(connection);
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
