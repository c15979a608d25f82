import { type Counter, register } from 'prom-client';

/**
 * A counter's `collect` (run at each scrape) that reads its value from a histogram's `_count` series with the same
 * labels, so the hot path records one observation instead of two. `zeros`: label sets that exist from boot at 0
 * (so rate() sees 0 rather than "no data").
 */
export function countedByHistogram(histogramName: string, zeros: Array<Record<string, string>> = []) {
  return async function collect(this: Counter<string>): Promise<void> {
    const histogram = register.getSingleMetric(histogramName);
    if (!histogram) {
      return;
    }
    const { values } = await histogram.get();
    this.reset();
    for (const labels of zeros) {
      this.inc(labels, 0);
    }
    for (const v of values as Array<(typeof values)[number] & { metricName?: string }>) {
      if (v.metricName === `${histogramName}_count`) {
        this.inc(v.labels as Record<string, string>, v.value);
      }
    }
  };
}
