import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from './config-table';

describe('README configuration table', () => {
  it('matches the config class exactly (regenerate with npm run docs:config)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(configTable());
  });
});
