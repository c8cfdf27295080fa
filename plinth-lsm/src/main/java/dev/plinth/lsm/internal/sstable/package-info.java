/**
 * Sorted tables of the lsm engine: immutable files of checksummed data blocks with shared-prefix keys and
 * restart points, a range-delete block, a bloom filter and an index, ending in a footer with a magic number
 * and version ({@code docs/format/sstable.md}). Depends only on the key package and the file seam.
 */
package dev.plinth.lsm.internal.sstable;
