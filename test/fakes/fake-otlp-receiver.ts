import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as OTLP/JSON carries it (ids are hex strings, not base64: OTLP spec, "JSON Protobuf Encoding"). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean | undefined>;
  /** service.name of the resource that sent it. */
  service: string | undefined;
  scope: string;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }>;
    }>;
  }>;
}

const flatten = (kvs: KeyValue[] = []) =>
  Object.fromEntries(
    kvs.map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue)),
    ]),
  );

/**
 * A collector's OTLP/HTTP trace endpoint on 127.0.0.1 (node:http), JSON encoding only — what
 * @opentelemetry/exporter-trace-otlp-http sends. Rules from the OTLP spec
 * (https://opentelemetry.io/docs/specs/otlp/#otlphttp): requests are POST to /v1/traces; the body is an
 * ExportTraceServiceRequest, `Content-Type: application/json` for JSON (415 for a type the server does not
 * support); `Content-Encoding: gzip` may compress it; success is 200 with an ExportTraceServiceResponse.
 */
export class FakeOtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly refused: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeOtlpReceiver> {
    const self: { receiver?: FakeOtlpReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const refuse = (status: number, why: string) => {
          self.receiver!.refused.push(why);
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 3, message: why }));
        };
        if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/traces') {
          return refuse(404, `${req.method} ${req.url}`);
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return refuse(415, `content-type ${req.headers['content-type']}`);
        }
        let body: ExportTraceServiceRequest;
        try {
          const raw = Buffer.concat(chunks);
          body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as ExportTraceServiceRequest;
        } catch (err) {
          return refuse(400, `undecodable body: ${String(err)}`);
        }
        for (const rs of body.resourceSpans ?? []) {
          const service = flatten(rs.resource?.attributes)['service.name'];
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              self.receiver!.spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                name: s.name,
                kind: s.kind,
                attributes: flatten(s.attributes),
                service: typeof service === 'string' ? service : undefined,
                scope: ss.scope?.name ?? '',
              });
            }
          }
        }
        // ExportTraceServiceResponse with no partialSuccess: everything accepted.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.receiver = new FakeOtlpReceiver(server, (server.address() as AddressInfo).port);
    return self.receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
