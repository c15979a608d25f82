/**
 * OpenTelemetry tracing, started before anything else loads (main.ts imports this first): the
 * instrumentations patch `require`, so http, express and pg must be loaded after the SDK starts.
 * Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is loaded or started; the API's tracer stays a no-op.
 */
import type * as SdkNode from '@opentelemetry/sdk-node';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as HttpInst from '@opentelemetry/instrumentation-http';
import type * as ExpressInst from '@opentelemetry/instrumentation-express';
import type * as PgInst from '@opentelemetry/instrumentation-pg';
import type * as UndiciInst from '@opentelemetry/instrumentation-undici';
import { enableSpans } from './common/tracing/traced';
import { loadConfig } from './config/app-config';

interface Sdk {
  shutdown(): Promise<void>;
}

let sdk: Sdk | undefined;

function startTracing(): void {
  let config;
  try {
    config = loadConfig();
  } catch {
    return; // main.ts loads the config again and reports every problem
  }
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) {
    return;
  }
  // Required here, not imported: with tracing off, the SDK is never even loaded.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof HttpInst;
  const { ExpressInstrumentation, ExpressLayerType } = require('@opentelemetry/instrumentation-express') as typeof ExpressInst;
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof PgInst;
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof UndiciInst;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const quiet = new Set(['/healthz', '/readyz', '/metrics']);
  const started = new NodeSDK({
    // One source for the settings: the validated config, passed explicitly (OTLP spec: the signal path is appended to the base URL).
    serviceName: config.OTEL_SERVICE_NAME,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
    // Traces only: no metric reader or log exporter from OTEL_* defaults (metrics are Prometheus, logs are stdout).
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => quiet.has((req.url ?? '').split('?')[0]) }),
      // Route handlers only: a span per Nest middleware (helmet, body parsers, logging) would double the span count.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Statements inside a request, a scheduled run or a delivery; the claim loops' idle polls would each be a trace.
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation(),
    ],
  });
  started.start();
  sdk = started;
  enableSpans();
}

/** Flushes the spans still buffered (main.ts calls it while shutting down). */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}

startTracing();
