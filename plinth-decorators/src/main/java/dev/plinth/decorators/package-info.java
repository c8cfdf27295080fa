/**
 * Decorators that stack over any engine: a read cache (Caffeine), metrics with percentiles (Micrometer),
 * rate limits (Bucket4j), size limits; and helpers over the public API: compare-and-set retry and a
 * non-atomic batch splitter. {@link dev.plinth.decorators.EngineDecorators} builds a stack in its one fixed
 * order; docs/decorators.md describes each decorator, its guarantees and its cost.
 */
package dev.plinth.decorators;
