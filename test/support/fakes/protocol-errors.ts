/**
 * Responders for `TcpFaultProxy.answer()`: a dependency that answers every request with an
 * error, in its own wire protocol, so a client library parses it as the server's error. Tests
 * use them to prove a check reports such an error as `fail` and never echoes what it carries.
 *
 * ```ts
 * proxy.answer(postgresError(`password authentication failed (password ${PASSWORD})`));
 * proxy.answer(redisError(`NOAUTH token ${PASSWORD} rejected`));
 * proxy.answer(amqpLoginRefused());   // echoes the password the client presented
 * ```
 */
import type { Responder } from '../tcp-fault-proxy';

/** Splits a byte stream into messages: `take(buffer)` returns a message's length once it is complete, else 0. */
function framed(take: (buffer: Buffer) => number, onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let length = take(buffer); length > 0 && buffer.length >= length; length = take(buffer)) {
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      onMessage(message);
    }
  };
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function pgMessage(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function pgError(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const field = (tag: string, value: string) => Buffer.from(`${tag}${value}\0`, 'utf8');
  return pgMessage('E', Buffer.concat([field('S', severity), field('V', severity), field('C', code), field('M', message), Buffer.from([0])]));
}

const PG_READY = pgMessage('Z', Buffer.from('I'));

/**
 * Postgres (protocol 3): a connection that was passing through gets `ERROR <message>` for every
 * statement (simple query or extended-protocol sync) and stays usable; a new one is refused with
 * `FATAL <message>` right after its startup message, as an authentication failure is.
 */
export function postgresError(message: string, code = '28P01'): Responder {
  return ({ fresh }) => {
    let startup = fresh;
    let hangUp = () => undefined as void;
    let send = (_bytes: Buffer) => undefined as unknown;
    const onMessage = (frame: Buffer) => {
      if (startup) {
        const request = frame.readInt32BE(4);
        if (request === SSL_REQUEST || request === GSSENC_REQUEST) return void send(Buffer.from('N'));
        startup = false;
        send(pgError('FATAL', code, message));
        return hangUp();
      }
      const type = String.fromCharCode(frame[0]!);
      if (type === 'Q' || type === 'S') send(Buffer.concat([pgError('ERROR', code, message), PG_READY]));
      else if (type === 'X') hangUp();
    };
    // The startup message has no type byte: its length comes first.
    const feed = framed((b) => (startup ? (b.length >= 8 ? b.readInt32BE(0) : 0) : b.length >= 5 ? b.readInt32BE(1) + 1 : 0), onMessage);
    return (chunk, reply, end) => {
      send = reply;
      hangUp = end;
      feed(chunk);
    };
  };
}

/** The length of the first complete RESP command (`*N` array of bulk strings) in `b`, else 0. */
function respCommandLength(b: Buffer): number {
  const text = b.toString('latin1');
  let at = text.indexOf('\r\n');
  if (at < 0) return 0;
  if (text[0] !== '*') return at + 2; // an inline command: one line
  const count = Number(text.slice(1, at));
  at += 2;
  for (let i = 0; i < count; i++) {
    const line = text.indexOf('\r\n', at);
    if (line < 0) return 0;
    at = line + 2 + Number(text.slice(at + 1, line)) + 2;
    if (at > text.length) return 0;
  }
  return at;
}

/** Redis (RESP): every command is answered `-ERR <message>`, on old and new connections alike. */
export function redisError(message: string): Responder {
  const reply = Buffer.from(`-ERR ${message.replace(/[\r\n]/g, ' ')}\r\n`, 'utf8');
  return () => {
    let send = (_bytes: Buffer) => undefined as unknown;
    const feed = framed(respCommandLength, () => send(reply));
    return (chunk, write) => {
      send = write;
      feed(chunk);
    };
  };
}

const AMQP_HEADER_LENGTH = 8;
const AMQP_FRAME_OVERHEAD = 8;
const AMQP_FRAME_END = 0xce;
/** class 10 (connection), methods start (10), start-ok (11) and close (50). */
const CONNECTION_START = [10, 10];
const CONNECTION_START_OK = [10, 11];
const CONNECTION_CLOSE = [10, 50];

const shortString = (text: string) => {
  const bytes = Buffer.from(text, 'utf8').subarray(0, 255);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};
const longString = (bytes: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const shorts = (...values: number[]) => {
  const bytes = Buffer.alloc(values.length * 2);
  values.forEach((value, i) => bytes.writeUInt16BE(value, i * 2));
  return bytes;
};

/** A method frame on channel 0 (AMQP 0-9-1 section 4.2.3). */
function amqpMethod([classId, methodId]: number[], args: Buffer): Buffer {
  const payload = Buffer.concat([shorts(classId!, methodId!), args]);
  const header = Buffer.alloc(7);
  header.writeUInt8(1, 0);
  header.writeUInt16BE(0, 1);
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([AMQP_FRAME_END])]);
}

/** The SASL PLAIN response (`\0user\0password`) of a `connection.start-ok` frame. */
function plainResponse(frame: Buffer): string[] {
  let at = 11; // frame header (7) + class and method ids (4)
  at += 4 + frame.readUInt32BE(at); // client-properties table
  at += 1 + frame.readUInt8(at); // mechanism
  const length = frame.readUInt32BE(at);
  return frame.toString('utf8', at + 4, at + 4 + length).split('\0');
}

/**
 * RabbitMQ (AMQP 0-9-1) refusing every login: a new connection gets `connection.start`, and its
 * `start-ok` is answered `connection.close 403 ACCESS_REFUSED` naming the user and the password it
 * presented (as a careless broker plugin might). A connection that was passing through is cut.
 */
export function amqpLoginRefused(): Responder {
  return ({ fresh }) => {
    let greeted = false;
    let send = (_bytes: Buffer) => undefined as unknown;
    let hangUp = () => undefined as void;
    const onFrame = (frame: Buffer) => {
      if (!greeted) {
        greeted = true;
        // version 0-9, no server properties, PLAIN, en_US
        send(amqpMethod(CONNECTION_START, Buffer.concat([Buffer.from([0, 9]), longString(Buffer.alloc(0)), longString(Buffer.from('PLAIN')), longString(Buffer.from('en_US'))])));
        return;
      }
      if (frame[0] !== 1 || frame.readUInt16BE(7) !== CONNECTION_START_OK[0] || frame.readUInt16BE(9) !== CONNECTION_START_OK[1]) return;
      const [, user, password] = plainResponse(frame);
      const replyText = `ACCESS_REFUSED - Login was refused for user '${user}' with password '${password}'`;
      send(amqpMethod(CONNECTION_CLOSE, Buffer.concat([shorts(403), shortString(replyText), shorts(0, 0)])));
      hangUp();
    };
    const feed = framed((b) => (!greeted ? (b.length >= AMQP_HEADER_LENGTH ? AMQP_HEADER_LENGTH : 0) : b.length >= 7 ? b.readUInt32BE(3) + AMQP_FRAME_OVERHEAD : 0), onFrame);
    return (chunk, reply, end) => {
      send = reply;
      hangUp = end;
      if (!fresh) return end();
      feed(chunk);
    };
  };
}
