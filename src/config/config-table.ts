/* Prints the README configuration table from the config class: `npm run docs:config`. */
import 'reflect-metadata';
import { SETTINGS } from './app-config';

export function configTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${s.default.replace(/\|/g, '\\|')} | ${s.description.replace(/\|/g, '\\|')} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

if (require.main === module) {
  console.log(configTable());
}
