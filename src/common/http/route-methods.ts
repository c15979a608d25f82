import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { METHODS } from 'node:http';

/** The parts of an Express 5 (`router` 2) route layer read here. */
interface RouteLayer {
  matchers: Array<(path: string) => unknown>;
  route?: { methods: Record<string, boolean> };
}

/**
 * Which methods each registered path answers, read once from the router itself after every route is
 * registered, so `Allow` cannot drift from the routes (HTTP: a known path with another method is 405
 * with `Allow`, RFC 9110 §15.5.6; an unknown path stays 404).
 */
@Injectable()
export class RouteMethods implements OnApplicationBootstrap {
  private routes: Array<{ matches: (path: string) => boolean; methods: string[] }> = [];

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const app = this.adapterHost.httpAdapter?.getInstance<{ router?: { stack: RouteLayer[] } }>();
    this.routes = (app?.router?.stack ?? []).flatMap((layer) => {
      const methods = Object.keys(layer.route?.methods ?? {})
        .filter((m) => m !== '_all')
        .map((m) => m.toUpperCase());
      // Nest mounts module middleware (logging, ...) as routes for every method: a route that answers
      // every method can never make a 405, and is not an endpoint.
      if (!methods.length || layer.route!.methods._all || methods.length >= METHODS.length) {
        return [];
      }
      return [{ matches: (path: string) => layer.matchers.some((match) => matchesSafely(match, path)), methods }];
    });
  }

  /** The methods `path` answers (HEAD wherever GET is, as Express serves it), sorted; [] for an unknown path. */
  allowedOn(path: string): string[] {
    const methods = new Set(this.routes.filter((r) => r.matches(path)).flatMap((r) => r.methods));
    if (methods.has('GET')) {
      methods.add('HEAD');
    }
    return [...methods].sort();
  }
}

/** A path the router could not decode never reaches the not-found handler; here it simply does not match. */
function matchesSafely(match: (path: string) => unknown, path: string): boolean {
  try {
    return Boolean(match(path));
  } catch {
    return false;
  }
}
