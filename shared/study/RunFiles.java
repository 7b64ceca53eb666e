package study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.nd4j.shade.jackson.core.util.DefaultIndenter;
import org.nd4j.shade.jackson.core.util.DefaultPrettyPrinter;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.PropertyNamingStrategies;
import io.BadInputException;
import io.Output;
import data.Decimals;
import nn.Activation;
import nn.PyTorchReference;
import nn.Training;

/**
 * The files of a study's runs, written and read back: {@code runs.csv} (a row per net: its result after the last
 * update), {@code history.csv} (a row per net and epoch), one CSV per {@link LayerFile} (a row per net, epoch and hidden
 * layer: {@code gradnorms.csv}, {@code updates.csv}, {@code units.csv}) and {@code summary.json} (the {@link Study} and each activation's
 * {@link ActivationSummary}). The CSVs hold Java's shortest round-trip doubles, so {@link #read} gives back the very
 * runs that were written, bit for bit: {@code gradnorms --from} reads the nets {@code deep} trained instead of training
 * them again, and cannot tell them from trained ones. Every problem of a folder read back is one
 * {@link BadInputException} line naming the file (and line).
 */
public final class RunFiles {
    private RunFiles() {}

    public static final String SUMMARY = "summary.json";
    public static final String RUNS = "runs.csv";
    public static final String HISTORY = "history.csv";
    static final String RUNS_HEADER = "activation,run,seed,final_loss,train_acc,test_acc";
    static final String HISTORY_HEADER = "activation,run,epoch,loss,train_acc,test_acc";

    /**
     * A CSV of numbers per (run, epoch, hidden layer), long form: {@code activation,run,epoch,layer,<columns>}; each
     * column is a key of {@link Run#perLayer}. {@code emptyForNaN}: a NaN is written as an empty cell (a measure that
     * does not apply to the run's activation) and an empty cell is read as NaN.
     */
    public record LayerFile(String name, List<String> columns, boolean emptyForNaN) {
        public String header() {
            return "activation,run,epoch,layer," + String.join(",", columns);
        }
    }

    /** {@code activation,run,epoch,layer,norm}: every hidden layer's weight-gradient norm, every epoch. */
    public static final LayerFile GRAD_NORMS = new LayerFile("gradnorms.csv", List.of(Run.GRAD_NORM), false);
    /**
     * {@code activation,run,epoch,layer,update_norm,weight_norm,update_ratio}: what each epoch's optimiser step changed
     * in every hidden layer's weights, {@code ||W_after - W_before||}, the weights' norm before the step, and the ratio.
     */
    public static final LayerFile UPDATES = new LayerFile("updates.csv", List.of(Run.UPDATE_NORM, Run.WEIGHT_NORM, Run.UPDATE_RATIO), false);
    /**
     * {@code activation,run,epoch,layer,dead_fraction,saturated_fraction}: at each epoch's forward pass over the training
     * set, the share of dead ReLU units (0 for every point) and of saturated sigmoid outputs ((point, unit) pairs with
     * h (1 - h) < 0.01); the column that does not apply to the activation is empty.
     */
    public static final LayerFile UNITS = new LayerFile("units.csv", List.of(Run.DEAD_FRACTION, Run.SATURATED_FRACTION), true);
    /** The per-layer files of every run, in the order they are written. */
    public static final List<LayerFile> LAYER_FILES = List.of(GRAD_NORMS, UPDATES, UNITS);
    /** What a folder must hold to be read back. */
    public static final List<String> FILES = Stream.concat(Stream.of(SUMMARY, RUNS, HISTORY), LAYER_FILES.stream().map(LayerFile::name)).toList();

    // ---- writing ----

    /** Writes runs.csv, history.csv and the per-layer CSVs ({@link #csvFiles}) of {@code runs} into {@code dir}. */
    public static void writeRuns(Path dir, List<Run> runs) {
        Output.writeString(dir.resolve(RUNS), runsCsv(runs));
        Output.writeString(dir.resolve(HISTORY), historyCsv(runs));
        for (LayerFile file : LAYER_FILES) Output.writeString(dir.resolve(file.name()), layerCsv(file, runs));
    }

