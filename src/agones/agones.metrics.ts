import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';

export const AGONES_REQUESTS_TOTAL = 'agis_agones_requests_total';

export const AGONES_OPS = ['create', 'get', 'list', 'delete', 'watch', 'volume_create', 'volume_delete', 'volume_list', 'logs', 'diagnose'] as const;
export type AgonesOp = (typeof AGONES_OPS)[number];
export const AGONES_RESULTS = ['success', 'not_found', 'error'] as const;
export type AgonesResult = (typeof AGONES_RESULTS)[number];

export const agonesRequestsCounter = makeCounterProvider({
  name: AGONES_REQUESTS_TOTAL,
  help: 'Calls to Agones (Kubernetes API or the local simulator) by operation and result; watch counts stream connections',
  labelNames: ['op', 'result'],
});

/** Counts Agones calls; both adapters record through it so dashboards do not care which one runs. */
@Injectable()
export class AgonesMetrics {
  constructor(@InjectMetric(AGONES_REQUESTS_TOTAL) private readonly requests: Counter<'op' | 'result'>) {
    // Every series exists from boot, so rate() and alerts see a 0 instead of "no data".
    for (const op of AGONES_OPS) {
      for (const result of AGONES_RESULTS) {
        this.requests.inc({ op, result }, 0);
      }
    }
  }

  record(op: AgonesOp, result: AgonesResult): void {
    this.requests.inc({ op, result });
  }
}
