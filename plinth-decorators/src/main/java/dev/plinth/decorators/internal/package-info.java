/**
 * The decorators themselves, each a {@link dev.plinth.spi.ForwardingEngine}; built only through
 * {@link dev.plinth.decorators.EngineDecorators}. Each names its own lock, if it has one; no decorator holds
 * a lock while it calls the engine below it, so a stack has no lock order.
 */
package dev.plinth.decorators.internal;
