import { Global, Module } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { DatabaseQueryMetrics, databaseMetricProviders } from './database.metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { countedByHistogram } from './counted-by-histogram';

const httpMetrics = [
  makeCounterProvider({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    collect: countedByHistogram('http_request_duration_seconds'),
  }),
  makeHistogramProvider({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  // key_id is the public id of a key the guard authenticated (never the secret, never a presented but unverified id):
  // series are bounded by keys in use x route templates x statuses seen.
  makeCounterProvider({
    name: 'agis_api_requests_total',
    help: 'HTTP requests authenticated by an API key, by key id, route template and status',
    labelNames: ['key_id', 'route', 'status'],
  }),
];

/**
 * Prometheus registry (default process metrics + ours), the HTTP metrics middleware, which
 * bootstrap mounts with app.use() so that req.route is only ever the matched handler's route, the
 * database metrics (DatabaseModule builds its pool's connections with DatabaseQueryMetrics). It is
 * infrastructure and imports no feature: a feature registers its own metrics in `<feature>.metrics.ts`
 * (database-read gauges with DatabaseGauge).
 */
@Global()
@Module({
  imports: [PrometheusModule.register({ controller: MetricsController, path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [...httpMetrics, HttpMetricsMiddleware, ...databaseMetricProviders, DatabaseQueryMetrics],
  exports: [PrometheusModule, HttpMetricsMiddleware, DatabaseQueryMetrics],
})
export class MetricsModule {}
