/**
 * An order-preserving key encoding for composite keys: {@link dev.plinth.keys.Tuple} and its fast paths
 * {@link dev.plinth.keys.KeyWriter} and {@link dev.plinth.keys.KeyReader}. The unsigned byte order of an encoded
 * key is the natural order of its parts, and a prefix of a tuple encodes to a prefix of its key, so a range
 * scan over {@link dev.plinth.keys.Tuple#range()} finds every key that extends a prefix. Modelled on the
 * FoundationDB tuple layer's integer, string and escape scheme; the exact bytes are specified in
 * {@code docs/format/keys.md} and never change, because stores persist them.
 */
package dev.plinth.keys;
