package dev.jtune.recipes;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers over Commons CLI shared by the commands: parsing with --help, typed option values. */
final class Cli {

    private final CommandLine line;

    private Cli(CommandLine line) {
        this.line = line;
    }

    /** Parses {@code args}; returns null after printing help when --help was asked for. */
    static Cli parse(String command, String summary, Options options, String[] args) {
        options.addOption(Option.builder().longOpt("help").desc("show this help").build());
        try {
            CommandLine line = new DefaultParser().parse(options, args);
            if (line.hasOption("help")) {
                HelpFormatter help = new HelpFormatter();
                PrintWriter out = new PrintWriter(System.out, true);
                help.printHelp(out, 100, "java -jar jtune.jar " + command + " [options]", summary + "\n\n",
                        options, 2, 4, "", false);
                return null;
            }
            if (!line.getArgList().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.getArgList().get(0) + "'");
            }
            return new Cli(line);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static Option opt(String name, String arg, String description) {
        return Option.builder().longOpt(name).hasArg(arg != null).argName(arg).desc(description).build();
    }

    boolean has(String name) {
        return line.hasOption(name);
    }

    String string(String name, String fallback) {
        return line.getOptionValue(name, fallback);
    }

    String[] values(String name) {
        return line.getOptionValues(name);
    }

    String required(String name) {
        String v = line.getOptionValue(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    Path existingPath(String name) {
        Path p = Path.of(required(name));
        if (!Files.exists(p)) {
            throw new UsageException("--" + name + " " + p + " does not exist");
        }
        return p;
    }

    Path optionalPath(String name) {
        String v = line.getOptionValue(name);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.exists(p)) {
            throw new UsageException("--" + name + " " + p + " does not exist");
        }
        return p;
    }

    int integer(String name, int fallback) {
        String v = line.getOptionValue(name);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    long longValue(String name, long fallback) {
        String v = line.getOptionValue(name);
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    double number(String name, double fallback) {
        String v = line.getOptionValue(name);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }
}
