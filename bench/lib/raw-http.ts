import net from 'node:net';

/*
 * A minimal HTTP/1.1 keep-alive client for load generators: one request at a time on one TCP
 * connection, the request written with one socket write, the answer read by its Content-Length.
 * node:http's client costs ~60 µs of CPU per request on these machines, more than a lean server
 * spends answering it; this one costs a fraction, so the load generator takes less of the cores
 * it shares with what it measures. It speaks only what our server answers: a status line,
 * headers with Content-Length (no chunked bodies), no 1xx; anything else is an error.
 */

export type RawAnswer = { status: number; body: string; bytes: number };

const CRLF2 = Buffer.from('\r\n\r\n');

export class RawHttpConnection {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (a: RawAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 30_000,
  ) {}

  private connect(): net.Socket {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.tryParse();
    });
    const fail = (err: Error) => {
      this.socket = null;
      this.buf = Buffer.alloc(0);
      const p = this.pending;
      this.pending = null;
      if (p) {
        clearTimeout(p.timer);
        p.reject(err);
      }
    };
    s.on('error', fail);
    s.on('close', () => fail(new Error('ECONNRESET')));
    return s;
  }

  private tryParse(): void {
    const p = this.pending;
    if (!p) return;
    const headerEnd = this.buf.indexOf(CRLF2);
    if (headerEnd < 0) return;
    const head = this.buf.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) {
      this.socket?.destroy(new Error(`answer without Content-Length (HTTP ${status})`));
      return;
    }
    const length = Number(m[1]);
    const start = headerEnd + 4;
    if (this.buf.length < start + length) return;
    const body = this.buf.toString('utf8', start, start + length);
    this.buf = this.buf.subarray(start + length);
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve({ status, body, bytes: length });
  }

  /** Sends one request and resolves with the answer; one at a time per connection. */
  request(method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawAnswer> {
    if (this.pending) return Promise.reject(new Error('one request at a time per connection'));
    this.socket ??= this.connect();
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.socket?.destroy(new Error('ETIMEDOUT')), this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.socket!.write(head + body);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}
