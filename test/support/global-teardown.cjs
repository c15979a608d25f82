const { rmSync } = require('node:fs');

module.exports = async () => {
  const state = globalThis.__AGIS_TEST_PG__;
  if (!state) return;
  await state.pg.stop().catch(() => undefined);
  rmSync(state.root, { recursive: true, force: true });
};
