package dev.plinth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command's byte arguments (keys, values, prefixes, bounds) are written on the command line:
 * escaped text by default ({@link ByteText#unescape(String)}), or hex, or base64. One choice covers every
 * byte argument of the command. A picocli mixin.
 */
public final class ByteArgs {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-x", "--hex"},
            description = "Byte arguments (keys, values, prefix, bounds) are hex, two digits a byte.")
    boolean hex;

    @Option(names = "--base64", description = "Byte arguments are standard base64 (RFC 4648).")
    boolean base64;

    /**
     * Refuses contradictory choices, for commands whose byte arguments are all optional.
     *
     * @throws CommandLine.ParameterException if both encodings were chosen
     */
    public void check() {
        if (hex && base64) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--hex and --base64 are mutually exclusive");
        }
    }

    /**
     * Decodes one byte argument.
     *
     * @param what the argument's name for the error message ({@code KEY}, {@code --prefix})
     * @param arg the argument as typed
     * @return the bytes
     * @throws CommandLine.ParameterException if the argument is malformed or both encodings were chosen
     */
    public byte[] decode(String what, String arg) {
        check();
        try {
            return hex ? ByteText.unhex(arg) : base64 ? ByteText.unbase64(arg) : ByteText.unescape(arg);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "invalid " + what + ": " + e.getMessage());
        }
    }
}
