package study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import cli.BadInputException;
import cli.Cli;
import nn.Activation;
import nn.Training;

/**
 * An output folder of {@code deep} read back (for {@code gradnorms --from}): its settings from summary.json and every
 * run from runs.csv, history.csv and gradnorms.csv, as the same {@link ActivationComparison.Run} records training
 * gives, so what follows cannot tell loaded runs from trained ones. The CSVs hold Java's shortest round-trip doubles,
 * so the numbers come back bit for bit. Every problem is one {@link BadInputException} line naming the file (and line).
 */
public record RecordedRuns(String setup, List<ActivationComparison.Run> runs) {
    public static final List<String> FILES = List.of("summary.json", "runs.csv", "history.csv", "gradnorms.csv");

    /** Reads {@code dir}; {@code option} (e.g. --from) starts every error message. Reads only, writes nothing. */
    public static RecordedRuns read(Path dir, String option) {
        Cli.require(Files.isDirectory(dir), option + ": no folder " + dir + " (expected an output folder of deep)");
        for (String name : FILES) {
            Cli.require(Files.isRegularFile(dir.resolve(name)), option + ": " + dir + " has no " + name
                    + " (expected an output folder of a finished deep run: " + String.join(", ", FILES) + ")");
        }
        return new Reader(dir, option).read();
    }

    private record Key(Activation activation, int run) {}

    /** What one run's rows have added up to so far. */
    private static final class Rows {
        Long seed;
        ActivationComparison.Result result;
        final List<Training.Epoch> epochs = new ArrayList<>();
        final List<Double> norms = new ArrayList<>();   // epoch-major, hidden1..hiddenN per epoch
    }

    private static final class Reader {
        final Path dir;
        final String option;
        int depth, width, epochs, runs;
        double lr, momentum;
        Long seed;
        String data;
        final List<Activation> activations = new ArrayList<>();
        final Map<Key, Rows> byRun = new LinkedHashMap<>();   // in runs.csv's order

        Reader(Path dir, String option) {
            this.dir = dir;
            this.option = option;
        }

        RecordedRuns read() {
            settings();
            runsCsv();
            historyCsv();
            gradNormsCsv();
            var hidden = new ArrayList<String>();
            for (int k = 1; k <= depth; k++) hidden.add("hidden" + k);
            var out = new ArrayList<ActivationComparison.Run>();
            for (var e : byRun.entrySet()) {
                Key key = e.getKey();
                Rows rows = e.getValue();
                int n = rows.epochs.size();
                String what = key.activation() + " run " + key.run();
                require(rows.norms.size() == n * depth, "gradnorms.csv has " + rows.norms.size() / depth + " epochs of " + what
                        + ", history.csv " + n);
                require(rows.result == null ? n <= epochs : n == epochs, "history.csv has " + n + " epochs of " + what + ", summary.json says "
                        + epochs + (rows.result == null ? " at most (a diverged run)" : ""));
                double[][] norms = new double[n][depth];
                for (int i = 0; i < n * depth; i++) norms[i / depth][i % depth] = rows.norms.get(i);
                String diverged = rows.result == null ? "diverged in deep after " + n + " epochs (runs.csv has no result)" : null;
                out.add(new ActivationComparison.Run(key.activation(), key.run(), rows.seed, List.copyOf(rows.epochs), List.copyOf(hidden),
                        norms, rows.result, diverged, Double.NaN));
            }
            String setup = ActivationComparison.describe(depth, width, activations, runs, seed, epochs, lr, momentum, data);
            return new RecordedRuns(setup, List.copyOf(out));
        }

        void settings() {
            Path file = dir.resolve("summary.json");
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new BadInputException(option + ": " + file + " is not readable JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
            }
            require(json != null && json.isObject(), file + " must hold a JSON object");
            depth = integer(json, "depth", 2);
            width = integer(json, "width", 1);
            epochs = integer(json, "epochs", 1);
            runs = integer(json, "runs", 1);
            lr = number(json, "lr");
            momentum = number(json, "momentum");
            JsonNode s = json.get("seed");
            require(s != null && (s.isNull() || s.isIntegralNumber() && s.canConvertToLong() && s.asLong() >= 0),
                    file + ": key 'seed' must be an integer >= 0 or null (--init weights), got " + s);
            seed = s.isNull() ? null : s.asLong();
            JsonNode d = json.get("data");
            require(d != null && d.isTextual(), file + ": key 'data' must be a text (what the nets were trained on), got " + d
                    + (d == null ? " (written by an older deep? run deep again)" : ""));
            data = d.asText();
            JsonNode a = json.get("activations");
            require(a != null && a.isObject() && a.size() > 0, file + ": key 'activations' must be an object with relu and/or sigmoid");
            a.fieldNames().forEachRemaining(name -> activations.add(activation(name, file + ": key 'activations'")));
        }

        int integer(JsonNode json, String key, int min) {
            JsonNode v = json.get(key);
            require(v != null && v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= min,
                    dir.resolve("summary.json") + ": key '" + key + "' must be an integer >= " + min + ", got " + v);
            return v.asInt();
        }

