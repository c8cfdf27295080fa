package dev.plinth.cli;

import dev.plinth.quadstore.QuadStore;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.ReadWrite;
import org.apache.jena.query.ResultSet;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.exec.UpdateExec;
import org.apache.jena.update.UpdateFactory;
import org.apache.jena.update.UpdateRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plinth rdf query URI SPARQL}: one SPARQL 1.1 query or update through Jena ARQ over the quad store's
 * {@code DatasetGraph}. A query runs in a read transaction on a store opened read-only; an update runs in a
 * write transaction that is aborted, undoing its changes, if any operation fails.
 */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a SPARQL 1.1 query or update on the store's quad store.",
                "SELECT prints a table (or csv, tsv, json), ASK prints true or false, CONSTRUCT and DESCRIBE "
                        + "print Turtle (or nquads). An update prints how many quads the store held before and "
                        + "after; if it fails part way, what it had changed is undone."})
final class RdfQueryCommand extends RdfCommand.RdfSubcommand {
    private static final Set<String> SELECT_FORMATS = Set.of("table", "csv", "tsv", "json");
    private static final Set<String> GRAPH_FORMATS = Set.of("turtle", "nquads");

    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "SPARQL", description = "The query or update text, or - to read it from "
            + "standard input.")
    String sparql;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "For SELECT: table (the default), csv, tsv, json; for CONSTRUCT and DESCRIBE: turtle (the "
                    + "default), nquads.")
    String format;

    @Override
    public Integer call() {
        String text = sparql.equals("-") ? RdfCommand.readAll(in()) : sparql;
        Query query;
        try {
            query = QueryFactory.create(text);
        } catch (QueryParseException asQuery) {
            UpdateRequest update;
            try {
                update = UpdateFactory.create(text);
            } catch (QueryParseException asUpdate) {
                // Report the reading that got further into the text: that is the one the user meant.
                QueryParseException e = further(asQuery, asUpdate);
                throw usage("the SPARQL text is neither a query nor an update: " + firstSentence(e.getMessage()));
            }
            if (format != null) {
                throw usage("--format applies to queries; an update prints no results");
            }
            return update(update);
        }
        return query(query);
    }

    private int query(Query query) {
        String f = checkedFormat(query);
        QuadStore quads = existingQuadStore(uri, "rdf query", true);
        try {
            DatasetGraph dsg = quads.asDatasetGraph();
            Dataset ds = DatasetFactory.wrap(dsg);
            PrintStream out = out();
            dsg.begin(ReadWrite.READ);
            try (QueryExecution qe = QueryExecution.dataset(ds).query(query).build()) {
                if (query.isSelectType()) {
                    ResultSet rs = qe.execSelect();
                    switch (f) {
                        case "csv" -> ResultSetFormatter.outputAsCSV(out, rs);
                        case "tsv" -> ResultSetFormatter.outputAsTSV(out, rs);
                        case "json" -> ResultSetFormatter.outputAsJSON(out, rs);
                        default -> ResultSetFormatter.out(out, rs, query);
                    }
                } else if (query.isAskType()) {
                    Text.println(out, String.valueOf(qe.execAsk()));
                } else {
                    Model m = query.isConstructType() ? qe.execConstruct() : qe.execDescribe();
                    if (f.equals("nquads")) {
                        RDFDataMgr.write(out, DatasetGraphFactory.wrap(m.getGraph()), Lang.NQUADS);
                    } else {
                        RDFDataMgr.write(out, m, Lang.TURTLE);
                    }
                }
            } finally {
                dsg.end();
            }
            out.flush();
            return ExitCode.OK;
        } finally {
            closeBoth(quads);
        }
    }

    private String checkedFormat(Query query) {
        if (query.isSelectType() || query.isAskType()) {
            if (query.isAskType() && format != null) {
                throw usage("--format does not apply to ASK, which prints true or false");
            }
            return checked(SELECT_FORMATS, "table", "SELECT");
        }
        if (query.isConstructType() || query.isDescribeType()) {
            return checked(GRAPH_FORMATS, "turtle", query.isConstructType() ? "CONSTRUCT" : "DESCRIBE");
        }
        throw usage("rdf query runs SELECT, ASK, CONSTRUCT and DESCRIBE queries, not " + query.queryType());
    }

    private String checked(Set<String> allowed, String dflt, String form) {
        if (format == null) {
            return dflt;
        }
        String f = format.toLowerCase(Locale.ROOT);
        if (!allowed.contains(f)) {
            throw usage("--format " + format + " does not apply to " + form + "; use one of "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        return f;
    }

    private int update(UpdateRequest update) {
        QuadStore quads = existingQuadStore(uri, "rdf query", false);
        try {
            DatasetGraph dsg = quads.asDatasetGraph();
            long before = quads.size();
            dsg.begin(ReadWrite.WRITE);
            try {
                UpdateExec.dataset(dsg).update(update).execute();
                dsg.commit();
            } catch (RuntimeException e) {
                dsg.abort();
                throw new CommandException("the update failed and was undone, the quad store on " + uri
                        + " is as before: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
            } finally {
                dsg.end();
            }
            Text.println(out(), "updated the quad store on " + uri + ": it holds "
                    + Text.count(quads.size(), "quad", "quads") + " (" + Text.format("%,d", before) + " before)");
            if (!quads.store().capabilities().persistent()) {
                Text.println(err(), "plinth: " + uri + " is not persistent: what this command wrote is gone "
                        + "when it exits");
            }
            return ExitCode.OK;
        } finally {
            closeBoth(quads);
        }
    }

    /** The parser's message without its list of expected tokens, on one line. */
    private static String firstSentence(String message) {
        String m = PlinthCommand.oneLine(message);
        int cut = m.indexOf("; Was expecting");
        return cut < 0 ? m : m.substring(0, cut);
    }

    private static QueryParseException further(QueryParseException a, QueryParseException b) {
        if (b.getLine() > a.getLine() || b.getLine() == a.getLine() && b.getColumn() > a.getColumn()) {
            return b;
        }
        return a;
    }
}
