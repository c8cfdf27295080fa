/** The rocksdb engine adapter. */
package dev.plinth.rocksdb;