        double number(JsonNode json, String key) {
            JsonNode v = json.get(key);
            require(v != null && v.isNumber(), dir.resolve("summary.json") + ": key '" + key + "' must be a number, got " + v);
            return v.asDouble();
        }

        void runsCsv() {
            for (Line line : lines("runs.csv", ActivationComparison.RUNS_HEADER)) {
                Key key = key(line);
                line.require(activations.contains(key.activation()) && key.run() >= 1 && key.run() <= runs,
                        key.activation() + " run " + key.run() + " is not one of summary.json's " + activations + " x runs 1.." + runs);
                line.require(!byRun.containsKey(key), key.activation() + " run " + key.run() + " appears twice");
                Rows rows = new Rows();
                String seedCell = line.cells()[2];
                rows.seed = seedCell.isEmpty() ? null : line.integer(2, "seed");
                Long expected = seed == null ? null : seed + key.run() - 1;
                line.require(java.util.Objects.equals(rows.seed, expected), "seed " + rows.seed + ", but summary.json's seed "
                        + seed + " gives " + (expected == null ? "none (--init weights)" : expected) + " for run " + key.run());
                double loss = line.number(3, "final_loss"), train = line.number(4, "train_acc"), test = line.number(5, "test_acc");
                // deep writes NaN for all three when a run diverged
                if (!(Double.isNaN(loss) && Double.isNaN(train) && Double.isNaN(test))) rows.result = new ActivationComparison.Result(loss, train, test);
                byRun.put(key, rows);
            }
            require(byRun.size() == activations.size() * runs, dir.resolve("runs.csv") + " has " + byRun.size() + " runs, summary.json says "
                    + activations.size() + " activation(s) x " + runs + " runs");
        }

        void historyCsv() {
            for (Line line : lines("history.csv", ActivationComparison.HISTORY_HEADER)) {
                Rows rows = known(line, key(line));
                int epoch = (int) line.integer(2, "epoch");
                line.require(epoch == rows.epochs.size(), "epoch " + epoch + ", expected " + rows.epochs.size() + " (each run's epochs in order from 0)");
                rows.epochs.add(new Training.Epoch(epoch, line.number(3, "loss"), line.number(4, "train_acc"), line.number(5, "test_acc")));
            }
        }

        void gradNormsCsv() {
            for (Line line : lines("gradnorms.csv", ActivationComparison.GRAD_NORMS_HEADER)) {
                Rows rows = known(line, key(line));
                int at = rows.norms.size();
                int epoch = (int) line.integer(2, "epoch");
                String layer = "hidden" + (at % depth + 1);
                line.require(epoch == at / depth && line.cells()[3].equals(layer), "epoch " + epoch + " layer " + line.cells()[3]
                        + ", expected epoch " + at / depth + " layer " + layer + " (summary.json's depth " + depth + ": hidden1..hidden" + depth + " per epoch, epochs in order)");
                rows.norms.add(line.number(4, "norm"));
            }
        }

        Key key(Line line) {
            return new Key(activation(line.cells()[0], line.where()), (int) line.integer(1, "run"));
        }

        Rows known(Line line, Key key) {
            Rows rows = byRun.get(key);
            line.require(rows != null, key.activation() + " run " + key.run() + " is not in runs.csv");
            return rows;
        }

        Activation activation(String name, String where) {
            for (Activation a : List.of(Activation.RELU, Activation.SIGMOID)) if (a.toString().equals(name)) return a;
            throw new BadInputException(option + ": " + where + ": activation '" + name + "', expected relu or sigmoid");
        }

        /** The lines after the header, which must be exactly {@code header}; every line must have its number of cells. */
        List<Line> lines(String name, String header) {
            Path file = dir.resolve(name);
            List<String> text;
            try {
                text = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException(option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
            require(!text.isEmpty() && text.get(0).equals(header), file + " has columns '" + (text.isEmpty() ? "" : text.get(0))
                    + "', expected '" + header + "'");
            int columns = header.split(",").length;
            var lines = new ArrayList<Line>(text.size());
            for (int i = 1; i < text.size(); i++) {
                var line = new Line(option, file + " line " + (i + 1), text.get(i).split(",", -1));
                line.require(line.cells().length == columns, line.cells().length + " cells, expected " + columns + " (" + header + ")");
                lines.add(line);
            }
            return lines;
        }

        void require(boolean ok, String message) {
            Cli.require(ok, option + ": " + message);
        }
    }

    /** One CSV line, split into cells, that knows where it is for error messages. */
    private record Line(String option, String where, String[] cells) {
        long integer(int column, String name) {
            try {
                return Long.parseLong(cells[column]);
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": " + where + ": " + name + " '" + cells[column] + "' is not an integer");
            }
        }

        double number(int column, String name) {
            try {
                return Double.parseDouble(cells[column]);
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": " + where + ": " + name + " '" + cells[column] + "' is not a number");
            }
        }

        void require(boolean ok, String message) {
            Cli.require(ok, option + ": " + where + ": " + message);
        }
    }
}
