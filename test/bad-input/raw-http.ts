/**
 * A raw HTTP/1.1 client over a TCP socket, for requests that fetch and node:http refuse to send
 * (non-ASCII or malformed header values, raw bytes in the path, unusual methods, bodies that do
 * not match their Content-Length). One request per connection (`Connection: close`).
 */
import net from 'node:net';

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encoding, raw bytes and all. */
  target: string | Buffer;
  /** Name/value pairs, sent as is (Buffer values for raw bytes). Host and Connection are added. */
  headers?: Array<[string, string | Buffer]>;
  body?: string | Buffer;
  /** Adds `Content-Length` for the body unless a header of that name is given. @default true */
  contentLength?: boolean;
}

export interface RawResponse {
  /** Undefined when the server closed the connection without an answer. */
  status?: number;
  headers: Record<string, string>;
  body: string;
  json?: any;
  /** Set when the socket failed (e.g. ECONNRESET after the server refused a request). */
  error?: string;
}

export function rawRequest(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: Array<[string, string | Buffer]> = [['Host', `127.0.0.1:${port}`], ['Connection', 'close'], ...(request.headers ?? [])];
  if (request.contentLength !== false && body.length > 0 && !headers.some(([name]) => name.toLowerCase() === 'content-length')) {
    headers.push(['Content-Length', String(body.length)]);
  }
  const head = Buffer.concat([
    Buffer.from(`${request.method} `, 'latin1'),
    Buffer.from(request.target),
    Buffer.from(' HTTP/1.1\r\n', 'latin1'),
    ...headers.flatMap(([name, value]) => [Buffer.from(`${name}: `, 'latin1'), Buffer.from(value), Buffer.from('\r\n', 'latin1')]),
    Buffer.from('\r\n', 'latin1'),
  ]);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      // The server may answer (and close) before it has read a big body: that is fine.
      if (body.length > 0) socket.write(body, () => undefined);
    });
    socket.setTimeout(timeoutMs, () => {
      error = 'ETIMEDOUT';
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks), error)));
  });
}

function parseResponse(raw: Buffer, error: string | undefined): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: '', error: error ?? (raw.length ? 'incomplete response' : 'no response') };
  const [statusLine, ...lines] = raw.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let bodyBytes = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') bodyBytes = dechunk(bodyBytes);
  else if (headers['content-length'] !== undefined) bodyBytes = bodyBytes.subarray(0, Number(headers['content-length']));
  const body = bodyBytes.toString('utf8');
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number.isNaN(status) ? undefined : status, headers, body, json, ...(error && Number.isNaN(status) ? { error } : {}) };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', offset);
    if (eol < 0) break;
    const size = Number.parseInt(data.toString('latin1', offset, eol), 16);
    if (!size) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    offset = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
