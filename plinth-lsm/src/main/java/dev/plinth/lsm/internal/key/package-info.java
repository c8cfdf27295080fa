/**
 * The lowest layer of the lsm engine: what a version of a key is ({@link dev.plinth.lsm.internal.key.Entry}),
 * range deletes, and the iterator every layer above speaks. Depends on nothing else in the engine.
 */
package dev.plinth.lsm.internal.key;
