/**
 * Named collections of Automerge CRDT documents on any Plinth store, with merge and sync between replicas.
 * {@link dev.plinth.documents.DocumentStore} is the entry point; the storage layout is specified in
 * {@code docs/format/documents.md} and the model in {@code docs/documents.md}.
 */
package dev.plinth.documents;
