/**
 * A raw text/event-stream reader for tests that must see exactly which events arrive on which
 * stream (the SDK's SSE transport hides that): opens the stream with fetch and hands out parsed
 * events in order.
 */
export interface ServerSentEvent {
  event: string;
  data: string;
}

export class EventStream {
  private buffer = '';
  private readonly queued: ServerSentEvent[] = [];
  private waiting?: (event: ServerSentEvent | undefined) => void;
  private ended = false;

  private constructor(
    readonly status: number,
    private readonly controller: AbortController,
  ) {}

  /** GET `url` with a bearer token; resolves once the response headers are in. */
  static async open(url: string, token: string): Promise<EventStream> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const stream = new EventStream(response.status, controller);
    if (response.body) void stream.pump(response.body.getReader());
    else stream.end();
    return stream;
  }

  /** The next event, or a rejection after `timeoutMs` (or when the stream ends first). */
  async next(timeoutMs = 5000): Promise<ServerSentEvent> {
    const ready = this.queued.shift();
    if (ready) return ready;
    if (this.ended) throw new Error('the event stream has ended');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (event) => {
        clearTimeout(timer);
        this.waiting = undefined;
        if (event) resolve(event);
        else reject(new Error('the event stream has ended'));
      };
    });
  }

  /** Events received and not yet taken with next(). */
  get pending(): number {
    return this.queued.length;
  }

  close(): void {
    this.controller.abort();
    this.end();
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // aborted by close(), or the server went away
    }
    this.end();
  }

  private parse(): void {
    let boundary: number;
    while ((boundary = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a comment: keepalive
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      const parsed = { event, data: data.join('\n') };
      if (this.waiting) this.waiting(parsed);
      else this.queued.push(parsed);
    }
  }

  private end(): void {
    this.ended = true;
    this.waiting?.(undefined);
  }
}
