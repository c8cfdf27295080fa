/**
 * Decorators that stack over any engine: a read cache (Caffeine), metrics with percentiles (Micrometer),
 * rate limits (Bucket4j), size limits, write buffering and timeouts, built by
 * {@link dev.plinth.decorators.EngineDecorators} in its one fixed order; and helpers over the public API:
 * {@link dev.plinth.decorators.HealthProbe}, {@link dev.plinth.decorators.CasRetry} and the
 * {@link dev.plinth.decorators.NonAtomicBatchWriter}. docs/decorators.md describes each one, its
 * guarantees and its cost.
 */
package dev.plinth.decorators;
