import { applyCatalogOverride, BUILT_IN_GAMES, CatalogError, checkGameEntry, findGame, isReadinessCheck, normalizeGame } from './game-catalog';

describe('game catalog', () => {
  it('offers the 14 game types at the published hourly prices', () => {
    expect(Object.fromEntries(BUILT_IN_GAMES.map((g) => [g.key, g.hourlyCost]))).toEqual({
      minecraft: 30,
      terraria: 35,
      dst: 60,
      cs2: 120,
      gmod: 95,
      valheim: 120,
      rust: 220,
      ark: 240,
      palworld: 180,
      '7d2d': 130,
      pz: 135,
      factorio: 100,
      satisfactory: 240,
      starbound: 40,
    });
  });

  it('describes every built-in game completely enough to pass its own validation', () => {
    expect(applyCatalogOverride(BUILT_IN_GAMES, BUILT_IN_GAMES)).toEqual(BUILT_IN_GAMES);
    for (const g of BUILT_IN_GAMES) {
      expect(g.ports.length).toBeGreaterThan(0);
      expect(g.image).toMatch(/^[\w./-]+:[\w.-]+$/);
    }
  });

  it('changes only the given fields of a built-in game and adds new games', () => {
    const catalog = applyCatalogOverride(BUILT_IN_GAMES, {
      games: [
        { key: 'minecraft', hourlyCost: 45 },
        {
          key: 'quake',
          name: 'Quake III',
          hourlyCost: 10,
          image: 'example/quake3:1',
          ports: [{ name: 'game', containerPort: 27960, protocol: 'UDP' }],
          resources: { cpu: '250m', memory: '256Mi' },
          dataPath: '/home/quake/baseq3',
          storage: '1Gi',
          readiness: { check: 'protocol-quake3', port: 27960 },
        },
      ],
    });
    expect(findGame(catalog, 'minecraft')).toEqual({ ...findGame(BUILT_IN_GAMES, 'minecraft'), hourlyCost: 45 });
    expect(findGame(catalog, 'quake')).toMatchObject({ hourlyCost: 10, env: {}, readiness: { check: 'protocol-quake3', port: 27960 } });
    expect(catalog).toHaveLength(15);
    expect(findGame(BUILT_IN_GAMES, 'minecraft')?.hourlyCost).toBe(30);
  });

  it('lists every problem of a bad override at once', () => {
    let error: CatalogError | undefined;
    try {
      applyCatalogOverride(BUILT_IN_GAMES, [
        { key: 'minecraft', hourlyCost: -1, colour: 'red' },
        { key: 'Bad Key' },
        { key: 'newgame', name: 'New' },
        {
          key: 'valheim',
          ports: [{ name: 'game', containerPort: 70000, protocol: 'SCTP', hostPort: 2456 }],
          resources: { cpu: 'lots', memory: '2Gi', gpu: '1' },
        },
        { key: 'terraria', readiness: { check: 'tcp', port: 7777, bootSeconds: 3601 } },
        {
          key: 'rust',
          ports: [{ name: 'game', containerPort: 28015 }],
          dataPath: 'rust/data',
          storage: 'big',
          env: { 'bad name': 'x', OK: 5 },
          readiness: { check: 'protocol-nonsense', port: 1234, bootSeconds: 5, retries: 3 },
        },
      ]);
    } catch (err) {
      error = err as CatalogError;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/minecraft.*unknown field "colour"/),
        expect.stringMatching(/minecraft.*hourlyCost must be a positive whole number/),
        expect.stringMatching(/games\[1\].*key must be lowercase/),
        expect.stringMatching(/newgame.*image/),
        expect.stringMatching(/newgame.*ports/),
        expect.stringMatching(/valheim.*containerPort must be 1-65535/),
        expect.stringMatching(/valheim.*protocol must be TCP, UDP or TCPUDP/),
        expect.stringMatching(/valheim.*resources.cpu/),
        expect.stringMatching(/valheim.*ports\[0\]: unknown field "hostPort"/),
        expect.stringMatching(/valheim.*resources: unknown field "gpu"/),
        expect.stringMatching(/terraria.*readiness\.bootSeconds must be a whole number of seconds from 30 to 3600/),
        expect.stringMatching(/newgame.*dataPath must be an absolute path/),
        expect.stringMatching(/newgame.*readiness must be/),
        expect.stringMatching(/rust.*ports\[0\]\.protocol must be TCP, UDP or TCPUDP/),
        expect.stringMatching(/rust.*dataPath must be an absolute path/),
        expect.stringMatching(/rust.*storage must be a volume size/),
        expect.stringMatching(/rust.*env\.bad name must be a variable name/),
        expect.stringMatching(/rust.*env\.OK must be a variable name/),
        expect.stringMatching(/rust.*readiness: unknown field "retries"/),
        expect.stringMatching(/rust.*readiness\.check must be tcp, udp or protocol-<name>/),
        expect.stringMatching(/rust.*readiness\.port must be one of the game's containerPorts/),
        expect.stringMatching(/rust.*readiness\.bootSeconds must be a whole number of seconds from 30 to 3600/),
      ]),
    );
  });

  it('gives every built-in game a readiness check the sidecar can run on one of its ports', () => {
    for (const g of BUILT_IN_GAMES) {
      expect(isReadinessCheck(g.readiness.check)).toBe(true);
      expect(g.ports.map((p) => p.containerPort)).toContain(g.readiness.port);
      expect(g.dataPath).toMatch(/^\//);
    }
    expect(findGame(BUILT_IN_GAMES, 'minecraft')?.env).toEqual({ EULA: 'TRUE' });
    expect(isReadinessCheck('protocol-minecraftvanilla')).toBe(true);
    expect(isReadinessCheck('protocol-../../etc/passwd')).toBe(false);
    expect(isReadinessCheck('minecraft')).toBe(false);
  });

  it('refuses a document that is not a list of games', () => {
    expect(() => applyCatalogOverride(BUILT_IN_GAMES, { minecraft: 30 })).toThrow(/expected a JSON array/);
    expect(() => applyCatalogOverride(BUILT_IN_GAMES, [{ key: 'terraria' }, { key: 'terraria' }])).toThrow(/duplicate key "terraria"/);
  });

  it("checks an API entry by the file's rules for a new game, naming the field of each problem", () => {
    const { key: _key, ...minecraft } = findGame(BUILT_IN_GAMES, 'minecraft')!;
    expect(checkGameEntry('minecraft', { ...minecraft })).toEqual([]);
    expect(checkGameEntry('minecraft', { ...minecraft, hourlyCost: 0 })).toEqual([
      { field: 'hourlyCost', message: 'hourlyCost must be a positive whole number of GameCredits' },
    ]);
    expect(checkGameEntry('Mine Craft', { ...minecraft, colour: 'red', env: null })).toEqual([
      { field: 'key', message: 'key must be lowercase letters, digits and dashes (at most 32)' },
      { field: 'colour', message: 'unknown field "colour"' },
      { field: 'env', message: 'env must be an object of NAME: "value" pairs' },
    ]);
    // Unlike an override of a built-in game in the file, an entry sent through the API is whole: nothing is inherited.
    expect([...new Set(checkGameEntry('minecraft', { hourlyCost: 45 }).map((p) => p.field))]).toEqual([
      'name',
      'image',
      'ports',
      'resources',
      'dataPath',
      'storage',
      'readiness',
    ]);
  });

  it("stores only the catalog's own fields of an entry", () => {
    const game = findGame(BUILT_IN_GAMES, 'valheim')!;
    const extra = { ...game, ports: game.ports.map((q) => ({ ...q, hostPort: 1 })), readiness: { ...game.readiness } };
    expect(normalizeGame(extra)).toEqual(game);
  });
});
