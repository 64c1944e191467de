/**
 * A loopback TCP proxy that counts what reaches a dependency, by reading the client's side of the
 * wire protocol: Postgres frontend messages (simple `Query`, extended `Parse`/`Sync`) or Redis RESP
 * commands. It forwards every byte unchanged; only the bench uses it (to count dependency calls per
 * second during a probe flood, identically for every library under test).
 */
'use strict';
const net = require('node:net');

/** Postgres frontend protocol: a startup packet (no type byte), then `type(1) length(4) body`. */
class PgFrontendCounter {
  constructor(counts) {
    this.counts = counts;
    this.buffer = Buffer.alloc(0);
    this.startup = true;
  }

  push(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.startup) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        // SSLRequest / GSSENCRequest come before the real startup packet.
        if (code !== 80877103 && code !== 80877104) this.startup = false;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      this.message(String.fromCharCode(this.buffer[0]), this.buffer.subarray(5, 1 + length));
      this.buffer = this.buffer.subarray(1 + length);
    }
  }

  message(type, body) {
    const c = this.counts;
    if (type === 'Q') {
      c.roundTrips++;
      this.statement(body.toString('utf8', 0, body.indexOf(0)));
    } else if (type === 'P') {
      const nameEnd = body.indexOf(0);
      this.statement(body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1)));
    } else if (type === 'S') {
      c.roundTrips++;
    }
  }

  statement(text) {
    const c = this.counts;
    c.statements++;
    // One statement of each kind per run of a check, for every library benched (same SQL text).
    if (/^\s*SELECT 1\s*$/i.test(text)) c.select1++;
    if (text.includes('FROM "migrations"')) c.migrationsQuery++;
  }
}

/** Redis RESP: every ioredis command is an array of bulk strings; the first one is the command. */
class RespCommandCounter {
  constructor(counts) {
    this.counts = counts;
    this.buffer = Buffer.alloc(0);
    this.remaining = 0;
    this.first = false;
  }

  push(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) return;
      if (this.remaining === 0) {
        const line = this.buffer.toString('latin1', 0, eol);
        if (line[0] === '*') {
          this.remaining = Number.parseInt(line.slice(1), 10) || 0;
          this.first = true;
        } else if (line.trim()) {
          this.command(line.trim().split(/\s+/)[0]);
        }
        this.buffer = this.buffer.subarray(eol + 2);
        continue;
      }
      const length = Number.parseInt(this.buffer.toString('latin1', 1, eol), 10);
      if (this.buffer.length < eol + 2 + length + 2) return;
      if (this.first) {
        this.command(this.buffer.toString('latin1', eol + 2, eol + 2 + length));
        this.first = false;
      }
      this.remaining--;
      this.buffer = this.buffer.subarray(eol + 2 + length + 2);
    }
  }

  command(name) {
    const upper = name.toUpperCase();
    this.counts.commands++;
    this.counts.byCommand[upper] = (this.counts.byCommand[upper] ?? 0) + 1;
  }
}

const PROTOCOLS = {
  postgres: { counts: () => ({ roundTrips: 0, statements: 0, select1: 0, migrationsQuery: 0 }), Counter: PgFrontendCounter },
  redis: { counts: () => ({ commands: 0, byCommand: {} }), Counter: RespCommandCounter },
};

/**
 * Starts a counting proxy on 127.0.0.1:<free port> in front of `target`.
 * `take()` returns the counts since the last `take()` and starts new ones.
 */
async function startCountingProxy({ protocol, targetPort, targetHost = '127.0.0.1' }) {
  const spec = PROTOCOLS[protocol];
  if (!spec) throw new TypeError(`protocol must be postgres or redis, got ${protocol}`);
  let counts = spec.counts();
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const counter = new spec.Counter(null);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      counter.counts = counts;
      counter.push(chunk);
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    take() {
      const taken = counts;
      counts = spec.counts();
      return taken;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startCountingProxy, PgFrontendCounter, RespCommandCounter };
