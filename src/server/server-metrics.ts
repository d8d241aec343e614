/**
 * Prometheus metrics for `/metrics`: request counts and latencies per route
 * and status, and per-collection document counts and index sizes (read from
 * the collection manifests when scraped). One registry per server, so several
 * servers in one process (tests) do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CollectionRegistry } from './collection-registry.js';
import type { SearchThreadPool } from './search-threads/search-thread-pool.js';

/** The server's metrics. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;

  constructor(collections: CollectionRegistry, searchThreads: SearchThreadPool | null = null) {
    collectDefaultMetrics({ register: this.registry, prefix: 'quarry_' });
    this.requests = new Counter({
      name: 'quarry_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'quarry_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const figures = (): { name: string; documents: number; bytes: number; searches: number }[] => {
      const out = [];
      for (const name of collections.names()) {
        try {
          const c = collections.get(name);
          let documents = 0;
          let bytes = 0;
          for (const s of c.manifest().segments) {
            documents += s.numDocs - (s.deletes?.count ?? 0);
            for (const f of Object.values(s.files)) bytes += f.bytes;
          }
          out.push({ name, documents, bytes, searches: c.stats.searches });
        } catch {
          // A collection that cannot be opened is reported by its own endpoints, not by a failed scrape.
        }
      }
      return out;
    };
    // Each gauge is filled at scrape time from the collections' current snapshots.
    const gauge = (name: string, help: string, value: (f: ReturnType<typeof figures>[number]) => number): void => {
      const g: Gauge<'collection'> = new Gauge({
        name,
        help,
        labelNames: ['collection'],
        registers: [this.registry],
        collect: () => {
          g.reset();
          for (const f of figures()) g.set({ collection: f.name }, value(f));
        },
      });
    };
    gauge('quarry_collection_documents', 'Live documents per collection (last commit)', (f) => f.documents);
    gauge('quarry_collection_index_bytes', 'Index size per collection in bytes (last commit)', (f) => f.bytes);
    gauge('quarry_collection_searches', 'Searches served per collection since start', (f) => f.searches);
    const restarts: Gauge = new Gauge({
      name: 'quarry_search_thread_restarts',
      help: 'Search threads stopped since start because a search ran past its deadline, or because they died',
      registers: [this.registry],
      collect: () => restarts.set(searchThreads?.restarts ?? 0),
    });
  }

  /** Records one finished request. `route` is the route pattern, never the raw URL (bounded label values). */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content-Type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
