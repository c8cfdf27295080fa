/** Runnable examples of the API; they run on the module path as well as on the class path. */
module dev.plinth.examples {
    requires dev.plinth;
}