    /** The CSVs {@link #writeRuns} writes into {@code dir}: runs.csv, history.csv, gradnorms.csv, updates.csv, units.csv. */
    public static List<Path> csvFiles(Path dir) {
        return Stream.concat(Stream.of(RUNS, HISTORY), LAYER_FILES.stream().map(LayerFile::name)).map(dir::resolve).toList();
    }

    /** Writes summary.json: the study's settings and the summary of each activation's runs. */
    public static void writeSummary(Path dir, Study study, List<Run> runs) {
        Output.writeString(dir.resolve(SUMMARY), summaryJson(study, runs));
    }

    /** {@code activation,run,seed,final_loss,train_acc,test_acc}; a diverged run has NaN there, a run from --init an empty seed. */
    public static String runsCsv(List<Run> runs) {
        var csv = new StringBuilder(RUNS_HEADER).append('\n');
        for (Run r : runs) {
            csv.append(r.activation()).append(',').append(r.run()).append(',').append(r.seed() == null ? "" : r.seed());
            if (r.finished()) {
                csv.append(',').append(r.result().loss()).append(',').append(r.result().trainAccuracy()).append(',').append(r.result().testAccuracy());
            } else {
                csv.append(",NaN,NaN,NaN");
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** {@code activation,run,epoch,loss,train_acc,test_acc}: every epoch's forward pass, before its update. */
    public static String historyCsv(List<Run> runs) {
        var csv = new StringBuilder(HISTORY_HEADER).append('\n');
        for (Run r : runs) {
            for (Training.Epoch e : r.epochs()) {
                csv.append(r.activation()).append(',').append(r.run()).append(',').append(e.epoch()).append(',').append(e.loss())
                        .append(',').append(e.trainAccuracy()).append(',').append(e.testAccuracy()).append('\n');
            }
        }
        return csv.toString();
    }

    /** One row per (run, epoch, hidden layer) with the file's columns. */
    public static String layerCsv(LayerFile file, List<Run> runs) {
        var csv = new StringBuilder(file.header()).append('\n');
        for (Run r : runs) {
            for (int e = 0; e < r.epochs().size(); e++) {
                for (int k = 0; k < r.layers().size(); k++) {
                    csv.append(r.activation()).append(',').append(r.run()).append(',').append(e).append(',').append(r.layers().get(k));
                    for (String column : file.columns()) {
                        double value = r.perLayer().get(column)[e][k];
                        csv.append(',');
                        if (!(file.emptyForNaN() && Double.isNaN(value))) csv.append(value);
                    }
                    csv.append('\n');
                }
            }
        }
        return csv.toString();
    }

    // summary.json, as records (snake_case keys); JSON has no NaN, so a missing number is null
    private record Summary(int depth, int width, int epochs, double lr, double momentum, int runs, Long seed, String data,
            double chanceThreshold, Map<String, PerActivation> activations, List<PerRun> perRun) {}

    private record PerActivation(int runs, int diverged, int atChance, Numbers testAcc, Numbers finalLoss, Double medianFirstLayerGradNorm) {}

    private record Numbers(int n, Double mean, Double std, Double min, Double max, Double median) {
        Numbers(Stats s) {
            this(s.n(), json(s.mean()), json(s.std()), json(s.min()), json(s.max()), json(s.median()));
        }
    }

    private record PerRun(String activation, int run, Long seed, Double finalLoss, Double trainAcc, Double testAcc, boolean diverged) {}

    private static Double json(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** The text of summary.json. */
    public static String summaryJson(Study study, List<Run> runs) {
        var activations = new LinkedHashMap<String, PerActivation>();
        for (Activation a : study.activations()) {
            ActivationSummary s = ActivationSummary.of(a, runs);
            activations.put(a.toString(), new PerActivation(s.runs(), s.diverged(), s.atChance(), new Numbers(s.testAccuracy()),
                    new Numbers(s.finalLoss()), json(s.medianFirstLayerGradNorm())));
        }
        var perRun = runs.stream().map(r -> new PerRun(r.activation().toString(), r.run(), r.seed(), r.finished() ? json(r.result().loss()) : null,
                r.finished() ? json(r.result().trainAccuracy()) : null, r.finished() ? json(r.result().testAccuracy()) : null, !r.finished())).toList();
        var summary = new Summary(study.depth(), study.width(), study.epochs(), study.lr(), study.momentum(), study.runs(), study.seed(),
                study.data(), PyTorchReference.CHANCE, activations, perRun);
        try {
            return JSON.writer(new Printer()).writeValueAsString(summary) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** Jackson's pretty printer with {@code "key": value} (not {@code "key" : value}) and an array element per line. */
    private static final class Printer extends DefaultPrettyPrinter {
        Printer() {
            _objectFieldValueSeparatorWithSpaces = ": ";
            _arrayIndenter = new DefaultIndenter("  ", "\n");
            _objectIndenter = new DefaultIndenter("  ", "\n");
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Printer();
        }
    }

    // ---- reading ----

    /** A study's runs read back from a folder. */
    public record Recorded(Study study, List<Run> runs) {}

    /** Reads {@code dir}; {@code option} (e.g. --from) starts every error message. Reads only, writes nothing. */
    public static Recorded read(Path dir, String option) {
        BadInputException.require(Files.isDirectory(dir), option + ": no folder " + dir + " (expected an output folder of deep)");
        for (String name : FILES) {
            boolean older = !name.equals(GRAD_NORMS.name()) && LAYER_FILES.stream().anyMatch(f -> f.name().equals(name))
                    && Files.isRegularFile(dir.resolve(GRAD_NORMS.name()));
            BadInputException.require(Files.isRegularFile(dir.resolve(name)), option + ": " + dir + " has no " + name
                    + " (expected an output folder of a finished deep run: " + String.join(", ", FILES) + ")"
                    + (older ? "; written by an older deep? run deep again" : ""));
        }
        return new Reader(dir, option).read();
    }

    private record Key(Activation activation, int run) {}

    /** What one run's rows have added up to so far. */
    private static final class Rows {
        Long seed;
        Run.Result result;
        final List<Training.Epoch> epochs = new ArrayList<>();
        /** Per column of the layer files: its values, epoch-major, hidden1..hiddenN per epoch. */
        final Map<String, List<Double>> perLayer = new LinkedHashMap<>();
    }

    private static final class Reader {
        final Path dir;
        final String option;
        Study study;
        final Map<Key, Rows> byRun = new LinkedHashMap<>();   // in runs.csv's order

        Reader(Path dir, String option) {
            this.dir = dir;
            this.option = option;
        }

        Recorded read() {
            study = study();
            runsCsv();
            historyCsv();
            for (LayerFile file : LAYER_FILES) layerCsv(file);
            int depth = study.depth();
            var hidden = new ArrayList<String>();
            for (int k = 1; k <= depth; k++) hidden.add("hidden" + k);
            var runs = new ArrayList<Run>();
            for (var e : byRun.entrySet()) {
                Key key = e.getKey();
                Rows rows = e.getValue();
                int n = rows.epochs.size();
                String what = key.activation() + " run " + key.run();
                var perLayer = new LinkedHashMap<String, double[][]>();
                for (LayerFile file : LAYER_FILES) {
                    int found = rows.perLayer.getOrDefault(file.columns().get(0), List.of()).size();
                    require(found == n * depth, file.name() + " has " + found / depth + " epochs of " + what + ", history.csv " + n);
                    for (String column : file.columns()) {
                        List<Double> values = rows.perLayer.getOrDefault(column, List.of());
                        double[][] table = new double[n][depth];
                        for (int i = 0; i < n * depth; i++) table[i / depth][i % depth] = values.get(i);
                        perLayer.put(column, table);
                    }
                }
                require(rows.result == null ? n <= study.epochs() : n == study.epochs(), "history.csv has " + n + " epochs of " + what
                        + ", summary.json says " + study.epochs() + (rows.result == null ? " at most (a diverged run)" : ""));
                String diverged = rows.result == null ? "diverged in deep after " + n + " epochs (runs.csv has no result)" : null;
                runs.add(new Run(key.activation(), key.run(), rows.seed, rows.epochs, hidden, perLayer, rows.result, diverged, Double.NaN));
            }
            return new Recorded(study, List.copyOf(runs));
        }

        Study study() {
            Path file = dir.resolve(SUMMARY);
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new BadInputException(option + ": " + file + " is not readable JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
            }
            require(json != null && json.isObject(), file + " must hold a JSON object");
            int depth = integer(json, "depth", 1), width = integer(json, "width", 1), epochs = integer(json, "epochs", 1), runs = integer(json, "runs", 1);
            double lr = number(json, "lr"), momentum = number(json, "momentum");
            require(lr > 0, file + ": key 'lr' must be a finite number > 0, got " + lr);
            require(momentum >= 0 && momentum < 1, file + ": key 'momentum' must be a number in [0, 1), got " + momentum);
            JsonNode s = json.get("seed");
            require(s != null && (s.isNull() || s.isIntegralNumber() && s.canConvertToLong() && s.asLong() >= 0),
                    file + ": key 'seed' must be an integer >= 0 or null (--init weights), got " + s);
            JsonNode d = json.get("data");
            require(d != null && d.isTextual(), file + ": key 'data' must be a text (what the nets were trained on), got " + d
                    + (d == null ? " (written by an older deep? run deep again)" : ""));
            JsonNode a = json.get("activations");
            require(a != null && a.isObject() && a.size() > 0, file + ": key 'activations' must be an object with some of "
                    + Activation.optionNames(List.of(Activation.values())));
            var activations = new ArrayList<Activation>();
            a.fieldNames().forEachRemaining(name -> activations.add(activation(name, file + ": key 'activations'")));
            return new Study(depth, width, activations, runs, s.isNull() ? null : s.asLong(), epochs, lr, momentum, d.asText());
        }

        int integer(JsonNode json, String key, int min) {
            JsonNode v = json.get(key);
            require(v != null && v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= min,
                    dir.resolve(SUMMARY) + ": key '" + key + "' must be an integer >= " + min + ", got " + v);
            return v.asInt();
        }

        double number(JsonNode json, String key) {
            JsonNode v = json.get(key);
            require(v != null && v.isNumber() && Double.isFinite(v.asDouble()), dir.resolve(SUMMARY) + ": key '" + key + "' must be a finite number, got " + v);
            return v.asDouble();
        }

        void runsCsv() {
            for (Line line : lines(RUNS, RUNS_HEADER)) {
                Key key = key(line);
                line.require(study.activations().contains(key.activation()) && key.run() >= 1 && key.run() <= study.runs(),
                        key.activation() + " run " + key.run() + " is not one of summary.json's " + study.activations() + " x runs 1.." + study.runs());
                line.require(!byRun.containsKey(key), key.activation() + " run " + key.run() + " appears twice");
                Rows rows = new Rows();
                rows.seed = line.cells()[2].isEmpty() ? null : line.integer(2, "seed", 0, Long.MAX_VALUE);
                Long expected = study.seedOf(key.run());
                line.require(Objects.equals(rows.seed, expected), "seed " + rows.seed + ", but summary.json's seed " + study.seed() + " gives "
                        + (expected == null ? "none (--init weights)" : expected) + " for run " + key.run());
                // a diverged run has NaN in all three, a finished one its final loss and accuracies
                boolean diverged = List.of(line.cells()).subList(3, 6).stream().allMatch("NaN"::equals);
                if (!diverged) rows.result = new Run.Result(line.loss(3, "final_loss"), line.share(4, "train_acc"), line.share(5, "test_acc"));
                byRun.put(key, rows);
            }
            require(byRun.size() == study.nets(), dir.resolve(RUNS) + " has " + byRun.size() + " runs, summary.json says "
                    + study.activations().size() + " activation(s) x " + study.runs() + " runs");
        }

        void historyCsv() {
            for (Line line : lines(HISTORY, HISTORY_HEADER)) {
                Rows rows = known(line, key(line));
                int epoch = (int) line.integer(2, "epoch", 0, Integer.MAX_VALUE);
                line.require(epoch == rows.epochs.size(), "epoch " + epoch + ", expected " + rows.epochs.size() + " (each run's epochs in order from 0)");
                // (a test accuracy is NaN where there was no test set, as nn.Training records it)
                double test = line.cells()[5].equals("NaN") ? Double.NaN : line.share(5, "test_acc");
                rows.epochs.add(new Training.Epoch(epoch, line.loss(3, "loss"), line.share(4, "train_acc"), test));
            }
        }

        void layerCsv(LayerFile file) {
            int depth = study.depth();
            for (Line line : lines(file.name(), file.header())) {
                Rows rows = known(line, key(line));
                List<List<Double>> columns = file.columns().stream().map(c -> rows.perLayer.computeIfAbsent(c, x -> new ArrayList<>())).toList();
                int at = columns.get(0).size();
                int epoch = (int) line.integer(2, "epoch", 0, Integer.MAX_VALUE);
                String layer = "hidden" + (at % depth + 1);
                line.require(epoch == at / depth && line.cells()[3].equals(layer), "epoch " + epoch + " layer " + line.cells()[3] + ", expected epoch "
                        + at / depth + " layer " + layer + " (summary.json's depth " + depth + ": hidden1..hidden" + depth + " per epoch, epochs in order)");
                for (int c = 0; c < columns.size(); c++) columns.get(c).add(value(file, line, c));
            }
        }

        /**
         * Cell {@code c} of a per-layer file as deep writes it: a norm finite and >= 0; a share in [0, 1], or empty where
         * it does not apply; an update:weight ratio finite and >= 0, or NaN or Infinity where the weights' norm is 0.
         */
        double value(LayerFile file, Line line, int c) {
            String column = file.columns().get(c), cell = line.cells()[4 + c];
            if (file.emptyForNaN() && cell.isEmpty()) return Double.NaN;
            if (column.equals(Run.DEAD_FRACTION) || column.equals(Run.SATURATED_FRACTION)) return line.share(4 + c, column);
            if (column.equals(Run.UPDATE_RATIO) && (cell.equals("NaN") || cell.equals("Infinity"))) {
                int weight = file.columns().indexOf(Run.WEIGHT_NORM);
                line.require(weight >= 0 && line.cells()[4 + weight].matches("0(\\.0*)?(E0)?"), column + " is " + cell
                        + ", which only weights of norm 0 give; expected a finite number >= 0");
                return cell.equals("NaN") ? Double.NaN : Double.POSITIVE_INFINITY;
            }
            return line.number(4 + c, column, 0, Double.MAX_VALUE);
        }

        Key key(Line line) {
            return new Key(activation(line.cells()[0], line.where()), (int) line.integer(1, "run", 1, Integer.MAX_VALUE));
        }

        Rows known(Line line, Key key) {
            Rows rows = byRun.get(key);
            line.require(rows != null, key.activation() + " run " + key.run() + " is not in runs.csv");
            return rows;
        }

        Activation activation(String name, String where) {
            return Activation.parse(name, option + ": " + where + ": activation");
        }

        /** The lines after the header, which must be exactly {@code header}; every line must have its number of cells. */
        List<Line> lines(String name, String header) {
            Path file = dir.resolve(name);
            List<String> text;
            try {
                text = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException(option + ": cannot read " + file + " (" + Output.reason(e) + ")");
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
            BadInputException.require(ok, option + ": " + message);
        }
    }

    /** One CSV line, split into cells, that knows where it is for error messages. */
    private record Line(String option, String where, String[] cells) {
        /** A whole number in decimal digits from {@code min} to {@code max}. */
        long integer(int column, String name, long min, long max) {
            String cell = cells[column];
            try {
                long v = Long.parseLong(cell);
                if (Decimals.isInteger(cell) && v >= min && v <= max) return v;
            } catch (NumberFormatException e) {
                // said below, in words
            }
            throw new BadInputException(option + ": " + where + ": " + name + " '" + cell + "' is not a whole number from " + min + " to " + max);
        }

        /** A finite plain decimal number from {@code min} to {@code max} (no NaN, Infinity, 0x1p-1 or 1.5d). */
        double number(int column, String name, double min, double max) {
            var v = Decimals.parse(cells[column]);
            if (v.isPresent() && v.getAsDouble() >= min && v.getAsDouble() <= max) return v.getAsDouble();
            throw new BadInputException(option + ": " + where + ": " + name + " '" + cells[column] + "' is not a finite decimal number"
                    + (min == 0 && max == 1 ? " from 0 to 1" : min == 0 ? " >= 0" : ""));
        }

        /** A loss: finite, >= 0. */
        double loss(int column, String name) {
            return number(column, name, 0, Double.MAX_VALUE);
        }

        /** An accuracy or a share of units: from 0 to 1. */
        double share(int column, String name) {
            return number(column, name, 0, 1);
        }

        void require(boolean ok, String message) {
            BadInputException.require(ok, option + ": " + where + ": " + message);
        }
    }
}
