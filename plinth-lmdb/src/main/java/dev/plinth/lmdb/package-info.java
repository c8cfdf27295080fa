/** The lmdb engine adapter. */
package dev.plinth.lmdb;
