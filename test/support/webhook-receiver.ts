import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { FiguresEvent } from '../../src/domain/events';

/** A request the receiver got: its Standard Webhooks id, the event, and whether the signature verified. */
export interface Received {
  webhookId: string;
  event: FiguresEvent;
  verified: boolean;
  contentType: string | undefined;
  status: number;
}

/**
 * A real HTTP receiver, as a service owner would write one: it verifies each delivery's signature with the
 * `standardwebhooks` library and the secret it was given, then answers what `answer` says (a status, or
 * 'hang' for never answering). A delivery whose signature does not verify is answered 401.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret = '';
  answer: (n: number, event: FiguresEvent) => number | 'hang' = () => 204;
  /** How long each answer takes. */
  delayMs = 0;
  /** Requests that arrived while another with the same webhook-id was still being answered. */
  overlaps = 0;
  private readonly inFlight = new Set<string>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const verified = verifies(this.secret, body, req.headers);
        const event = JSON.parse(body) as FiguresEvent;
        const decided = verified ? this.answer(this.received.length + 1, event) : 401;
        const webhookId = String(req.headers['webhook-id']);
        this.received.push({ webhookId, event, verified, contentType: req.headers['content-type'], status: decided === 'hang' ? 0 : decided });
        if (decided === 'hang') return;
        if (this.inFlight.has(webhookId)) this.overlaps++;
        this.inFlight.add(webhookId);
        res.on('close', () => this.inFlight.delete(webhookId));
        setTimeout(() => {
          res.statusCode = decided;
          res.end();
        }, this.delayMs);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The events accepted (2xx), in the order they arrived. */
  accepted(): FiguresEvent[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.event);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver does with the library: true when the signature verifies with `secret`. */
export function verifies(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
