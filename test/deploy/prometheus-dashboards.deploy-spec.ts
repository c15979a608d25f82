import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, APIApplicationCommandOption } from 'discord-api-types/v10';
import { ApiKeyTouchService } from '../../src/api-keys/api-key-touch.service';
import { RewardsMetrics } from '../../src/rewards/rewards.metrics';
import { type FakeDiscord } from '../fakes/fake-discord';
import { FakeStripe } from '../fakes/fake-stripe';
import { fakeUser } from '../fakes/fake-discord-payloads';
import { type CommandInput } from '../fakes/fake-discord-interactions';
import { allPanels, dashboardQueries, loadDashboards, type PanelQuery } from '../support/dashboard-queries';
import { commandPaths } from '../support/discord-command-limits';
import { type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';
import { createUser, type TestUser } from '../support/factories';
import { pollUntil } from '../support/poll';
import { type PrometheusServer, type PromQueryResult, startPrometheus } from '../support/prometheus';
import { type TestApp } from '../support/test-app';
import { metricSum } from '../support/metric-sum';

const SECRETS = { offerwall: 'offerwall-dashboard-secret-123456', video: 'video-dashboard-secret-654321' };
const REWARD_CEILING = 5000;
const STRIPE_WEBHOOK_SECRET = 'whsec_dashboardsecret0123456789';

/**
 * The seed's panels (AGIS v1.7.0 deployments/grafana/agis-bot-overview.json and agis-bot-revenue.json), title and
 * type, in the seed's order. The seed's "graph" is Grafana's "timeseries"; issue 18 asks for Active Users as a gauge.
 */
const SEED_PANELS: Record<string, Array<[string, string]>> = {
  'agis-overview.json': [
    ['Active Users', 'gauge'],
    ['Total Servers', 'stat'],
    ['Commands Executed (Last Hour)', 'stat'],
    ['Credit Transactions (Last Hour)', 'stat'],
    ['Commands Per Minute', 'timeseries'],
    ['Servers by Game Type', 'piechart'],
    ['Database Operations', 'timeseries'],
    ['Command Success Rate', 'timeseries'],
  ],
  'agis-revenue.json': [
    ['Total Ad Conversions (Today)', 'stat'],
    ['Total GC Rewarded (Today)', 'stat'],
    ['Average Callback Latency', 'stat'],
    ['Fraud Detection Rate', 'stat'],
    ['Ad Conversions by Type', 'timeseries'],
    ['GC Rewards Distribution', 'timeseries'],
    ['Callback Latency by Provider', 'timeseries'],
    ['Hourly Revenue Trend', 'timeseries'],
    ['Conversion Status Breakdown', 'piechart'],
    ['Top Earning Users (Last 24h)', 'table'],
  ],
};

/** Grafana's interval macros, as a dashboard would resolve them for a short range; any other `$` is an error. */
const GRAFANA_MACROS: Array<[RegExp, string]> = [
  [/\$\{?__rate_interval\}?/g, '1m'],
  [/\$\{?__interval\}?/g, '5s'],
  [/\$\{?__range\}?/g, '1h'],
];
function resolveMacros(expr: string): string {
  return GRAFANA_MACROS.reduce((e, [pattern, value]) => e.replace(pattern, value), expr);
}

/** Why a panel would show nothing: the expression does not parse, names no exported series, or has no number to plot. */
function panelProblems(q: PanelQuery, res: PromQueryResult): string[] {
  const where = `${q.dashboard} "${q.panel}" (${q.refId}) ${q.expr}`;
  if (resolveMacros(q.expr).includes('$')) {
    return [`${where}: uses a Grafana variable this test cannot resolve`];
  }
  if (res.status !== 'success') {
    return [`${where}: does not parse (${res.error})`];
  }
  if (res.result.length === 0) {
    return [`${where}: returns no series (does the app export every metric it names?)`];
  }
  if (!res.result.some((s) => Number.isFinite(Number(s.value[1])))) {
    return [`${where}: returns only ${res.result.map((s) => s.value[1]).join(', ')} (no increase between scrapes?)`];
  }
  return [];
}

type Option = APIApplicationCommandOption & { options?: Option[]; required?: boolean };

/** Every registered slash command path that needs no option (so the test can send any the bot has). */
function commandsWithoutRequiredOptions(commands: APIApplicationCommand[]): Array<Omit<CommandInput, 'user'>> {
  const walk = (base: Omit<CommandInput, 'user'>, options: Option[] | undefined): Array<Omit<CommandInput, 'user'>> => {
    const nested = (options ?? []).filter((o) => o.type === 1 || o.type === 2);
    if (nested.length === 0) {
      return (options ?? []).some((o) => o.required) ? [] : [base];
    }
    return nested.flatMap((o) => walk(o.type === 2 ? { ...base, group: o.name } : { ...base, subcommand: o.name }, o.options));
  };
  return commands.filter((c) => (c.type ?? 1) === 1).flatMap((c) => walk({ name: c.name }, c.options));
}

describe('Grafana dashboards against a real Prometheus scraping the app', () => {
  let bot: DiscordTestBot;
  let fake: FakeDiscord;
  let t: TestApp;
  let prom: PrometheusServer;
  let stripe: FakeStripe;
  const players = [fakeUser('dash-one'), fakeUser('dash-two')];
  let earner: TestUser;
  let seq = 0;

  const api = () => t.http();
  const scrape = async () => (await api().get('/metrics')).text;
  const callback = (provider: keyof typeof SECRETS, body: object, signature?: string) => {
    const raw = JSON.stringify(body);
    return api()
      .post(`/api/v1/rewards/callbacks/${provider}`)
      .set('Content-Type', 'application/json')
      .set('X-Agis-Signature', signature ?? createHmac('sha256', SECRETS[provider]).update(raw).digest('hex'))
      .send(raw);
  };
  const stripeDelivery = (event: Record<string, unknown>) => {
    const { payload, header } = FakeStripe.sign(event, STRIPE_WEBHOOK_SECRET);
    return api().post('/api/v1/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
  };
  const serverStatus = async (u: TestUser, id: string) => (await api().get(`/api/v1/servers/${id}`).set(u.auth)).body.data?.status as string;
  const waitForServer = (u: TestUser, id: string, status: string) =>
    pollUntil(
      () => serverStatus(u, id),
      (s) => s === status,
      { timeoutMs: 30_000, intervalMs: 20, what: `server ${id} to be ${status}` },
    );

  /** One round of traffic across every feature; run twice so counters increase between scrapes. */
  async function exerciseEveryFeature(): Promise<void> {
    seq += 1;
    const u = await createUser(t, { credits: 10_000, wtgCoins: 2 });

    // Servers: create (starts at once), stop, start, stop.
    const created = await api()
      .post('/api/v1/servers')
      .set(u.auth)
      .send({ name: `dash-${seq}`, gameType: 'minecraft' });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    for (const [action, status] of [
      ['stop', 'stopped'],
      ['start', 'running'],
      ['stop', 'stopped'],
    ]) {
      await waitForServer(u, id, action === 'stop' ? 'running' : 'stopped');
      expect((await api().post(`/api/v1/servers/${id}/${action}`).set(u.auth)).status).toBe(202);
      await waitForServer(u, id, status);
    }

    // Schedules: one due run starts the stopped server.
    const schedule = await api().post(`/api/v1/servers/${id}/schedules`).set(u.auth).send({ action: 'start', cron: '0 0 1 1 *' });
    expect(schedule.status).toBe(201);
    await t.db.query(`UPDATE server_schedules SET next_run_at = now() - interval '2 seconds' WHERE id = $1`, [schedule.body.data.id]);
    await pollUntil(
      async () => (await api().get(`/api/v1/schedules/${schedule.body.data.id}/executions`).set(u.auth)).body.data ?? [],
      (runs: unknown[]) => runs.length > 0,
      { timeoutMs: 30_000, what: 'the schedule to fire' },
    );
    await waitForServer(u, id, 'running');
    expect((await api().post(`/api/v1/servers/${id}/stop`).set(u.auth)).status).toBe(202);

    // Economy: daily bonus (the second claim in a day is refused), conversion, reads.
    await api().post('/api/v1/users/me/daily').set(u.auth);
    expect((await api().post('/api/v1/shop/convert').set(u.auth).send({ wtg: 1 })).status).toBe(200);
    for (const path of [
      '/api/v1/users/me',
      '/api/v1/users/me/stats',
      '/api/v1/users/me/transactions',
      '/api/v1/games',
      '/api/v1/shop',
      '/api/v1/leaderboard/credits',
    ]) {
      expect((await api().get(path).set(u.auth)).status).toBe(200);
    }

    // A steady client: one key used in every wave, so per-key rates are above 0 between the scrapes.
    expect((await api().get('/api/v1/users/me').set(earner.auth)).status).toBe(200);

    // Errors: a 404 on a known route, a 404 on no route, a 400.
    expect((await api().get(`/api/v1/servers/${randomUUID()}`).set(u.auth)).status).toBe(404);
    expect((await api().get(`/api/v1/no-such-thing/${randomUUID()}`).set(u.auth)).status).toBe(404);
    expect((await api().post('/api/v1/servers').set(u.auth).send({ name: '', gameType: 'minecraft' })).status).toBe(400);

    // Rewards: a completed conversion, an amount-ceiling fraud, a refused signature.
    const completed = await callback('offerwall', { conversionId: `dash-${seq}-ok`, discordId: earner.discordId, amount: 100 + seq });
    expect(completed.body.data?.status).toBe('completed');
    const fraud = await callback('video', { conversionId: `dash-${seq}-big`, discordId: earner.discordId, amount: REWARD_CEILING + 1 });
    expect(fraud.body.data?.status).toBe('fraud');
    expect((await callback('offerwall', { conversionId: `dash-${seq}-sig`, discordId: earner.discordId, amount: 1 }, 'f'.repeat(64))).status).toBe(
      401,
    );
    // Payments: a package bought through Stripe Checkout and paid, half of it refunded, a forged delivery refused.
    const checkout = await api().post('/api/v1/shop/checkout').set(u.auth).send({ packageId: 'wtg-11' });
    expect(checkout.status).toBe(201);
    const session = checkout.body.data.sessionId as string;
    expect((await stripeDelivery(stripe.completeSession(session))).body.data?.outcome).toBe('granted');
    expect((await stripeDelivery(stripe.refund(session, 500))).body.data?.outcome).toBe('reversed');
    const forged = await api()
      .post('/api/v1/payments/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', 't=1,v1=00')
      .send('{}');
    expect(forged.status).toBe(400);

    // The gauge refreshes every 30 s by design; the test does not wait for the timer.
    await t.app.get(RewardsMetrics).refreshTopEarners();

    // Discord: the known commands with an outcome each, then every other registered command needing no option.
    const before = metricSum(await scrape(), 'agis_bot_commands_total');
    const known = [
      fake.sendCommand({ user: players[0], name: 'credits' }),
      fake.sendCommand({ user: players[1], name: 'stats' }),
      fake.sendCommand({ user: players[0], name: 'apikey', subcommand: 'list' }),
      fake.sendCommand({ user: players[1], name: 'apikey', subcommand: 'revoke', options: { id: 'doesnotexist' } }),
    ];
    await Promise.all(known.map((h) => h.final()));
    const others = commandsWithoutRequiredOptions(fake.commands)
      .filter((c) => !['credits', 'stats', 'apikey'].includes(c.name))
      .map((c) => fake.sendCommand({ ...c, user: players[seq % 2] }));
    // Their outcome is another spec's business; here they only feed the per-command panels.
    await Promise.allSettled(others.map((h) => h.reply()));
    // A handler is counted when it returns, just after its reply reached Discord.
    await pollUntil(scrape, (text) => metricSum(text, 'agis_bot_commands_total') >= before + known.length, {
      timeoutMs: 30_000,
      what: 'the commands to be counted',
    });
  }

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    bot = await startDiscordTestApp({
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.apiBase,
      AGIS_ROLES: 'api,scheduler,bot',
      LOCAL_AGONES_STEP_MS: '10',
      SCHEDULER_TICK_MS: '100',
      REWARDS_SECRET_OFFERWALL: SECRETS.offerwall,
      REWARDS_SECRET_VIDEO: SECRETS.video,
      REWARDS_MAX_AMOUNT: String(REWARD_CEILING),
    });
    ({ fake, t } = bot);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    prom = await startPrometheus({ target: `127.0.0.1:${port}` });
    earner = await createUser(t);

    // Wave one creates the series; Prometheus scrapes; wave two increases them; Prometheus scrapes again.
    await exerciseEveryFeature();
    await prom.waitForScrape(Date.now());
    await exerciseEveryFeature();
    await prom.waitForScrape(Date.now());
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await bot?.close();
    await stripe?.close();
  });

  const queries = dashboardQueries();

  it('finds the panel queries of every dashboard, the seed’s two among them', () => {
    const files = [...new Set(queries.map((q) => q.dashboard))].sort();
    expect(files).toEqual([...loadDashboards().keys()].sort());
    expect(files).toEqual(expect.arrayContaining(Object.keys(SEED_PANELS)));
    expect(queries.length).toBeGreaterThanOrEqual(20);
  });

  it('evaluates every panel query through Prometheus: each parses and returns data', async () => {
    const problems: string[] = [];
    for (const q of queries) {
      problems.push(...panelProblems(q, await prom.query(resolveMacros(q.expr))));
    }
    expect(problems).toEqual([]);
  });

  it('fails a panel whose query names a metric the app does not export, or does not parse', async () => {
    const real = queries.find((q) => q.expr.includes('agis_bot_active_users'))!;
    expect(panelProblems(real, await prom.query(real.expr))).toEqual([]);
    const missing = { ...real, expr: real.expr.replace('agis_bot_active_users', 'agis_bot_active_users_not_exported') };
    expect(panelProblems(missing, await prom.query(missing.expr))).toEqual([expect.stringContaining('returns no series')]);
    const broken = { ...real, expr: 'sum(rate(http_requests_total[5m])' };
    expect(panelProblems(broken, await prom.query(broken.expr))).toEqual([expect.stringContaining('does not parse')]);
  });

  it('evaluates the restart annotations: they parse and their metric is exported', async () => {
    const annotations = [...loadDashboards().values()].flatMap((d) => d.annotations.list.flatMap((a) => (a.expr ? [a.expr] : [])));
    expect(annotations.length).toBeGreaterThan(0);
    for (const expr of annotations) {
      expect((await prom.query(expr)).status).toBe('success');
      // Without its "> 0" (true only after a restart) the expression must have series.
      expect((await prom.query(expr.replace(/\s*[<>!=]=?\s*[\d.]+\s*$/, ''))).result.length).toBeGreaterThan(0);
    }
  });

  it('shows every seed panel, by title and type and in the seed’s order, each returning data after the workload', async () => {
    const dashboards = loadDashboards();
    for (const [file, seed] of Object.entries(SEED_PANELS)) {
      const panels = allPanels(dashboards.get(file)!);
      // The seed's panels come first; agis's own follow them.
      expect(panels.slice(0, seed.length).map((p) => [p.title, p.type])).toEqual(seed);
      for (const [title] of seed) {
        const exprs = queries.filter((q) => q.dashboard === file && q.panel === title);
        expect({ title, hasQueries: exprs.length > 0 }).toEqual({ title, hasQueries: true });
        const problems: string[] = [];
        for (const q of exprs) {
          problems.push(...panelProblems(q, await prom.query(resolveMacros(q.expr))));
        }
        expect(problems).toEqual([]);
      }
    }
  });

  it('lists the top earners of the last 24 h by Discord username, ten at most', async () => {
    const top = await prom.query('sort_desc(max by (rank, user) (agis_ad_top_earner_rewards_24h))');
    expect(top.result.length).toBeGreaterThan(0);
    expect(top.result.length).toBeLessThanOrEqual(10);
    const [{ username }] = await t.db.query('SELECT username FROM users WHERE id = $1', [earner.userId]);
    const [{ total }] = await t.db.query(
      `SELECT sum(amount)::int AS total FROM ad_conversions WHERE user_id = $1 AND status = 'completed' AND created_at > now() - interval '24 hours'`,
      [earner.userId],
    );
    expect(top.result).toContainEqual(
      expect.objectContaining({ metric: expect.objectContaining({ user: username }), value: [expect.anything(), String(total)] }),
    );
  });

  it('counts users with any authenticated activity in the last 24 h: REST with an API key, Discord, rewards', async () => {
    // A user seen only over REST: their key use reaches user_stats with the key-touch flush (every 15 s; flushed here).
    const restOnly = await createUser(t);
    expect((await api().get('/api/v1/users/me').set(restOnly.auth)).status).toBe(200);
    await t.app.get(ApiKeyTouchService).flush();
    const [seen] = await t.db.query('SELECT last_active_at, last_key_use_at FROM user_stats WHERE user_id = $1', [restOnly.userId]);
    expect(seen).toEqual({ last_active_at: null, last_key_use_at: expect.any(Date) });
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM user_stats WHERE GREATEST(last_active_at, last_key_use_at) > now() - interval '24 hours'`,
    );
    // Two Discord players, the user whose ad conversions stamped their activity, the REST users of both waves and this one.
    expect(n).toBeGreaterThanOrEqual(6);
    await pollUntil(
      () => prom.query('max(agis_bot_active_users)'),
      (r) => Number(r.result[0]?.value[1]) === n,
      { timeoutMs: 15_000, intervalMs: 200, what: `agis_bot_active_users to be ${n}` },
    );
  });

  it('answers the seed’s scheduler queries for a known set of schedules and one failed run', async () => {
    const value = async (expr: string) => Number((await prom.query(expr)).result[0]?.value[1] ?? NaN);
    await prom.waitForScrape(Date.now());
    const enabledBefore = await value('max(scheduler_schedules{enabled="true"})');
    const disabledBefore = await value('max(scheduler_schedules{enabled="false"})');
    // The workload's runs all succeeded: no error yet.
    expect((await prom.query('scheduler_executions_total{status="error"}')).result).toEqual([]);

    // A user who cannot pay a server hour, with a stopped server and three schedules: a start (will fail), a stop, a disabled restart.
    const broke = await createUser(t, { credits: 0 });
    const server = await api().post('/api/v1/servers').set(broke.auth).send({ name: 'dash-broke', gameType: 'minecraft', start: false });
    expect(server.status).toBe(201);
    const serverId = server.body.data.id as string;
    await waitForServer(broke, serverId, 'stopped');
    const schedule = async (action: string) => {
      const res = await api().post(`/api/v1/servers/${serverId}/schedules`).set(broke.auth).send({ action, cron: '0 0 1 1 *' });
      expect(res.status).toBe(201);
      return res.body.data.id as string;
    };
    const failing = await schedule('start');
    await schedule('stop');
    const disabled = await schedule('restart');
    expect((await api().post(`/api/v1/schedules/${disabled}/disable`).set(broke.auth)).status).toBe(200);
    await t.db.query(`UPDATE server_schedules SET next_run_at = now() - interval '2 seconds' WHERE id = $1`, [failing]);
    const [run] = await pollUntil(
      async () => (await api().get(`/api/v1/schedules/${failing}/executions`).set(broke.auth)).body.data ?? [],
      (runs: unknown[]) => runs.length > 0,
      { timeoutMs: 30_000, what: 'the failing schedule to fire' },
    );
    expect(run).toEqual(expect.objectContaining({ status: 'failed' }));
    await prom.waitForScrape(Date.now());

    // One series per enabled state holding the count: sum (or max across replicas) is the number of schedules.
    expect(await value('max(scheduler_schedules{enabled="true"})')).toBe(enabledBefore + 2);
    expect(await value('sum(scheduler_schedules{enabled="true"})')).toBe(enabledBefore + 2);
    expect(await value('max(scheduler_schedules{enabled="false"})')).toBe(disabledBefore + 1);
    // The seed's count(...) counts series, one per enabled state and process: 1 here whatever the number (README).
    expect(await value('count(scheduler_schedules{enabled="true"})')).toBe(1);
    // The seed's failure query, as written: the failed run under status="error", its reason in a label of its own.
    const errors = await prom.query('scheduler_executions_total{status="error"}');
    expect(errors.result.map((r) => [r.metric.action, r.metric.reason, r.value[1]])).toEqual([['start', 'insufficient_credits', '1']]);
  });

  it('times every statement by operation: raw queries and TypeORM-built ones alike', async () => {
    const before = await scrape();
    await t.db.query('DELETE FROM idempotency_keys WHERE false');
    await t.db.createQueryBuilder().delete().from('users').where('discord_id = :id', { id: 'no-such-user' }).execute();
    const after = await scrape();
    const delta = (name: string) => metricSum(after, name, { op: 'delete' }) - metricSum(before, name, { op: 'delete' });
    expect(delta('agis_database_operations_total')).toBe(2);
    expect(delta('database_query_duration_seconds_count')).toBe(2);
    const byOp = await prom.query('sum by (op) (agis_database_operations_total)');
    const ops = Object.fromEntries(byOp.result.map((s) => [s.metric.op, Number(s.value[1])]));
    expect(Object.keys(ops).sort()).toEqual(['delete', 'insert', 'other', 'select', 'update']);
    for (const op of ['select', 'insert', 'update', 'other']) {
      expect(ops[op]).toBeGreaterThan(0);
    }
  });

  it('counts pool connections in use', async () => {
    const held = [t.db.createQueryRunner(), t.db.createQueryRunner()];
    try {
      await Promise.all(held.map((r) => r.connect()));
      const active = metricSum(await scrape(), 'database_connections_active');
      expect(active).toBeGreaterThanOrEqual(2);
      expect(active).toBeLessThanOrEqual(t.config.DATABASE_POOL_SIZE);
    } finally {
      await Promise.all(held.map((r) => r.release()));
    }
  });

  it('keeps every label value bounded: route templates and command names, never ids', async () => {
    const text = await scrape();
    const values = new Map<string, Set<string>>();
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      for (const [, label, value] of line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        values.set(label, (values.get(label) ?? new Set()).add(value));
      }
    }
    const idLike = [...values].flatMap(([label, vs]) =>
      [...vs].filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i.test(v) || /\d{15,}/.test(v) || v.includes('agis_')).map((v) => `${label}=${v}`),
    );
    expect(idLike).toEqual([]);
    const routes = [...(values.get('route') ?? [])];
    expect(routes).toContain('/api/v1/servers/:id');
    // The request to /api/v1/no-such-thing/<uuid> is counted under a template or "unmatched", not its path.
    expect(routes.filter((r) => r.includes('no-such-thing') || !(r === 'unmatched' || r.startsWith('/')))).toEqual([]);
    const registered = new Set(commandPaths(fake.commands).map((p) => p.slice(1)));
    const commandLabels = text
      .split('\n')
      .filter((l) => l.startsWith('agis_bot_commands_total{'))
      .map((l) => /command="([^"]*)"/.exec(l)?.[1] ?? '');
    expect(commandLabels.length).toBeGreaterThan(0);
    expect(commandLabels.filter((c) => !registered.has(c))).toEqual([]);
  });
});
