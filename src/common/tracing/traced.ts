import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

let enabled = false;

/** Called once by src/tracing.ts after the SDK started: until then (and always without an endpoint) spans cost one check. */
export function enableSpans(): void {
  enabled = true;
}

export function spansEnabled(): boolean {
  return enabled;
}

/** Runs fn inside an active span (child of the current one, e.g. the HTTP request's); an error marks the span and is rethrown. */
export function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!enabled) {
    return fn();
  }
  return trace.getTracer('agis').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span that is not made current (for work an Observable finishes later): end(err) once it is done. */
export function openSpan(name: string, attributes: Attributes): { end(err?: unknown): void } {
  if (!enabled) {
    return { end: () => undefined };
  }
  const span = trace.getTracer('agis').startSpan(name, { attributes });
  return {
    end: (err?: unknown) => {
      if (err !== undefined) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      }
      span.end();
    },
  };
}

/** trace_id/span_id of the active span for log lines, or nothing when tracing is off or no span is active. */
export function traceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = enabled ? trace.getActiveSpan() : undefined;
  if (!span) {
    return {};
  }
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
