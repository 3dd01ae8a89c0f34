/** Latency histogram bucket bounds in seconds (Prometheus `le` labels). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** How many recent latencies per route the exact p50/p99 are computed from. */
const RESERVOIR = 4096;

interface RouteStats {
  readonly method: string;
  readonly route: string;
  count: number;
  errors: number;
  readonly byStatus: Map<number, number>;
  readonly buckets: number[];
  sumSeconds: number;
  readonly recent: number[];
  next: number;
}

/** Per-route summary in {@link ServerMetrics.snapshot}. */
export interface RouteSummary {
  readonly method: string;
  readonly route: string;
  /** Requests answered. */
  readonly count: number;
  /** Answers with status ≥ 400. */
  readonly errors: number;
  /** Answers by HTTP status. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Median latency over the last 4096 requests, in milliseconds. */
  readonly p50Ms: number;
  /** 99th-percentile latency over the last 4096 requests, in milliseconds. */
  readonly p99Ms: number;
  /** Mean latency over all requests, in milliseconds. */
  readonly meanMs: number;
}

/** What `GET /metrics?format=json` answers. */
export interface MetricsSnapshot {
  readonly uptimeSeconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly routes: readonly RouteSummary[];
  /** Server-specific gauges (active sessions, trajectories scored…). */
  readonly gauges: Readonly<Record<string, number>>;
}

/**
 * Request counts, error counts and latency of an HTTP server, per route, kept in memory.
 *
 * @remarks
 * Latency is measured from `onRequest` to `onResponse` (fastify hooks). p50/p99 are exact over a
 * ring of the last 4096 latencies per route; the Prometheus histogram uses
 * {@link LATENCY_BUCKETS_SECONDS}.
 */
export class ServerMetrics {
  readonly #routes = new Map<string, RouteStats>();
  readonly #started: number;
  readonly #gauges: () => Record<string, number>;

  constructor(gauges: () => Record<string, number> = () => ({})) {
    this.#started = performance.now();
    this.#gauges = gauges;
  }

  /** Records one answered request. */
  record(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${route}`;
    let stats = this.#routes.get(key);
    if (stats === undefined) {
      stats = {
        method,
        route,
        count: 0,
        errors: 0,
        byStatus: new Map(),
        buckets: LATENCY_BUCKETS_SECONDS.map(() => 0),
        sumSeconds: 0,
        recent: [],
        next: 0,
      };
      this.#routes.set(key, stats);
    }
    stats.count += 1;
    if (statusCode >= 400) stats.errors += 1;
    stats.byStatus.set(statusCode, (stats.byStatus.get(statusCode) ?? 0) + 1);
    stats.sumSeconds += seconds;
    LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
      if (seconds <= bound) stats.buckets[i] = (stats.buckets[i] ?? 0) + 1;
    });
    if (stats.recent.length < RESERVOIR) stats.recent.push(seconds);
    else {
      stats.recent[stats.next] = seconds;
      stats.next = (stats.next + 1) % RESERVOIR;
    }
  }

  /** The current numbers as plain JSON. */
  snapshot(): MetricsSnapshot {
    const routes = [...this.#routes.values()].map((stats): RouteSummary => {
      const sorted = [...stats.recent].sort((a, b) => a - b);
      return {
        method: stats.method,
        route: stats.route,
        count: stats.count,
        errors: stats.errors,
        byStatus: Object.fromEntries([...stats.byStatus].map(([k, v]) => [String(k), v])),
        p50Ms: quantile(sorted, 0.5) * 1000,
        p99Ms: quantile(sorted, 0.99) * 1000,
        meanMs: stats.count === 0 ? 0 : (stats.sumSeconds / stats.count) * 1000,
      };
    });
    return {
      uptimeSeconds: (performance.now() - this.#started) / 1000,
      requests: routes.reduce((sum, r) => sum + r.count, 0),
      errors: routes.reduce((sum, r) => sum + r.errors, 0),
      routes,
      gauges: this.#gauges(),
    };
  }

  /** The current numbers in the Prometheus text exposition format (version 0.0.4). */
  prometheus(prefix: string): string {
    const lines: string[] = [];
    lines.push(`# HELP ${prefix}_http_requests_total HTTP requests answered.`);
    lines.push(`# TYPE ${prefix}_http_requests_total counter`);
    for (const stats of this.#routes.values()) {
      for (const [status, count] of stats.byStatus) {
        lines.push(
          `${prefix}_http_requests_total{method="${stats.method}",route="${escapeLabel(stats.route)}",status="${status}"} ${count}`,
        );
      }
    }
    lines.push(`# HELP ${prefix}_http_request_duration_seconds Time from request to response.`);
    lines.push(`# TYPE ${prefix}_http_request_duration_seconds histogram`);
    for (const stats of this.#routes.values()) {
      const labels = `method="${stats.method}",route="${escapeLabel(stats.route)}"`;
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
        lines.push(
          `${prefix}_http_request_duration_seconds_bucket{${labels},le="${bound}"} ${stats.buckets[i] ?? 0}`,
        );
      });
      lines.push(
        `${prefix}_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${stats.count}`,
      );
      lines.push(`${prefix}_http_request_duration_seconds_sum{${labels}} ${stats.sumSeconds}`);
      lines.push(`${prefix}_http_request_duration_seconds_count{${labels}} ${stats.count}`);
    }
    for (const [name, value] of Object.entries(this.#gauges())) {
      lines.push(`# TYPE ${prefix}_${name} gauge`);
      lines.push(`${prefix}_${name} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
