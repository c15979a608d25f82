import { type Logger } from '@nestjs/common';
import { register } from 'prom-client';
import { DatabaseGauge } from './database-gauge';

describe('DatabaseGauge', () => {
  const scrape = async (name: string) => (await register.getSingleMetric(name)!.get()).values.map((v) => [v.labels, v.value]);
  const logger = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

  it('reports the last good values and warns when a read fails', async () => {
    const log = logger();
    const read = jest
      .fn()
      .mockResolvedValueOnce([{ labels: { state: 'on' }, value: 3 }])
      .mockRejectedValueOnce(new Error('database down'));
    const gauge = new DatabaseGauge({ name: 'test_gauge_outage', help: 'h', labelNames: ['state'], read, logger: log });
    expect(await scrape('test_gauge_outage')).toEqual([[{ state: 'on' }, 3]]);
    expect(await scrape('test_gauge_outage')).toEqual([[{ state: 'on' }, 3]]);
    expect(log.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.stringContaining('test_gauge_outage'));
    gauge.unregister();
    expect(register.getSingleMetric('test_gauge_outage')).toBeUndefined();
  });

  it('shares one read between concurrent scrapes and within reuseMs', async () => {
    let n = 0;
    const read = jest.fn(async () => {
      n += 1;
      return n;
    });
    const gauge = new DatabaseGauge({ name: 'test_gauge_reuse', help: 'h', read, logger: logger(), reuseMs: 60_000 });
    await Promise.all([scrape('test_gauge_reuse'), scrape('test_gauge_reuse')]);
    expect(await scrape('test_gauge_reuse')).toEqual([[{}, 1]]);
    expect(read).toHaveBeenCalledTimes(1);
    gauge.unregister();
  });
});
