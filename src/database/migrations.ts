import { Foundation1764115200000 } from '../../migrations/1764115200000-Foundation';
import { ServersAndLedger1764115300000 } from '../../migrations/1764115300000-ServersAndLedger';
import { Economy1764115400000 } from '../../migrations/1764115400000-Economy';
import { Scheduling1764115500000 } from '../../migrations/1764115500000-Scheduling';
import { Hardening1764115600000 } from '../../migrations/1764115600000-Hardening';
import { MetricsIndexes1764115700000 } from '../../migrations/1764115700000-MetricsIndexes';
import { PlayableServers1764115800000 } from '../../migrations/1764115800000-PlayableServers';
import { StatsActivityColumns1764200000000 } from '../../migrations/1764200000000-StatsActivityColumns';
import { Payments1764300000000 } from '../../migrations/1764300000000-Payments';
import { PremiumAndWork1764300100000 } from '../../migrations/1764300100000-PremiumAndWork';
import { GiftsSentIndex1764300160000 } from '../../migrations/1764300160000-GiftsSentIndex';
import { Suspensions1764400200000 } from '../../migrations/1764400200000-Suspensions';
import { Lobby1764400000000 } from '../../migrations/1764400000000-Lobby';
import { Guilds1764400300000 } from '../../migrations/1764400300000-Guilds';
import { ActiveUsersIndex1764500000000 } from '../../migrations/1764500000000-ActiveUsersIndex';
import { ApiKeyUsage1764500100000 } from '../../migrations/1764500100000-ApiKeyUsage';
import { GameCatalogTable1764400100000 } from '../../migrations/1764400100000-GameCatalogTable';

/** Every migration in order; listed explicitly so the app, CLI and jest load the same set. */
export const MIGRATIONS = [
  Foundation1764115200000,
  ServersAndLedger1764115300000,
  Economy1764115400000,
  Scheduling1764115500000,
  Hardening1764115600000,
  MetricsIndexes1764115700000,
  PlayableServers1764115800000,
  StatsActivityColumns1764200000000,
  Payments1764300000000,
  PremiumAndWork1764300100000,
  GiftsSentIndex1764300160000,
  Lobby1764400000000,
  GameCatalogTable1764400100000,
  Suspensions1764400200000,
  Guilds1764400300000,
  ActiveUsersIndex1764500000000,
  ApiKeyUsage1764500100000,
];
